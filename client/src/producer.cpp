// Producer: queue selection, retries and the SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE requests
// (remoting-protocol.md §3.2, §5.5, §5.6, §6.2).
#include "mq/client/producer.h"

#include "client_instance.h"
#include "message_codec.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

namespace mq::client {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The codes after which Java moves on to another queue (and ali-ons to another broker).
bool retryable_code(std::int32_t code) {
  namespace rc = core::response_code;
  return code == rc::kTopicNotExist || code == rc::kServiceNotAvailable ||
         code == rc::kSystemError || code == rc::kSystemBusy || code == rc::kNoPermission ||
         code == rc::kNoBuyerId || code == rc::kNotInCurrentUnit;
}

std::optional<SendStatus> send_status_of(std::int32_t code) {
  namespace rc = core::response_code;
  switch (code) {
    case rc::kSuccess:
      return SendStatus::kSendOk;
    case rc::kFlushDiskTimeout:
      return SendStatus::kFlushDiskTimeout;
    case rc::kFlushSlaveTimeout:
      return SendStatus::kFlushSlaveTimeout;
    case rc::kSlaveNotAvailable:
      return SendStatus::kSlaveNotAvailable;
    default:
      return std::nullopt;
  }
}

sdk::Status validate(const Message& message) {
  if (message.topic.empty() || message.topic.size() > 127) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "a message needs a topic of 1 to 127 characters");
  }
  for (char c : message.topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '%' || c == '_' || c == '-' || c == '|';
    if (!ok) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "topic '" + message.topic + "' may only use A-Z a-z 0-9 % _ - |");
    }
  }
  if (message.body.empty()) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument, "a message body must not be empty");
  }
  if (message.body.size() > 4 * 1024 * 1024) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "a message body may have at most 4 MiB (maxMessageSize)");
  }
  if (message.delay_level < 0) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument, "delay_level must be 0..18");
  }
  return sdk::Status::ok();
}

// One prepared request: everything but the queue.
struct Prepared {
  std::string topic;
  std::string properties;
  // The body, shared by every attempt's request frame, which writes it without copying;
  // `body_owner` keeps it alive.
  sdk::ByteView body;
  std::shared_ptr<const void> body_owner;

  void own_body(std::string text) {
    auto owned = std::make_shared<const std::string>(std::move(text));
    body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(owned->data()), owned->size());
    body_owner = std::move(owned);
  }
  void copy_body(std::string_view text) {
    // One allocation for the bytes and their owner.
    auto owned = std::make_shared_for_overwrite<std::uint8_t[]>(text.size());
    if (!text.empty()) std::memcpy(owned.get(), text.data(), text.size());
    body = sdk::ByteView(owned.get(), text.size());
    body_owner = std::move(owned);
  }
  std::int32_t sys_flag = 0;
  std::int32_t flag = 0;
  std::string uniq_id;
  bool batch = false;
};

}  // namespace

class Producer::Impl : public std::enable_shared_from_this<Producer::Impl> {
 public:
  explicit Impl(ProducerOptions options)
      : options_(std::move(options)),
        instance_(InstanceOptions{options_.namesrv_addr, options_.instance_name,
                                  options_.plugin_dir, options_.transport_plugin,
                                  options_.send_timeout_ms, options_.unix_socket_dir},
                  nullptr) {}

