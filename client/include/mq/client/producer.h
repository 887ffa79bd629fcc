// Producer: sends messages to the brokers a topic's route names (remoting-protocol.md §3.2,
// §6.2).
//
//   mq::client::Producer producer({.namesrv_addr = "127.0.0.1:9876", .group = "PG"});
//   if (auto s = producer.start(); !s) { ... }
//   auto result = producer.send({.topic = "TopicTest", .tags = "TagA", .body = "hello"});
//
// Behaviour: SEND_MESSAGE_V2 to the master of a queue picked round-robin over the topic's
// writable queues, skipping the broker that failed the previous attempt; up to `retries`
// more attempts on a transport error or on the codes Java retries (TOPIC_NOT_EXIST,
// SERVICE_NOT_AVAILABLE, SYSTEM_ERROR, SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID,
// NOT_IN_CURRENT_UNIT). Bodies of at least `compress_over_bytes` go out zlib-compressed.
// An unknown topic is sent with the TBW102 route so the broker may auto-create it.
// Routes are refreshed every 30 s; a heartbeat reaches every master every 30 s.
//
// Threads: start() and shutdown() from one owner thread. send(), send_async(), send_oneway(),
// send_batch() and send_batch_async() may be called from any thread once started. Async callbacks
// run on the transport's I/O thread or the client's scheduler thread: they must not block. The
// producer owns one transport-tcp instance, one scheduler thread and the remoting client's timeout
// thread. shutdown() (or destruction) unregisters the client from every broker it knows and
// completes outstanding async sends with kClosed.
#pragma once

#include "mq/client/message.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mq::client {

struct ProducerOptions {
  std::string namesrv_addr{};   // "host:port", several separated by ';'
  std::string group{};          // producer group
  std::string instance_name{};  // client id is "<ip>@<instance_name>"; empty = the pid
  std::int64_t send_timeout_ms = 3000;
  std::int32_t retries = 2;  // extra attempts after the first (retryTimesWhenSendFailed)
  std::size_t compress_over_bytes = 4096;
  std::int32_t compress_level = 5;
  std::int32_t default_topic_queue_nums = 4;  // for topics the broker auto-creates
  std::int64_t route_refresh_interval_ms = 30000;
  std::int64_t heartbeat_interval_ms = 30000;
  std::string plugin_dir{};  // empty = PluginHost::default_plugin_dir()
  std::string transport_plugin = "transport-tcp";
  // A server on this host that serves rocketmq-<port>.sock in this directory is reached over
  // its Unix socket (transport-uds) instead of TCP. Empty = always TCP.
  std::string unix_socket_dir = "/tmp";
};

using SendCallback = std::function<void(sdk::Result<SendResult>)>;

class Producer {
 public:
  explicit Producer(ProducerOptions options);
  ~Producer();  // shutdown()
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Loads the transport plugin and starts the timers. Fails (kInvalidArgument) on empty
  // namesrv_addr or group, or with the plugin host's message when the transport cannot load.
  sdk::Status start();
  // Idempotent. REQUIRES: not called from a send callback.
  void shutdown();

  // Sends and waits. Errors: kInvalidArgument (bad message), kNotFound (no route),
  // kUnavailable/kTimeout/kClosed (the last transport error), or kInternal carrying
  // "CODE_NAME (code): remark" for a broker refusal that is not retried.
  sdk::Result<SendResult> send(const Message& message);
  // As send(), to the queue `queue` only (no other queue is tried; transport errors are
  // retried on the same queue).
  sdk::Result<SendResult> send(const Message& message, const MessageQueue& queue);
  // As send(), completing `done` exactly once without blocking on the network (the route
  // of an unknown topic is still fetched on the calling thread).
  void send_async(const Message& message, SendCallback done);
  // Fire and forget: one attempt, no answer. Fails only when nothing could be written.
  sdk::Status send_oneway(const Message& message);
  // SEND_BATCH_MESSAGE (§5.6): every message must share one topic and have no delay level;
  // bodies are never compressed. msg_id is the comma-joined offset ids.
  sdk::Result<SendResult> send_batch(const std::vector<Message>& messages);
  // As send_batch(), completing `done` exactly once without blocking on the network.
  void send_batch_async(const std::vector<Message>& messages, SendCallback done);

  // The writable queues of `topic` (fetching its route if needed).
  sdk::Result<std::vector<MessageQueue>> fetch_publish_queues(const std::string& topic);

  const std::string& client_id() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mq::client
