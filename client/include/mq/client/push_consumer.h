// PushConsumer: a clustering consumer that pulls for the application and hands it messages
// (remoting-protocol.md §3.3-§3.8, §6.3).
//
//   mq::client::PushConsumer consumer({.namesrv_addr = "127.0.0.1:9876", .group = "CG"});
//   consumer.subscribe("TopicTest", "TagA || TagB");
//   consumer.register_listener([](const std::vector<mq::client::MessageExt>& batch) {
//     return mq::client::ConsumeResult::kConsumeSuccess;
//   });
//   consumer.start();
//
// What it does: heartbeats (with its subscriptions and %RETRY%<group>, which it subscribes
// to on its own) to every broker address of its routes every 30 s; rebalances every 10 s and
// when a broker pushes NOTIFY_CONSUMER_IDS_CHANGED: GET_CONSUMER_LIST_BY_GROUP, then the
// sorted queues are split among the sorted consumer ids in contiguous, average-sized ranges.
// A newly assigned queue starts at the committed offset (QUERY_CONSUMER_OFFSET), else where
// consume_from says. Each assigned queue has one long-poll PULL_MESSAGE in flight at a time
// (suspend 15 s, timeout 30 s). Messages are tag-checked again, then given to the listener
// on the consume pool, consume_batch_size at a time. A batch answered kReconsumeLater (or
// whose listener throws) is sent back with CONSUMER_SEND_MSG_BACK (or, failing that,
// re-sent to %RETRY%<group>); if neither works it is retried locally 5 s later.
// Offsets (the lowest offset still being consumed, or the next offset to pull) are committed
// every 5 s, when a queue is taken away, and at shutdown. Delivery is at least once.
//
// Threads: subscribe(), register_listener(), start() and shutdown() from one owner thread.
// The listener runs on the consume pool (consume_threads threads), concurrently for
// different batches; it must be thread-safe. Network work runs on the scheduler thread and
// the transport's I/O thread. shutdown() waits for running listener calls, drops queued ones
// (they are redelivered later), commits offsets and sends UNREGISTER_CLIENT.
#pragma once

#include "mq/client/message.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mq::client {

struct PushConsumerOptions {
  std::string namesrv_addr{};   // "host:port", several separated by ';'
  std::string group{};          // consumer group
  std::string instance_name{};  // client id is "<ip>@<instance_name>"; empty = the pid
  ConsumeFromWhere consume_from = ConsumeFromWhere::kLastOffset;
  std::int64_t consume_timestamp_ms = 0;  // kTimestamp; 0 = half an hour before start()
  std::int32_t consume_threads = 2;
  std::int32_t consume_batch_size = 1;  // messages per listener call
  std::int32_t pull_batch_size = 32;
  std::int32_t max_reconsume_times = 16;
  std::int32_t max_cached_messages_per_queue = 1000;  // pulling pauses above this
  std::int64_t suspend_timeout_ms = 15000;            // long-poll hold asked of the broker
  std::int64_t pull_timeout_ms = 30000;               // client timeout of a long-poll pull
  std::int64_t rpc_timeout_ms = 3000;                 // every other request
  std::int64_t rebalance_interval_ms = 10000;
  std::int64_t heartbeat_interval_ms = 30000;
  std::int64_t route_refresh_interval_ms = 30000;
  std::int64_t persist_offset_interval_ms = 5000;
  std::string plugin_dir{};  // empty = PluginHost::default_plugin_dir()
  std::string transport_plugin = "transport-tcp";
  // A server on this host that serves rocketmq-<port>.sock in this directory is reached over
  // its Unix socket (transport-uds) instead of TCP. Empty = always TCP.
  std::string unix_socket_dir = "/tmp";
};

using MessageListener = std::function<ConsumeResult(const std::vector<MessageExt>&)>;

class PushConsumer {
 public:
  explicit PushConsumer(PushConsumerOptions options);
  ~PushConsumer();  // shutdown()
  PushConsumer(const PushConsumer&) = delete;
  PushConsumer& operator=(const PushConsumer&) = delete;

  // `expression` is "*" (or empty) for every message, else tags joined by "||".
  // REQUIRES: before start().
  void subscribe(const std::string& topic, const std::string& expression = "*");
  // REQUIRES: before start().
  void register_listener(MessageListener listener);

  // Fails (kInvalidArgument) without namesrv_addr, group, a subscription or a listener, or
  // with the plugin host's message when the transport cannot load. A topic without a route
  // is not an error: it is looked up again at every rebalance.
  sdk::Status start();
  // Idempotent. REQUIRES: not called from the listener.
  void shutdown();

  // The queues this consumer currently owns, sorted.
  std::vector<MessageQueue> assigned_queues() const;
  const std::string& client_id() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mq::client
