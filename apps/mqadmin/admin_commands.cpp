#include "admin_commands.h"

#include "common/app_support.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "config/broker_config.h"
#include "net/remoting_client.h"
#include "plugin_host/plugin_host.h"
#include "remoting/cluster_info.h"
#include "remoting/kv_table.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_list.h"
#include "remoting/topic_route_data.h"

#include <spdlog/logger.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

namespace mq::apps {
namespace {

constexpr const char* kProgram = "mqadmin";
constexpr std::int64_t kTimeoutMs = 5000;

// Everything a command needs: parsed options and a connected client.
class AdminContext {
 public:
  explicit AdminContext(CommandLine args) : args_(std::move(args)) {}

  const CommandLine& args() const { return args_; }

  // The name server addresses from -n, else $NAMESRV_ADDR, else 127.0.0.1:9876.
  std::vector<std::string> namesrv_addrs() const {
    std::string text;
    if (auto n = args_.value("namesrvAddr")) {
      text = *n;
    } else if (const char* env = std::getenv("NAMESRV_ADDR")) {  // NOLINT(concurrency-mt-unsafe)
      text = env;
    } else {
      text = "127.0.0.1:9876";
    }
    std::vector<std::string> out;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ';')) {
      if (!item.empty()) out.push_back(item);
    }
    return out;
  }

  sdk::Status connect() {
    logger_ = core::make_console_logger(kProgram, "warn");
    host_ = std::make_unique<core::PluginHost>(logger_, core::PluginHost::default_plugin_dir());
    options_.connect_timeout_ms = 3000;
    auto transports = create_transports(*host_, {"transport-tcp"}, options_, nullptr);
    if (!transports.ok()) return transports.status();
    transports_ = std::move(transports).value();
    std::vector<sdk::Transport*> raw;
    for (auto& t : transports_) raw.push_back(t.get());
    client_ = std::make_unique<core::RemotingClient>(raw);
    return sdk::Status::ok();
  }

  ~AdminContext() {
    client_.reset();
    for (auto& t : transports_) t->stop();
    transports_.clear();
  }
  AdminContext(const AdminContext&) = delete;
  AdminContext& operator=(const AdminContext&) = delete;

  // Sends to the first name server that answers.
  sdk::Result<core::RemotingCommand> call_namesrv(const core::RemotingCommand& request) {
    sdk::Status last(sdk::StatusCode::kUnavailable, "no name server address");
    for (const auto& addr : namesrv_addrs()) {
      auto copy = clone(request);
      auto response = client_->invoke(addr, std::move(copy), kTimeoutMs);
      if (response.ok()) return response;
      last = response.status();
    }
    return last;
  }

  sdk::Result<core::RemotingCommand> call(const std::string& addr,
                                          const core::RemotingCommand& request) {
    return client_->invoke(addr, clone(request), kTimeoutMs);
  }

  static core::RemotingCommand clone(const core::RemotingCommand& request) {
    core::RemotingCommand copy;
    copy.code = request.code;
    copy.language = request.language;
    copy.version = request.version;
    copy.flag = request.flag;
    copy.remark = request.remark;
    copy.ext_fields = request.ext_fields;
    copy.serialize_type = request.serialize_type;
    copy.body = sdk::Bytes::copy_of(request.body.view());
    return copy;
  }

 private:
  CommandLine args_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions options_;
  std::vector<core::PluginObject<sdk::Transport>> transports_;
  std::unique_ptr<core::RemotingClient> client_;
};

int fail(const std::string& message) {
  print_error(kProgram, message);
  return kExitRuntimeError;
}

int refused(const core::RemotingCommand& response) {
  return fail("server answered " + std::string(core::response_code_name(response.code)) + " (" +
              std::to_string(response.code) + "): " + response.remark.value_or(""));
}

int cluster_list(AdminContext& ctx) {
  auto response =
      ctx.call_namesrv(core::RemotingCommand::request(core::request_code::kGetBrokerClusterInfo));
  if (!response.ok()) return fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return refused(response.value());
  auto info = core::ClusterInfo::from_json(response->body.as_string_view());
  if (!info.ok()) return fail("cannot read the cluster info: " + info.status().message());

  std::printf("%-22s %-22s %-4s %-22s %-12s %-14s %-14s %s\n", "#Cluster Name", "#Broker Name",
              "#BID", "#Addr", "#Version", "#InTotalToday", "#OutTotalToday", "#Status");
  for (const auto& [cluster, names] : info->cluster_addr_table) {
    std::vector<std::string> sorted(names.begin(), names.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& name : sorted) {
      auto broker = info->broker_addr_table.find(name);
      if (broker == info->broker_addr_table.end()) continue;
      for (const auto& [id, addr] : broker->second.broker_addrs) {
        std::string version = "-", in_today = "-", out_today = "-", status = "unreachable";
        auto runtime = ctx.call(
            addr, core::RemotingCommand::request(core::request_code::kGetBrokerRuntimeInfo));
        if (runtime.ok() && runtime->code == core::response_code::kSuccess) {
          auto table = core::KvTable::from_json(runtime->body.as_string_view());
          if (table.ok()) {
            auto get = [&](const char* key) {
              auto it = table->table.find(key);
              return it == table->table.end() ? std::string("-") : it->second;
            };
            version = get("brokerVersionDesc");
            in_today = get("msgPutTotalTodayNow");
            out_today = get("msgGetTotalTodayNow");
            status = "ok";
          }
        } else if (runtime.ok()) {
          status = "code " + std::to_string(runtime->code);
        }
        std::printf("%-22s %-22s %-4lld %-22s %-12s %-14s %-14s %s\n", cluster.c_str(),
                    name.c_str(), static_cast<long long>(id), addr.c_str(), version.c_str(),
                    in_today.c_str(), out_today.c_str(), status.c_str());
      }
    }
  }
  return 0;
}

