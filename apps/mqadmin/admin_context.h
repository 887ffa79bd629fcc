// What every mqadmin sub-command gets: its parsed options, a remoting client over the
// transport-tcp plugin (created on demand), and the helpers that turn failures into one
// line on stderr and an exit code (0 fine, 1 refused or unreachable, 2 bad usage).
//
// Single-threaded: one command runs per process, on the main thread.
#pragma once

#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include "common/command_line.h"
#include "net/remoting_client.h"
#include "plugin_host/plugin_host.h"
#include "remoting/cluster_info.h"
#include "remoting/remoting_command.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace mq::apps {

inline constexpr const char* kAdminProgram = "mqadmin";
inline constexpr std::int64_t kAdminTimeoutMs = 5000;

class AdminContext {
 public:
  AdminContext(CommandLine args, std::string usage);
  ~AdminContext();
  AdminContext(const AdminContext&) = delete;
  AdminContext& operator=(const AdminContext&) = delete;

  const CommandLine& args() const { return args_; }
  std::optional<std::string> value(std::string_view long_name) const {
    return args_.value(long_name);
  }

  // The name server addresses from -n, else $NAMESRV_ADDR, else 127.0.0.1:9876.
  std::vector<std::string> namesrv_addrs() const;
  // The same, ';'-joined, for the client library.
  std::string namesrv_text() const;

  // Loads the transport plugin and creates the remoting client.
  sdk::Status connect();

  // Sends to the name servers in turn until one answers.
  sdk::Result<core::RemotingCommand> call_namesrv(const core::RemotingCommand& request);
  // Sends to one address (a broker or a name server).
  sdk::Result<core::RemotingCommand> call(const std::string& addr,
                                          const core::RemotingCommand& request);

  // The cluster table from the name server.
  sdk::Result<core::ClusterInfo> cluster_info();
  // Master addresses of every broker of `cluster` (all clusters when empty), sorted by broker
  // name. kNotFound when the cluster is unknown.
  sdk::Result<std::vector<std::pair<std::string, std::string>>> masters(const std::string& cluster);

  static core::RemotingCommand clone(const core::RemotingCommand& request);

  // Failure helpers: print one line, return the exit code.
  int fail(const std::string& message) const;                // exit 1
  int refused(const core::RemotingCommand& response) const;  // exit 1
  int usage_error(const std::string& message) const;         // exit 2, with the usage

 private:
  CommandLine args_;
  std::string usage_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions options_;
  std::vector<core::PluginObject<sdk::Transport>> transports_;
  std::unique_ptr<core::RemotingClient> client_;
};

// The sub-commands, one function each (admin_*_commands.cpp).
int cluster_list(AdminContext& ctx);
int topic_list(AdminContext& ctx);
int topic_route(AdminContext& ctx);
int topic_status(AdminContext& ctx);
int update_topic(AdminContext& ctx);
int delete_topic(AdminContext& ctx);
int update_sub_group(AdminContext& ctx);
int consumer_progress(AdminContext& ctx);
int send_message(AdminContext& ctx);
int consume_message(AdminContext& ctx);
int query_msg_by_id(AdminContext& ctx);
int broker_status(AdminContext& ctx);
int get_broker_config(AdminContext& ctx);

}  // namespace mq::apps
