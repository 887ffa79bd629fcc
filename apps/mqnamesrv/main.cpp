// mqnamesrv: the RocketMQ name server. `mqnamesrv [-c FILE] [-p]`.
#include "common/app_support.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "common/shutdown_signal.h"
#include "config/broker_config.h"
#include "namesrv/namesrv_service.h"
#include "plugin_host/plugin_host.h"

#include <spdlog/logger.h>

#include <cstdio>
#include <iostream>

namespace {

constexpr const char* kProgram = "mqnamesrv";

const std::vector<mq::apps::OptionSpec>& options() {
  static const std::vector<mq::apps::OptionSpec> specs{
      {'c', "config", true, "FILE", "name server properties file"},
      {'p', "print-config", false, "", "print the effective configuration and exit"},
      {'o', "option", true, "KEY=VALUE", "override one property (may repeat)"},
      {'h', "help", false, "", "show this help"},
  };
  return specs;
}

int run(int argc, char** argv) {
  using namespace mq;
  core::ShutdownSignal::block();
  auto args = apps::CommandLine::parse(options(), argc, argv);
  if (!args.ok()) {
    apps::print_error(kProgram, args.status().message());
    return apps::kExitConfigError;
  }
  if (args->has("help")) {
    std::cout << apps::CommandLine::usage(kProgram, "[-c FILE] [-p] [-o KEY=VALUE]...", options());
    return 0;
  }
  auto file = apps::load_properties(args->value("config"));
  if (!file.ok()) {
    apps::print_error(kProgram, file.status().message());
    return apps::kExitConfigError;
  }
  auto overrides = apps::parse_overrides(args->values("option"));
  if (!overrides.ok()) {
    apps::print_error(kProgram, overrides.status().message());
    return apps::kExitConfigError;
  }
  core::ConfigDiagnostics diagnostics;
  auto config = core::parse_namesrv_config(file.value().get(), overrides.value(),
                                           core::ConfigEnvironment::system(), diagnostics);
  const std::vector<std::string>& warnings = diagnostics.warnings;
  for (const auto& warning : warnings) apps::print_error(kProgram, "warning: " + warning);
  if (!config.ok()) {
    apps::print_error(kProgram, config.status().message());
    return apps::kExitConfigError;
  }
  if (args->has("print-config")) {
    std::cout << core::format_effective_config(config.value());
    return 0;
  }

  const std::string log_dir =
      config->log_dir.empty() ? core::default_log_directory() : config->log_dir;
  auto logger = core::make_process_logger({"namesrv", log_dir, config->log_level});
  if (!logger.ok()) {
    apps::print_error(kProgram, logger.status().message());
    return apps::kExitRuntimeError;
  }
  for (const auto& warning : warnings) logger.value()->warn("{}", warning);
  for (const auto& note : diagnostics.notes) logger.value()->info("{}", note);

  core::PluginHost host(logger.value(), config->plugin_dir.empty()
                                            ? core::PluginHost::default_plugin_dir()
                                            : std::filesystem::path(config->plugin_dir));
  for (const auto& name : config->transport_plugins) {
    auto library = host.load(name, sdk::Seam::kTransport, "transportPlugins");
    if (!library.ok()) {
      apps::print_error(kProgram, library.status().message());
      return apps::kExitConfigError;
    }
  }
  std::vector<std::string> key_warnings;
  if (auto status = host.resolve_keys(config->plugin_entries, key_warnings); !status) {
    apps::print_error(kProgram, status.message());
    return apps::kExitConfigError;
  }
  for (const auto& warning : key_warnings) logger.value()->warn("{}", warning);
  auto transports =
      apps::create_transports(host, config->transport_plugins, config->transport, nullptr);
  if (!transports.ok()) {
    apps::print_error(kProgram, transports.status().message());
    return apps::kExitConfigError;
  }

  {
    core::NamesrvService service(config.value(), logger.value());
    for (auto& transport : transports.value()) {
      auto address = apps::listen_address_for(*transport, config->listen_address,
                                              config->listen_port, config->unix_socket_dir);
      if (!address.ok()) {
        apps::print_error(kProgram, address.status().message());
        return apps::kExitConfigError;
      }
      auto bound = service.listen(*transport, address.value());
      if (!bound.ok()) {
        apps::print_error(kProgram,
                          "cannot listen on " + address.value() + ": " + bound.status().message());
        return apps::kExitRuntimeError;
      }
      logger.value()->info("listening on {}", bound.value());
    }
    service.start();
    logger.value()->info("The Name Server boot success. serializeType=JSON");
    std::printf("The Name Server boot success. serializeType=JSON\n");
    std::fflush(stdout);

    int signal = core::ShutdownSignal::wait();
    logger.value()->info("shutdown on signal {}", signal);
    service.stop();
    for (auto& transport : transports.value()) transport->stop();
  }
  transports.value().clear();
  logger.value()->info("name server stopped");
  logger.value()->flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    mq::apps::print_error(kProgram, std::string("fatal: ") + e.what());
    return mq::apps::kExitRuntimeError;
  }
}
