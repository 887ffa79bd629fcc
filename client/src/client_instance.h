// ClientInstance: what every producer and consumer of this library stands on: the transport
// plugin (loaded through PluginHost), the remoting client, the scheduler thread, the client
// id and the route cache fed by the name servers (remoting-protocol.md §3.1, §4.1).
//
// Lifecycle: construct, start(), use, stop(). stop() stops the scheduler, then destroys the
// remoting client (outstanding calls complete with kClosed before it returns) and the
// transport. The owner must stop its own users of the scheduler before calling stop().
// Threads: every method but start()/stop() may be called from any thread. Routes are
// immutable snapshots shared by pointer; the cache itself is guarded by mu_.
#pragma once

#include "mq/client/message.h"
#include "scheduler.h"

#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include "net/remoting_client.h"
#include "net/request_processor.h"
#include "plugin_host/plugin_host.h"
#include "remoting/heartbeat_data.h"
#include "remoting/remoting_command.h"
#include "remoting/topic_route_data.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace mq::client {

struct InstanceOptions {
  std::string namesrv_addr;  // ';'-separated
  std::string instance_name;
  std::string plugin_dir;
  std::string transport_plugin = "transport-tcp";
  std::int64_t rpc_timeout_ms = 3000;
  // When the server is on this host and serves a Unix socket in this directory, use it
  // (core/net/local_socket.h). Empty = always TCP.
  std::string unix_socket_dir = "/tmp";
};

// A topic's route as a client uses it: the name server's answer plus the queues derived
// from it (§4.1 "Client use"), each list sorted.
struct TopicRoute {
  core::TopicRouteData data;
  std::vector<MessageQueue> publish_queues;    // WRITE perm, broker has a master
  std::vector<MessageQueue> subscribe_queues;  // READ perm
};

class ClientInstance {
 public:
  // `push_processor` receives the requests brokers push (NOTIFY_CONSUMER_IDS_CHANGED);
  // it must outlive stop().
  ClientInstance(InstanceOptions options, core::RequestProcessor* push_processor);
  ~ClientInstance();  // stop()
  ClientInstance(const ClientInstance&) = delete;
  ClientInstance& operator=(const ClientInstance&) = delete;

  // kInvalidArgument for an empty name server list; the plugin host's one-line message when
  // the transport does not load.
  sdk::Status start();
  void stop();

  const std::string& client_id() const noexcept { return client_id_; }
  Scheduler& scheduler() noexcept { return scheduler_; }
  core::RemotingClient& remoting() noexcept { return *remoting_; }
  spdlog::logger& log() noexcept { return *logger_; }
  std::int64_t rpc_timeout_ms() const noexcept { return options_.rpc_timeout_ms; }

  // A request with this client's language (CPP) and version.
  static core::RemotingCommand request(std::int32_t code);
  static core::RemotingCommand copy(const core::RemotingCommand& command);

  // Sends to the name servers in turn until one answers (any code).
  sdk::Result<core::RemotingCommand> invoke_namesrv(const core::RemotingCommand& request);

  // The cached route of `topic`, fetched first when missing or when `refresh`.
  // kNotFound when the name server answers TOPIC_NOT_EXIST, transport errors otherwise.
  sdk::Result<std::shared_ptr<const TopicRoute>> route(const std::string& topic,
                                                       bool refresh = false);
  // The route of TBW102 with every queue renamed to `topic` and capped at `queue_nums`
  // write queues: Java's way to send to a topic the broker is to auto-create.
  sdk::Result<std::shared_ptr<const TopicRoute>> default_route(const std::string& topic,
                                                               std::int32_t queue_nums);
  // Re-fetches every cached topic (the 30 s timer). Failures keep the old route.
  void refresh_routes();

  // Addresses learned from routes. nullopt when the broker name (or that id) is unknown.
  std::optional<std::string> broker_addr(const std::string& broker_name, std::int64_t id = 0);
  // The address of `preferred_id`, else the master's, else the lowest-id slave's: a broker
  // name whose master is gone (its route lists only slaves) is still read from. nullopt when
  // the broker name has no address at all.
  std::optional<std::string> readable_broker_addr(const std::string& broker_name,
                                                  std::int64_t preferred_id = 0);
  // Every master address, or every address (masters and slaves), of every known broker.
  std::vector<std::string> broker_addrs(bool masters_only);

  // HEART_BEAT (34) to each address, waiting for each answer; failures are logged.
  void send_heartbeat(const core::HeartbeatData& data, bool masters_only);
  // UNREGISTER_CLIENT (35) to each address, waiting for each answer.
  void unregister(const std::string& producer_group, const std::string& consumer_group,
                  bool masters_only);

 private:
  sdk::Result<std::shared_ptr<const TopicRoute>> fetch_route(const std::string& topic);
  void remember(const std::string& topic, std::shared_ptr<const TopicRoute> route);

  const InstanceOptions options_;
  std::vector<std::string> namesrv_addrs_;
  std::string client_id_;
  core::RequestProcessor* push_processor_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions transport_options_;
  core::PluginObject<sdk::Transport> transport_;
  core::PluginObject<sdk::Transport> local_transport_;  // transport-uds, when installed
  std::unique_ptr<core::RemotingClient> remoting_;
  Scheduler scheduler_;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const TopicRoute>> routes_;          // guarded by mu_
  std::map<std::string, std::map<std::int64_t, std::string>> broker_table_;  // guarded by mu_
  std::size_t namesrv_index_ = 0;                                            // guarded by mu_
};

// Java's AllocateMessageQueueAveragely: consumer i of n (ids sorted) gets a contiguous range
// of the sorted queues, the first (queues % consumers) consumers one more. Empty when `me`
// is not among `consumer_ids`.
std::vector<MessageQueue> allocate_averagely(const std::vector<MessageQueue>& sorted_queues,
                                             const std::vector<std::string>& sorted_consumer_ids,
                                             const std::string& me);

// "CODE_NAME (code): remark" for a response the caller does not accept.
sdk::Status refusal(const core::RemotingCommand& response);

}  // namespace mq::client
