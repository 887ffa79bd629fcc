// PullConsumer: the application chooses queues and offsets and pulls itself
// (remoting-protocol.md §3.3, §3.7).
//
//   mq::client::PullConsumer consumer({.namesrv_addr = "127.0.0.1:9876", .group = "CG"});
//   consumer.start();
//   for (const auto& queue : consumer.fetch_subscribe_queues("TopicTest").value()) {
//     auto result = consumer.pull(queue, "*", 0, 32);
//   }
//
// Pulls are short (no long-poll suspend) and carry the subscription, so the broker needs no
// heartbeat subscription; a heartbeat announcing the group (CONSUME_ACTIVELY) is still sent
// every 30 s. Offsets are never committed on the application's behalf.
// Threads: every method may be called from any thread once started; each one blocks for at
// most its timeout. shutdown() sends UNREGISTER_CLIENT.
#pragma once

#include "mq/client/message.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mq::client {

struct PullConsumerOptions {
  std::string namesrv_addr{};   // "host:port", several separated by ';'
  std::string group{};          // consumer group
  std::string instance_name{};  // client id is "<ip>@<instance_name>"; empty = the pid
  std::int64_t rpc_timeout_ms = 5000;
  std::int64_t heartbeat_interval_ms = 30000;
  std::int64_t route_refresh_interval_ms = 30000;
  std::string plugin_dir{};  // empty = PluginHost::default_plugin_dir()
  std::string transport_plugin = "transport-tcp";
  // A server on this host that serves rocketmq-<port>.sock in this directory is reached over
  // its Unix socket (transport-uds) instead of TCP. Empty = always TCP.
  std::string unix_socket_dir = "/tmp";
};

class PullConsumer {
 public:
  explicit PullConsumer(PullConsumerOptions options);
  ~PullConsumer();  // shutdown()
  PullConsumer(const PullConsumer&) = delete;
  PullConsumer& operator=(const PullConsumer&) = delete;

  sdk::Status start();
  void shutdown();  // idempotent

  // The readable queues of `topic`, sorted. kNotFound when the name server has no route.
  sdk::Result<std::vector<MessageQueue>> fetch_subscribe_queues(const std::string& topic);

  // PULL_MESSAGE from `offset`, at most `max_nums` messages matching `expression`.
  // Errors: transport errors, or kInternal "CODE_NAME (code): remark" for other codes.
  sdk::Result<PullResult> pull(const MessageQueue& queue, const std::string& expression,
                               std::int64_t offset, std::int32_t max_nums);

  // The group's committed offset of `queue`; -1 when none is stored (QUERY_NOT_FOUND).
  sdk::Result<std::int64_t> query_offset(const MessageQueue& queue);
  // UPDATE_CONSUMER_OFFSET, waiting for the broker's answer.
  sdk::Status commit_offset(const MessageQueue& queue, std::int64_t offset);
  sdk::Result<std::int64_t> min_offset(const MessageQueue& queue);
  sdk::Result<std::int64_t> max_offset(const MessageQueue& queue);
  sdk::Result<std::int64_t> search_offset(const MessageQueue& queue, std::int64_t timestamp_ms);

  const std::string& client_id() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mq::client