  sdk::Status start() {
    if (options_.group.empty()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "a producer needs a group");
    }
    if (auto status = instance_.start(); !status) return status;
    started_ = true;
    auto weak = weak_from_this();
    static_cast<void>(instance_.scheduler().every(options_.route_refresh_interval_ms,
                                                  options_.route_refresh_interval_ms, [weak] {
                                                    if (auto self = weak.lock())
                                                      self->instance_.refresh_routes();
                                                  }));
    static_cast<void>(instance_.scheduler().every(1000, options_.heartbeat_interval_ms, [weak] {
      if (auto self = weak.lock()) self->heartbeat();
    }));
    return sdk::Status::ok();
  }

  void shutdown() {
    if (!started_.exchange(false)) return;
    instance_.scheduler().stop();
    instance_.unregister(options_.group, "", true);
    instance_.stop();
  }

  void heartbeat() {
    core::HeartbeatData data;
    data.client_id = instance_.client_id();
    data.producer_data_set.push_back(core::ProducerData{options_.group});
    instance_.send_heartbeat(data, true);
  }

  sdk::Result<std::shared_ptr<const TopicRoute>> publish_route(const std::string& topic) {
    auto route = instance_.route(topic);
    if (route.ok() && !route.value()->publish_queues.empty()) return route;
    if (route.ok() || route.status().code() == sdk::StatusCode::kNotFound) {
      // Java's tryToFindTopicPublishInfo: fall back to the auto-create template's route.
      auto fallback = instance_.default_route(topic, options_.default_topic_queue_nums);
      if (fallback.ok() && !fallback.value()->publish_queues.empty()) return fallback;
      return sdk::Status(sdk::StatusCode::kNotFound,
                         "no writable queue for topic " + topic +
                             " (and no TBW102 route to auto-create it): create the topic first");
    }
    return route.status();
  }

  // A broker a send just failed on (connection refused, timeout, a retryable refusal) is
  // passed over by every send for kIsolationMs, while another broker can take the message:
  // after a master dies, sends go straight to the others instead of paying a failed attempt
  // each until the route drops it.
  static constexpr std::int64_t kIsolationMs = 10000;

  static std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  void isolate(const std::string& broker_name) {
    std::lock_guard lock(fault_mu_);
    isolated_until_ms_[broker_name] = steady_ms() + kIsolationMs;
  }

  bool isolated(const std::string& broker_name, std::int64_t now_ms) {
    std::lock_guard lock(fault_mu_);
    auto it = isolated_until_ms_.find(broker_name);
    if (it == isolated_until_ms_.end()) return false;
    if (it->second > now_ms) return true;
    isolated_until_ms_.erase(it);
    return false;
  }

  // Round robin over the topic's queues, avoiding `avoid_broker` and isolated brokers when
  // another broker exists.
  MessageQueue select_queue(const TopicRoute& route, const std::string& avoid_broker) {
    const auto& queues = route.publish_queues;
    const std::size_t start = counter_.fetch_add(1, std::memory_order_relaxed);
    const std::int64_t now = steady_ms();
    for (std::size_t i = 0; i < queues.size(); ++i) {
      const auto& queue = queues[(start + i) % queues.size()];
      if (queue.broker_name != avoid_broker && !isolated(queue.broker_name, now)) return queue;
    }
    if (!avoid_broker.empty()) {
      for (std::size_t i = 0; i < queues.size(); ++i) {
        const auto& queue = queues[(start + i) % queues.size()];
        if (queue.broker_name != avoid_broker) return queue;
      }
    }
    return queues[start % queues.size()];
  }

  sdk::Result<Prepared> prepare(const Message& message) {
    if (auto status = validate(message); !status) return status;
    Prepared prepared;
    prepared.topic = message.topic;
    prepared.uniq_id = next_unique_message_id();
    prepared.flag = message.flag;
    prepared.properties = encode_outgoing_properties(message, prepared.uniq_id);
    if (prepared.properties.size() > 32767) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "message properties exceed 32767 bytes");
    }
    if (message.body.size() >= options_.compress_over_bytes) {
      auto compressed = zlib_compress(message.body, options_.compress_level);
      if (!compressed.ok()) return compressed.status();
      prepared.own_body(std::move(compressed).value());
      prepared.sys_flag |= kSysFlagCompressed;
    } else {
      prepared.copy_body(message.body);
    }
    return prepared;
  }

  core::RemotingCommand build_request(const Prepared& prepared, const MessageQueue& queue) {
    auto request = ClientInstance::request(prepared.batch ? core::request_code::kSendBatchMessage
                                                          : core::request_code::kSendMessageV2);
    request.set("a", options_.group);
    request.set("b", prepared.topic);
    request.set("c", std::string(kDefaultTopic));
    request.set("d", std::int64_t{options_.default_topic_queue_nums});
    request.set("e", std::int64_t{queue.queue_id});
    request.set("f", std::int64_t{prepared.sys_flag});
    request.set("g", now_ms());
    request.set("h", std::int64_t{prepared.flag});
    request.set("i", prepared.properties);
    request.set("j", std::int64_t{0});
    request.set("k", std::string("false"));
    if (is_retry_topic(prepared.topic)) request.set("l", std::int64_t{16});
    if (prepared.batch) request.set("m", std::string("true"));
    request.set("n", queue.broker_name);
    request.body_views.push_back(prepared.body);
    request.body_keepalive = prepared.body_owner;
    return request;
  }

  // What one answer means: a result, a retryable failure, or a final failure.
  struct Outcome {
    std::optional<sdk::Result<SendResult>> final;  // set when no retry should follow
    sdk::Status retry_reason;
  };

  Outcome interpret(const Prepared& prepared, const MessageQueue& queue,
                    sdk::Result<core::RemotingCommand> response, const std::string& addr) {
    Outcome outcome;
    if (!response.ok()) {
      outcome.retry_reason = response.status();
      return outcome;
    }
    auto status = send_status_of(response->code);
    if (!status) {
      if (retryable_code(response->code)) {
        outcome.retry_reason =
            sdk::Status(sdk::StatusCode::kUnavailable,
                        "broker " + addr + " answered " + refusal(response.value()).message());
      } else {
        outcome.final = sdk::Result<SendResult>(
            sdk::Status(sdk::StatusCode::kInternal,
                        "broker " + addr + " answered " + refusal(response.value()).message()));
      }
      return outcome;
    }
    SendResult result;
    result.status = *status;
    response->ext_fields.visit_values([&result](std::string_view key, std::string& value) {
      if (key == "msgId") result.msg_id = std::move(value);
    });
    result.uniq_msg_id = prepared.uniq_id;
    result.queue = queue;
    if (auto id = response->get_int("queueId"))
      result.queue.queue_id = static_cast<std::int32_t>(*id);
    result.queue_offset = response->get_int("queueOffset").value_or(0);
    outcome.final = sdk::Result<SendResult>(std::move(result));
    return outcome;
  }

  sdk::Result<SendResult> send_sync(const Prepared& prepared,
                                    const std::optional<MessageQueue>& fixed_queue) {
    std::shared_ptr<const TopicRoute> route;
    if (!fixed_queue) {
      auto found = publish_route(prepared.topic);
      if (!found.ok()) return found.status();
      route = found.value();
    }
    sdk::Status last(sdk::StatusCode::kUnavailable, "not sent");
    std::string failed_broker;
    for (std::int32_t attempt = 0; attempt <= options_.retries; ++attempt) {
      const MessageQueue queue = fixed_queue ? *fixed_queue : select_queue(*route, failed_broker);
      auto addr = instance_.broker_addr(queue.broker_name);
      if (!addr) {
        if (fixed_queue) static_cast<void>(instance_.route(queue.topic));
        addr = instance_.broker_addr(queue.broker_name);
      }
      if (!addr) {
        last = sdk::Status(sdk::StatusCode::kNotFound,
                           "no master address for broker " + queue.broker_name);
        failed_broker = queue.broker_name;
        continue;
      }
      auto response = instance_.remoting().invoke(*addr, build_request(prepared, queue),
                                                  options_.send_timeout_ms);
      Outcome outcome = interpret(prepared, queue, std::move(response), *addr);
      if (outcome.final) return std::move(*outcome.final);
      last = outcome.retry_reason;
      failed_broker = queue.broker_name;
      if (!fixed_queue) isolate(queue.broker_name);
      instance_.log().warn("send to {} failed (attempt {}): {}", queue.to_string(), attempt + 1,
                           last.to_string());
    }
    return last;
  }

  // The asynchronous attempt loop: each attempt's callback starts the next one on the
  // scheduler thread (never on the I/O thread, where opening a connection would block).
  struct AsyncSend {
    std::shared_ptr<Impl> self;  // the producer, kept alive until the send completes
    Prepared prepared;
    std::shared_ptr<const TopicRoute> route;
    SendCallback done;
    std::int32_t attempt = 0;
    std::string failed_broker;
    MessageQueue queue;   // of the attempt in flight
    std::string address;  // of the attempt in flight
  };

  void attempt_async(std::shared_ptr<AsyncSend> send) {
    send->queue = select_queue(*send->route, send->failed_broker);
    auto addr = instance_.broker_addr(send->queue.broker_name);
    if (!addr) {
      retry_or_fail(send, sdk::Status(sdk::StatusCode::kNotFound,
                                      "no master address for broker " + send->queue.broker_name));
      return;
    }
    send->address = std::move(*addr);
    auto request = build_request(send->prepared, send->queue);
    // The callback holds only `send` (the producer, the queue and the address are in it): no
    // strings are copied into it.
    instance_.remoting().invoke_async(send->address, std::move(request), options_.send_timeout_ms,
                                      [send](sdk::Result<core::RemotingCommand> response) {
                                        Impl& self = *send->self;
                                        Outcome outcome =
                                            self.interpret(send->prepared, send->queue,
                                                           std::move(response), send->address);
                                        if (outcome.final) {
                                          send->done(std::move(*outcome.final));
                                          return;
                                        }
                                        self.retry_or_fail(send, outcome.retry_reason);
                                      });
  }

  // The attempt on send->queue failed: try another broker on the scheduler thread, or give up.
  void retry_or_fail(const std::shared_ptr<AsyncSend>& send, const sdk::Status& why) {
    send->failed_broker = send->queue.broker_name;
    isolate(send->queue.broker_name);
    if (++send->attempt > options_.retries) {
      send->done(why);
      return;
    }
    if (!instance_.scheduler().post([send] { send->self->attempt_async(send); })) {
      send->done(sdk::Status(sdk::StatusCode::kClosed, "producer shut down"));
    }
  }

  void send_async(const Message& message, SendCallback done) {
    if (!started_) {
      done(sdk::Status(sdk::StatusCode::kUnavailable, "producer not started"));
      return;
    }
    auto prepared = prepare(message);
    if (!prepared.ok()) {
      done(prepared.status());
      return;
    }
    send_prepared_async(std::move(prepared).value(), std::move(done));
  }

  void send_prepared_async(Prepared prepared, SendCallback done) {
    auto route = publish_route(prepared.topic);
    if (!route.ok()) {
      done(route.status());
      return;
    }
    auto send = std::make_shared<AsyncSend>();
    send->self = shared_from_this();
    send->prepared = std::move(prepared);
    send->route = route.value();
    send->done = std::move(done);
    attempt_async(std::move(send));
  }

  sdk::Status send_oneway(const Message& message) {
    if (!started_) return sdk::Status(sdk::StatusCode::kUnavailable, "producer not started");
    auto prepared = prepare(message);
    if (!prepared.ok()) return prepared.status();
    auto route = publish_route(message.topic);
    if (!route.ok()) return route.status();
    const MessageQueue queue = select_queue(*route.value(), "");
    auto addr = instance_.broker_addr(queue.broker_name);
    if (!addr) {
      return sdk::Status(sdk::StatusCode::kNotFound,
                         "no master address for broker " + queue.broker_name);
    }
    return instance_.remoting().invoke_oneway(*addr, build_request(prepared.value(), queue));
  }

  // The one request of a batch: every message checked, bodies framed as §5.6 says.
  sdk::Result<Prepared> prepare_batch(const std::vector<Message>& messages) {
    if (messages.empty()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "a batch needs at least one message");
    }
    std::vector<std::string> ids;
    ids.reserve(messages.size());
    for (const auto& message : messages) {
      if (auto status = validate(message); !status) return status;
      if (message.topic != messages.front().topic) {
        return sdk::Status(sdk::StatusCode::kInvalidArgument,
                           "every message of a batch must have the same topic");
      }
      if (message.delay_level > 0) {
        return sdk::Status(sdk::StatusCode::kInvalidArgument,
                           "a batch cannot carry delayed messages");
      }
      ids.push_back(next_unique_message_id());
    }
    auto body = encode_batch_body(messages, ids);
    if (!body.ok()) return body.status();
    Prepared prepared;
    prepared.topic = messages.front().topic;
    prepared.batch = true;
    prepared.own_body(std::move(body).value());
    prepared.properties = encode_properties({{std::string(property::kWait), "true"}});
    prepared.uniq_id = ids.front();
    return prepared;
  }

  sdk::Result<SendResult> send_batch(const std::vector<Message>& messages) {
    if (!started_) return sdk::Status(sdk::StatusCode::kUnavailable, "producer not started");
    auto prepared = prepare_batch(messages);
    if (!prepared.ok()) return prepared.status();
    return send_sync(prepared.value(), std::nullopt);
  }

  void send_batch_async(const std::vector<Message>& messages, SendCallback done) {
    if (!started_) {
      done(sdk::Status(sdk::StatusCode::kUnavailable, "producer not started"));
      return;
    }
    auto prepared = prepare_batch(messages);
    if (!prepared.ok()) {
      done(prepared.status());
      return;
    }
    send_prepared_async(std::move(prepared).value(), std::move(done));
  }

  const ProducerOptions options_;
  ClientInstance instance_;
  std::atomic<bool> started_{false};
  std::atomic<std::size_t> counter_{0};
  std::mutex fault_mu_;
  std::map<std::string, std::int64_t> isolated_until_ms_;  // guarded by fault_mu_
};