int topic_list(AdminContext& ctx) {
  core::RemotingCommand request;
  if (auto cluster = ctx.args().value("clusterName")) {
    request = core::RemotingCommand::request(core::request_code::kGetTopicsByCluster);
    request.set("cluster", *cluster);
  } else {
    request = core::RemotingCommand::request(core::request_code::kGetAllTopicListFromNameserver);
  }
  auto response = ctx.call_namesrv(request);
  if (!response.ok()) return fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return refused(response.value());
  auto list = core::TopicList::from_json(response->body.as_string_view());
  if (!list.ok()) return fail("cannot read the topic list: " + list.status().message());
  const auto& topics = list->topic_list;  // a sorted set
  for (const auto& topic : topics) std::printf("%s\n", topic.c_str());
  return 0;
}

int topic_route(AdminContext& ctx) {
  auto topic = ctx.args().value("topic");
  if (!topic) {
    print_error(kProgram, "topicRoute needs -t TOPIC");
    return kExitConfigError;
  }
  auto request = core::RemotingCommand::request(core::request_code::kGetRouteinfoByTopic);
  request.set("topic", *topic);
  auto response = ctx.call_namesrv(request);
  if (!response.ok()) return fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return refused(response.value());
  // Print the route as standard JSON (quoted keys), which every tool can read.
  auto route = core::TopicRouteData::from_json(response->body.as_string_view());
  if (!route.ok()) return fail("cannot read the route: " + route.status().message());
  std::printf("%s\n", route->to_json(core::IntKeyStyle::kQuoted).c_str());
  return 0;
}

int plugins(AdminContext&) {
  auto logger = core::make_console_logger(kProgram, "warn");
  core::PluginHost host(logger, core::PluginHost::default_plugin_dir());
  std::printf("plugin directory: %s\n", host.plugin_dir().string().c_str());
  for (const auto& plugin : host.discover()) {
    if (!plugin.loadable) {
      std::printf("  %s: NOT LOADABLE: %s\n", plugin.file_stem.c_str(), plugin.error.c_str());
      continue;
    }
    std::printf("  %-20s seam=%-12s version=%-8s abi=%u.%u  %s\n", plugin.name.c_str(),
                sdk::seam_name(plugin.seam), plugin.version.c_str(), plugin.abi_major,
                plugin.abi_minor, plugin.description.c_str());
  }
  return 0;
}

struct Command {
  const char* name;
  const char* help;
  bool needs_client;
  std::function<int(AdminContext&)> run;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> list{
      {"clusterList", "list the clusters and their brokers (-n)", true, cluster_list},
      {"topicList", "list every topic, or a cluster's (-n [-c CLUSTER])", true, topic_list},
      {"topicRoute", "show a topic's route (-n -t TOPIC)", true, topic_route},
      {"plugins", "list the plugins this installation has", false, plugins},
  };
  return list;
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs{
      {'n', "namesrvAddr", true, "ADDR", "name server addresses, ';'-separated"},
      {'t', "topic", true, "TOPIC", "topic name"},
      {'c', "clusterName", true, "CLUSTER", "cluster name"},
      {'b', "brokerAddr", true, "ADDR", "broker address"},
      {'h', "help", false, "", "show this help"},
  };
  return specs;
}

std::string usage() {
  std::string text = "usage: mqadmin <command> [options]\ncommands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    name.resize(16, ' ');
    text += "  " + name + c.help + "\n";
  }
  return text + CommandLine::usage("mqadmin", "<command>", option_specs());
}

}  // namespace

int run_admin(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "help" || std::string_view(argv[1]) == "-h") {
    std::cout << usage();
    return argc < 2 ? kExitConfigError : 0;
  }
  const std::string name = argv[1];
  auto command = std::find_if(commands().begin(), commands().end(),
                              [&](const Command& c) { return name == c.name; });
  if (command == commands().end()) {
    print_error(kProgram, "unknown command '" + name + "'; run 'mqadmin help' for the list");
    return kExitConfigError;
  }
  auto args = CommandLine::parse(option_specs(), argc, argv, 2);
  if (!args.ok()) {
    print_error(kProgram, args.status().message());
    return kExitConfigError;
  }
  AdminContext ctx(std::move(args).value());
  if (command->needs_client) {
    if (auto status = ctx.connect(); !status) {
      print_error(kProgram, status.message());
      return kExitConfigError;
    }
  }
  return command->run(ctx);
}

}  // namespace mq::apps
