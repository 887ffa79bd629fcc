// mqbroker: a RocketMQ broker. `mqbroker -c FILE [-n ADDR] [-p] [--plugins]`.
#include "broker/broker_controller.h"
#include "common/app_support.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "common/plugin_listing.h"
#include "common/shutdown_signal.h"
#include "config/broker_config.h"
#include "plugin_host/plugin_host.h"

#include <spdlog/logger.h>

#include <cstdio>
#include <iostream>

namespace {

constexpr const char* kProgram = "mqbroker";

const std::vector<mq::apps::OptionSpec>& options() {
  static const std::vector<mq::apps::OptionSpec> specs{
      {'c', "config", true, "FILE", "broker properties file (broker-a.properties)"},
      {'n', "namesrvAddr", true, "ADDR", "name server addresses, ';'-separated"},
      {'p', "print-config", false, "", "print the effective configuration and exit"},
      {'o', "option", true, "KEY=VALUE", "override one property (may repeat)"},
      {0, "plugins", false, "", "list the plugins found and which ones the properties select"},
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
    std::cout << apps::CommandLine::usage(kProgram, "-c FILE [-n ADDR] [-p] [--plugins]",
                                          options());
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
  if (auto namesrv = args->value("namesrvAddr")) {
    overrides.value().push_back(core::PropertyEntry{"namesrvAddr", *namesrv, "<command line>", 0});
  }
  core::ConfigDiagnostics diagnostics;
  auto config = core::parse_broker_config(file.value().get(), overrides.value(),
                                          core::ConfigEnvironment::system(), diagnostics);
  const std::vector<std::string>& warnings = diagnostics.warnings;
  for (const auto& warning : warnings) apps::print_error(kProgram, "warning: " + warning);
  if (!config.ok()) {
    apps::print_error(kProgram, config.status().message());
    return apps::kExitConfigError;
  }
  const std::filesystem::path plugin_dir = config->plugin_dir.empty()
                                               ? core::PluginHost::default_plugin_dir()
                                               : std::filesystem::path(config->plugin_dir);
  if (args->has("print-config")) {
    std::cout << core::format_effective_config(config.value());
    return 0;
  }
  if (args->has("plugins")) {
    auto console = core::make_console_logger(kProgram, "warn");
    core::PluginHost host(console, plugin_dir);
    std::cout << apps::format_plugin_listing(host, config.value());
    return 0;
  }

  const std::string log_dir =
      config->log_dir.empty() ? core::default_log_directory() : config->log_dir;
  auto logger = core::make_process_logger({"broker", log_dir, config->log_level});
  if (!logger.ok()) {
    apps::print_error(kProgram, logger.status().message());
    return apps::kExitRuntimeError;
  }
  for (const auto& warning : warnings) logger.value()->warn("{}", warning);
  for (const auto& note : diagnostics.notes) logger.value()->info("{}", note);

  core::PluginHost host(logger.value(), plugin_dir);
  auto plugins = core::BrokerPlugins::load(host, config.value(), *logger.value());
  if (!plugins.ok()) {
    apps::print_error(kProgram, plugins.status().message());
    logger.value()->error("{}", plugins.status().message());
    return apps::kExitConfigError;
  }
  int exit_code = 0;
  {
    core::BrokerController broker(config.value(), std::move(plugins).value(), logger.value());
    if (auto status = broker.start(); !status) {
      apps::print_error(kProgram, status.message());
      logger.value()->error("{}", status.message());
      exit_code = apps::kExitRuntimeError;
    } else {
      std::printf("The broker[%s, %s:%d] boot success. serializeType=JSON%s\n",
                  config->identity.broker_name.c_str(), config->identity.broker_ip.c_str(),
                  config->identity.listen_port,
                  config->namesrv_addrs.empty()
                      ? ""
                      : (" and name server is " + config->namesrv_addrs.front()).c_str());
      std::fflush(stdout);
      int signal = core::ShutdownSignal::wait();
      logger.value()->info("shutdown on signal {}", signal);
    }
    broker.shutdown();
  }
  logger.value()->info("broker stopped");
  logger.value()->flush();
  return exit_code;
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