Producer::Producer(ProducerOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

Producer::~Producer() { shutdown(); }

sdk::Status Producer::start() {
  if (impl_->started_) return sdk::Status::ok();
  return impl_->start();
}

void Producer::shutdown() { impl_->shutdown(); }

sdk::Result<SendResult> Producer::send(const Message& message) {
  if (!impl_->started_) return sdk::Status(sdk::StatusCode::kUnavailable, "producer not started");
  auto prepared = impl_->prepare(message);
  if (!prepared.ok()) return prepared.status();
  return impl_->send_sync(prepared.value(), std::nullopt);
}

sdk::Result<SendResult> Producer::send(const Message& message, const MessageQueue& queue) {
  if (!impl_->started_) return sdk::Status(sdk::StatusCode::kUnavailable, "producer not started");
  if (queue.topic != message.topic) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument, "the queue belongs to another topic");
  }
  auto prepared = impl_->prepare(message);
  if (!prepared.ok()) return prepared.status();
  return impl_->send_sync(prepared.value(), queue);
}

void Producer::send_async(const Message& message, SendCallback done) {
  impl_->send_async(message, std::move(done));
}

sdk::Status Producer::send_oneway(const Message& message) { return impl_->send_oneway(message); }

sdk::Result<SendResult> Producer::send_batch(const std::vector<Message>& messages) {
  return impl_->send_batch(messages);
}

void Producer::send_batch_async(const std::vector<Message>& messages, SendCallback done) {
  impl_->send_batch_async(messages, std::move(done));
}

sdk::Result<std::vector<MessageQueue>> Producer::fetch_publish_queues(const std::string& topic) {
  if (!impl_->started_) return sdk::Status(sdk::StatusCode::kUnavailable, "producer not started");
  auto route = impl_->publish_route(topic);
  if (!route.ok()) return route.status();
  return route.value()->publish_queues;
}

const std::string& Producer::client_id() const { return impl_->instance_.client_id(); }

}  // namespace mq::client
