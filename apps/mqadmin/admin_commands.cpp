// mqadmin's command table and dispatcher, and the name-server listing commands
// (clusterList, topicList, topicRoute) and `plugins`.
#include "admin_commands.h"

#include "admin_context.h"

#include "common/app_support.h"
#include "common/command_line.h"
#include "common/logging.h"
#include "remoting/kv_table.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_list.h"
#include "remoting/topic_route_data.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>

namespace mq::apps {

int cluster_list(AdminContext& ctx) {
  auto info = ctx.cluster_info();
  if (!info.ok()) return ctx.fail(info.status().message());
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
  if (auto cluster = ctx.value("clusterName")) {
    request = core::RemotingCommand::request(core::request_code::kGetTopicsByCluster);
    request.set("cluster", *cluster);
  } else {
    request = core::RemotingCommand::request(core::request_code::kGetAllTopicListFromNameserver);
  }
  auto response = ctx.call_namesrv(request);
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  auto list = core::TopicList::from_json(response->body.as_string_view());
  if (!list.ok()) return ctx.fail("cannot read the topic list: " + list.status().message());
  for (const auto& topic : list->topic_list) std::printf("%s\n", topic.c_str());
  return 0;
}

int topic_route(AdminContext& ctx) {
  auto topic = ctx.value("topic");
  if (!topic) return ctx.usage_error("topicRoute needs -t TOPIC");
  auto request = core::RemotingCommand::request(core::request_code::kGetRouteinfoByTopic);
  request.set("topic", *topic);
  auto response = ctx.call_namesrv(request);
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  // Print the route as standard JSON (quoted keys), which every tool can read.
  auto route = core::TopicRouteData::from_json(response->body.as_string_view());
  if (!route.ok()) return ctx.fail("cannot read the route: " + route.status().message());
  std::printf("%s\n", route->to_json(core::IntKeyStyle::kQuoted).c_str());
  return 0;
}

namespace {

int plugins(AdminContext&) {
  auto logger = core::make_console_logger(kAdminProgram, "warn");
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

// Option specs shared by several commands. Letters follow RocketMQ's mqadmin, which gives
// some letters different meanings per command (-c: cluster, tags or count; -p: perm or body).
OptionSpec opt_namesrv() {
  return {'n', "namesrvAddr", true, "ADDR", "name server addresses, ';'-separated"};
}
OptionSpec opt_topic(bool required = true) {
  return {'t', "topic", true, "TOPIC", required ? "topic name (required)" : "topic name"};
}
OptionSpec opt_cluster() { return {'c', "clusterName", true, "CLUSTER", "cluster name"}; }
OptionSpec opt_broker() { return {'b', "brokerAddr", true, "ADDR", "broker address ip:port"}; }
OptionSpec opt_group() { return {'g', "groupName", true, "GROUP", "consumer group (required)"}; }
OptionSpec opt_help() { return {'h', "help", false, "", "show this help"}; }

struct Command {
  const char* name;
  const char* synopsis;
  const char* help;
  std::vector<OptionSpec> specs;
  bool needs_client;
  std::function<int(AdminContext&)> run;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> list{
      {"clusterList",
       "clusterList [-n ADDR]",
       "list the clusters and their brokers",
       {opt_namesrv(), opt_help()},
       true,
       cluster_list},
      {"topicList",
       "topicList [-n ADDR] [-c CLUSTER]",
       "list every topic, or a cluster's",
       {opt_namesrv(), opt_cluster(), opt_help()},
       true,
       topic_list},
      {"topicRoute",
       "topicRoute [-n ADDR] -t TOPIC",
       "show a topic's route",
       {opt_namesrv(), opt_topic(), opt_help()},
       true,
       topic_route},
      {"topicStatus",
       "topicStatus [-n ADDR] -t TOPIC",
       "min/max offset of every queue of a topic",
       {opt_namesrv(), opt_topic(), opt_help()},
       true,
       topic_status},
      {"updateTopic",
       "updateTopic [-n ADDR] (-b ADDR | -c CLUSTER) -t TOPIC [-r N] [-w N] [-p PERM]",
       "create or update a topic on a broker or on every master of a cluster",
       {opt_namesrv(),
        opt_broker(),
        opt_cluster(),
        opt_topic(),
        {'r', "readQueueNums", true, "N", "read queues (default 8)"},
        {'w', "writeQueueNums", true, "N", "write queues (default 8)"},
        {'p', "perm", true, "PERM", "permission: 2 write, 4 read, 6 both (default 6)"},
        {'o', "order", true, "BOOL", "ordered topic (default false)"},
        opt_help()},
       true,
       update_topic},
      {"deleteTopic",
       "deleteTopic [-n ADDR] -c CLUSTER -t TOPIC",
       "delete a topic from a cluster's masters and from every name server",
       {opt_namesrv(), opt_cluster(), opt_topic(), opt_help()},
       true,
       delete_topic},
      {"updateSubGroup",
       "updateSubGroup [-n ADDR] (-b ADDR | -c CLUSTER) -g GROUP [-q N] [-r N]",
       "create or update a subscription group",
       {opt_namesrv(),
        opt_broker(),
        opt_cluster(),
        opt_group(),
        {'q', "retryQueueNums", true, "N", "retry queues (default 1)"},
        {'r', "retryMaxTimes", true, "N", "retries before the DLQ (default 16)"},
        {'s', "consumeEnable", true, "BOOL", "consumption allowed (default true)"},
        opt_help()},
       true,
       update_sub_group},
      {"consumerProgress",
       "consumerProgress [-n ADDR] -g GROUP",
       "per queue: broker offset, consumer offset and the difference",
       {opt_namesrv(), opt_group(), opt_help()},
       true,
       consumer_progress},
      {"sendMessage",
       "sendMessage [-n ADDR] -t TOPIC -p BODY [-k KEYS] [-c TAGS]",
       "send one message",
       {opt_namesrv(),
        opt_topic(),
        {'p', "body", true, "BODY", "message body (required)"},
        {'k', "keys", true, "KEYS", "message keys"},
        {'c', "tags", true, "TAGS", "message tag"},
        opt_help()},
       false,
       send_message},
      {"consumeMessage",
       "consumeMessage [-n ADDR] -t TOPIC [-g GROUP] [-c COUNT] [-b BROKER]",
       "pull a topic's messages from the start of every queue and print them",
       {opt_namesrv(),
        opt_topic(),
        {'g', "consumerGroup", true, "GROUP", "consumer group (default TOOLS_CONSUMER)"},
        {'c', "count", true, "N", "stop after N messages (default 128)"},
        {'b', "brokerName", true, "NAME", "only this broker's queues"},
        opt_help()},
       false,
       consume_message},
      {"queryMsgById",
       "queryMsgById [-n ADDR] -i MSGID",
       "show a message by its offset msg id",
       {opt_namesrv(), {'i', "msgId", true, "MSGID", "offset message id (required)"}, opt_help()},
       true,
       query_msg_by_id},
      {"brokerStatus",
       "brokerStatus [-n ADDR] -b ADDR",
       "a broker's runtime table",
       {opt_namesrv(), opt_broker(), opt_help()},
       true,
       broker_status},
      {"getBrokerConfig",
       "getBrokerConfig [-n ADDR] -b ADDR",
       "a broker's configuration",
       {opt_namesrv(), opt_broker(), opt_help()},
       true,
       get_broker_config},
      {"plugins",
       "plugins",
       "list the plugins this installation has",
       {opt_help()},
       false,
       plugins},
  };
  return list;
}

std::string usage() {
  std::string text = "usage: mqadmin <command> [options]\ncommands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    name.resize(18, ' ');
    text += "  " + name + c.help + "\n";
  }
  return text + "run 'mqadmin <command> -h' for a command's options\n";
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
    print_error(kAdminProgram, "unknown command '" + name + "'; run 'mqadmin help' for the list");
    return kExitConfigError;
  }
  const std::string command_usage =
      CommandLine::usage("mqadmin", command->synopsis, command->specs);
  auto args = CommandLine::parse(command->specs, argc, argv, 2);
  if (!args.ok()) {
    print_error(kAdminProgram, args.status().message());
    std::cerr << command_usage;
    return kExitConfigError;
  }
  if (args->has("help")) {
    std::cout << command->help << "\n" << command_usage;
    return 0;
  }
  if (!args->positional().empty()) {
    print_error(kAdminProgram, "unexpected argument '" + args->positional().front() + "'");
    std::cerr << command_usage;
    return kExitConfigError;
  }
  AdminContext ctx(std::move(args).value(), command_usage);
  if (command->needs_client) {
    if (auto status = ctx.connect(); !status) {
      print_error(kAdminProgram, status.message());
      return kExitConfigError;
    }
  }
  return command->run(ctx);
}

}  // namespace mq::apps
