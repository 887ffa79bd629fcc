// PushConsumer: rebalance, the long-poll pull chain per queue, the consume pool, send-back
// and offset commits (remoting-protocol.md §3.3-§3.8, §6.3).
//
// Ownership and threads: Impl owns the ClientInstance (scheduler thread, remoting client)
// and the ConsumePool. Scheduler tasks, pool tasks and remoting callbacks capture `this`
// raw: shutdown() stops the scheduler and the pool (joining them) and destroys the remoting
// client (which completes every outstanding callback) before Impl can go away.
// The process-queue table is changed only on the scheduler thread (rebalance) and read
// under table_mu_ elsewhere. Each ProcessQueue has at most one pull in flight: the chain is
// pull (scheduler thread) -> callback (I/O thread) -> next pull posted to the scheduler.
#include "mq/client/push_consumer.h"

#include "client_instance.h"
#include "consume_pool.h"
#include "message_codec.h"
#include "pull_api.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

namespace mq::client {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::int64_t kPullRetryDelayMs = 3000;  // after a failed pull (§6.3 step 6)
constexpr std::int64_t kFlowControlDelayMs = 50;  // while too many messages are cached
constexpr std::int64_t kReconsumeDelayMs = 5000;  // local retry when send-back failed

core::ConsumeFromWhere wire_consume_from(ConsumeFromWhere where) {
  switch (where) {
    case ConsumeFromWhere::kFirstOffset:
      return core::ConsumeFromWhere::kConsumeFromFirstOffset;
    case ConsumeFromWhere::kTimestamp:
      return core::ConsumeFromWhere::kConsumeFromTimestamp;
    case ConsumeFromWhere::kLastOffset:
      break;
  }
  return core::ConsumeFromWhere::kConsumeFromLastOffset;
}

// One assigned queue: its pull position and the messages handed out but not yet consumed.
struct ProcessQueue {
  explicit ProcessQueue(MessageQueue q) : queue(std::move(q)) {}

  const MessageQueue queue;
  std::atomic<bool> dropped{false};

  std::mutex mu;
  std::int64_t next_offset = 0;                  // guarded by mu: where the next pull starts
  std::int64_t suggested_broker_id = 0;          // guarded by mu
  std::map<std::int64_t, MessageExt> in_flight;  // guarded by mu: by queue offset
  std::int64_t pulled_up_to = -1;                // guarded by mu: next offset after the last
                                                 // message handed out
  std::int64_t commit_offset = -1;               // guarded by mu: -1 = nothing to commit
  std::int64_t persisted_offset = -1;            // guarded by mu

  // Offset to commit after `done` offsets finished (Java ProcessQueue.removeMessage).
  // REQUIRES: mu held.
  void advance_commit_locked() {
    const std::int64_t candidate = in_flight.empty() ? pulled_up_to : in_flight.begin()->first;
    if (candidate > commit_offset) commit_offset = candidate;
  }
};

struct Subscription {
  std::string topic;
  TagFilter filter;
};

}  // namespace

class PushConsumer::Impl final : public core::RequestProcessor {
 public:
  explicit Impl(PushConsumerOptions options)
      : options_(std::move(options)),
        instance_(InstanceOptions{options_.namesrv_addr, options_.instance_name,
                                  options_.plugin_dir, options_.transport_plugin,
                                  options_.rpc_timeout_ms, options_.unix_socket_dir},
                  this),
        sub_version_(now_ms()) {}

  ~Impl() override { shutdown(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // ---- lifecycle ------------------------------------------------------------------------

  sdk::Status start() {
    if (started_) return sdk::Status::ok();
    if (options_.group.empty()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "a push consumer needs a group");
    }
    if (subscriptions_.empty()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "subscribe to at least one topic before start()");
    }
    if (!listener_) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "register a listener before start()");
    }
    subscriptions_.push_back(Subscription{retry_topic_of(options_.group), TagFilter::parse("*")});
    if (options_.consume_timestamp_ms == 0)
      consume_timestamp_ms_ = now_ms() - 30 * 60 * 1000;
    else
      consume_timestamp_ms_ = options_.consume_timestamp_ms;
    if (auto status = instance_.start(); !status) return status;
    pool_ = std::make_unique<ConsumePool>(
        static_cast<std::size_t>(std::max<std::int32_t>(1, options_.consume_threads)));
    started_ = true;
    Scheduler& scheduler = instance_.scheduler();
    static_cast<void>(scheduler.post([this] {
      fetch_routes();
      heartbeat();
      rebalance();
    }));
    static_cast<void>(scheduler.every(options_.route_refresh_interval_ms,
                                      options_.route_refresh_interval_ms, [this] {
                                        instance_.refresh_routes();
                                        fetch_routes();
                                      }));
    static_cast<void>(scheduler.every(options_.heartbeat_interval_ms,
                                      options_.heartbeat_interval_ms, [this] { heartbeat(); }));
    static_cast<void>(scheduler.every(options_.rebalance_interval_ms,
                                      options_.rebalance_interval_ms, [this] { rebalance(); }));
    static_cast<void>(scheduler.every(options_.persist_offset_interval_ms,
                                      options_.persist_offset_interval_ms,
                                      [this] { persist_offsets(true); }));
    return sdk::Status::ok();
  }

  void shutdown() {
    if (!started_.exchange(false)) return;
    stopping_ = true;
    instance_.scheduler().stop();
    pool_->stop();
    persist_offsets(false);
    instance_.unregister("", options_.group, false);
    instance_.stop();
    std::lock_guard lock(table_mu_);
    for (auto& [queue, pq] : table_) pq->dropped = true;
    table_.clear();
  }

  // ---- pushed requests (transport I/O thread) --------------------------------------------

  void process(const core::Channel&, core::RemotingCommand request,
               core::Responder respond) override {
    if (request.code == core::request_code::kNotifyConsumerIdsChanged) {
      if (!stopping_) static_cast<void>(instance_.scheduler().post([this] { rebalance(); }));
      respond(core::RemotingCommand::response_to(request, core::response_code::kSuccess));
      return;
    }
    respond(core::RemotingCommand::response_to(
        request, core::response_code::kRequestCodeNotSupported,
        " request type " + std::to_string(request.code) + " not supported"));
  }

  // ---- routes, heartbeat, rebalance (scheduler thread) -----------------------------------

  void fetch_routes() {
    for (const auto& subscription : subscriptions_) {
      auto route = instance_.route(subscription.topic);
      if (!route.ok() && !is_retry_topic(subscription.topic)) {
        instance_.log().warn("no route for subscribed topic {}: {}", subscription.topic,
                             route.status().to_string());
      }
    }
  }

  void heartbeat() {
    core::HeartbeatData data;
    data.client_id = instance_.client_id();
    core::ConsumerData consumer;
    consumer.group_name = options_.group;
    consumer.consume_type = core::ConsumeType::kConsumePassively;
    consumer.message_model = core::MessageModel::kClustering;
    consumer.consume_from_where = wire_consume_from(options_.consume_from);
    for (const auto& subscription : subscriptions_) {
      core::SubscriptionData sub;
      sub.topic = subscription.topic;
      sub.sub_string = subscription.filter.expression;
      sub.tags_set = subscription.filter.tags;
      sub.code_set = subscription.filter.codes;
      sub.sub_version = sub_version_;
      consumer.subscription_data_set.push_back(std::move(sub));
    }
    data.consumer_data_set.push_back(std::move(consumer));
    auto targets = instance_.broker_addrs(false);
    instance_.send_heartbeat(data, false);
    heartbeat_targets_ = std::set<std::string>(targets.begin(), targets.end());
  }

  sdk::Result<std::vector<std::string>> consumer_ids(const TopicRoute& route) {
    std::vector<core::BrokerData> brokers = route.data.broker_datas;
    std::sort(brokers.begin(), brokers.end(),
              [](const auto& a, const auto& b) { return a.broker_name < b.broker_name; });
    sdk::Status last(sdk::StatusCode::kNotFound, "the route names no broker");
    for (const auto& broker : brokers) {
      if (broker.broker_addrs.empty()) continue;
      auto master = broker.broker_addrs.find(core::kMasterBrokerId);
      const std::string addr = master != broker.broker_addrs.end()
                                   ? master->second
                                   : broker.broker_addrs.begin()->second;
      auto request = ClientInstance::request(core::request_code::kGetConsumerListByGroup);
      request.set("consumerGroup", options_.group);
      auto response =
          instance_.remoting().invoke(addr, std::move(request), options_.rpc_timeout_ms);
      if (!response.ok()) {
        last = response.status();
        continue;
      }
      if (response->code != core::response_code::kSuccess) {
        last = refusal(response.value());
        continue;
      }
      auto json = core::parse_json(response->body.as_string_view());
      if (!json.ok()) return json.status();
      std::vector<std::string> ids;
      if (const auto* list = json->find("consumerIdList"); list != nullptr && list->is_array()) {
        for (const auto& item : list->items()) {
          if (item.is_string()) ids.push_back(item.as_string());
        }
      }
      std::sort(ids.begin(), ids.end());
      return ids;
    }
    return last;
  }

  void rebalance() {
    if (stopping_) return;
    // A broker we never heartbeated would not list us: tell it first.
    auto targets = instance_.broker_addrs(false);
    if (std::set<std::string>(targets.begin(), targets.end()) != heartbeat_targets_) heartbeat();
    for (const auto& subscription : subscriptions_) {
      auto route = instance_.route(subscription.topic);
      if (!route.ok()) continue;  // no route yet (a retry topic before its first heartbeat)
      auto ids = consumer_ids(*route.value());
      if (!ids.ok()) {
        instance_.log().warn("rebalance of {}: consumer list unavailable: {}", subscription.topic,
                             ids.status().to_string());
        continue;
      }
      auto mine =
          allocate_averagely(route.value()->subscribe_queues, ids.value(), instance_.client_id());
      update_assignment(subscription, mine);
    }
  }

  void update_assignment(const Subscription& subscription,
                         const std::vector<MessageQueue>& assigned) {
    const std::set<MessageQueue> wanted(assigned.begin(), assigned.end());
    std::vector<std::shared_ptr<ProcessQueue>> removed;
    std::vector<MessageQueue> added;
    {
      std::lock_guard lock(table_mu_);
      for (auto it = table_.begin(); it != table_.end();) {
        if (it->first.topic == subscription.topic && !wanted.contains(it->first)) {
          it->second->dropped = true;
          removed.push_back(it->second);
          it = table_.erase(it);
        } else {
          ++it;
        }
      }
      for (const auto& queue : wanted) {
        if (!table_.contains(queue)) added.push_back(queue);
      }
    }
    for (const auto& pq : removed) persist_one(*pq, true);
    for (const auto& queue : added) {
      auto offset = start_offset(queue);
      if (!offset.ok()) {
        instance_.log().warn("cannot find where to start {}: {}", queue.to_string(),
                             offset.status().to_string());
        continue;
      }
      auto pq = std::make_shared<ProcessQueue>(queue);
      {
        std::lock_guard lock(pq->mu);
        pq->next_offset = offset.value();
      }
      {
        std::lock_guard lock(table_mu_);
        table_[queue] = pq;
      }
      pull(pq);
    }
  }

  // §6.3 steps 4 and 5.
  sdk::Result<std::int64_t> start_offset(const MessageQueue& queue) {
    auto stored = query_queue_offset(instance_, core::request_code::kQueryConsumerOffset, queue,
                                     options_.group);
    if (!stored.ok()) return stored.status();
    if (stored.value() >= 0) return stored.value();
    const bool retry = is_retry_topic(queue.topic);
    switch (options_.consume_from) {
      case ConsumeFromWhere::kFirstOffset:
        return std::int64_t{0};
      case ConsumeFromWhere::kTimestamp:
        if (retry)
          return query_queue_offset(instance_, core::request_code::kGetMaxOffset, queue, "");
        return query_queue_offset(instance_, core::request_code::kSearchOffsetByTimestamp, queue,
                                  "", consume_timestamp_ms_);
      case ConsumeFromWhere::kLastOffset:
        break;
    }
    if (retry) return std::int64_t{0};
    return query_queue_offset(instance_, core::request_code::kGetMaxOffset, queue, "");
  }

  // ---- the pull chain ---------------------------------------------------------------------

  const Subscription* subscription_of(const std::string& topic) const {
    for (const auto& subscription : subscriptions_) {
      if (subscription.topic == topic) return &subscription;
    }
    return nullptr;
  }

  void schedule_pull(const std::shared_ptr<ProcessQueue>& pq, std::int64_t delay_ms) {
    if (stopping_ || pq->dropped) return;
    static_cast<void>(instance_.scheduler().after(delay_ms, [this, pq] { pull(pq); }));
  }

  void pull(const std::shared_ptr<ProcessQueue>& pq) {
    if (stopping_ || pq->dropped) return;
    const Subscription* subscription = subscription_of(pq->queue.topic);
    if (subscription == nullptr) return;
    PullRequestSpec spec;
    std::int64_t broker_id = 0;
    {
      std::lock_guard lock(pq->mu);
      if (pq->in_flight.size() > static_cast<std::size_t>(std::max<std::int32_t>(
                                     1, options_.max_cached_messages_per_queue))) {
        schedule_pull(pq, kFlowControlDelayMs);
        return;
      }
      spec.offset = pq->next_offset;
      spec.commit_offset = pq->commit_offset > 0 ? pq->commit_offset : 0;
      broker_id = pq->suggested_broker_id;
    }
    // The suggested broker id, else the master, else a slave (the master is gone).
    auto addr = instance_.readable_broker_addr(pq->queue.broker_name, broker_id);
    if (!addr) {
      schedule_pull(pq, kPullRetryDelayMs);
      return;
    }
    spec.group = options_.group;
    spec.queue = pq->queue;
    spec.max_nums = options_.pull_batch_size;
    spec.sys_flag = kPullSuspend | kPullSubscription;
    if (spec.commit_offset > 0 && broker_id == core::kMasterBrokerId) {
      spec.sys_flag |= kPullCommitOffset;
    }
    spec.suspend_timeout_ms = options_.suspend_timeout_ms;
    spec.filter = &subscription->filter;
    spec.sub_version = sub_version_;
    instance_.remoting().invoke_async(
        *addr, build_pull_request(spec), options_.pull_timeout_ms,
        [this, pq, subscription](sdk::Result<core::RemotingCommand> response) {
          on_pull_response(pq, *subscription, std::move(response));
        });
  }

  void on_pull_response(const std::shared_ptr<ProcessQueue>& pq, const Subscription& subscription,
                        sdk::Result<core::RemotingCommand> response) {
    if (stopping_ || pq->dropped) return;
    if (!response.ok()) {
      instance_.log().warn("pull {} failed: {}", pq->queue.to_string(),
                           response.status().to_string());
      schedule_pull(pq, kPullRetryDelayMs);
      return;
    }
    std::int64_t suggested = 0;
    auto result =
        interpret_pull_response(response.value(), pq->queue, subscription.filter, &suggested);
    if (!result.ok()) {
      instance_.log().warn("pull {} refused: {}", pq->queue.to_string(),
                           result.status().to_string());
      schedule_pull(pq, kPullRetryDelayMs);
      return;
    }
    PullResult& pulled = result.value();
    std::vector<MessageExt> batch;
    {
      std::lock_guard lock(pq->mu);
      pq->suggested_broker_id = suggested;
      pq->next_offset = pulled.next_begin_offset;
      if (pulled.status == PullStatus::kFound && !pulled.messages.empty()) {
        for (auto& message : pulled.messages) {
          restore_retry_topic(message);
          pq->in_flight.emplace(message.queue_offset, message);
          batch.push_back(std::move(message));
        }
        pq->pulled_up_to = pulled.next_begin_offset;
      } else if (pq->in_flight.empty()) {
        // Nothing to consume up to next_begin_offset (filtered, caught up, or moved):
        // the committed offset may follow it (Java's correctTagsOffset).
        pq->pulled_up_to = pulled.next_begin_offset;
        pq->advance_commit_locked();
        if (pulled.status == PullStatus::kOffsetIllegal) {
          pq->commit_offset = pulled.next_begin_offset;
        }
      }
    }
    if (!batch.empty()) submit(pq, std::move(batch));
    schedule_pull(pq, 0);
  }

  // A message taken from %RETRY%<group> is handed over under its original topic.
  static void restore_retry_topic(MessageExt& message) {
    if (!is_retry_topic(message.topic)) return;
    auto it = message.properties.find(std::string(property::kRetryTopic));
    if (it != message.properties.end()) message.topic = it->second;
  }

  // ---- consumption (pool threads) -----------------------------------------------------------

  void submit(const std::shared_ptr<ProcessQueue>& pq, std::vector<MessageExt> messages) {
    const std::size_t size = static_cast<std::size_t>(std::max(1, options_.consume_batch_size));
    for (std::size_t i = 0; i < messages.size(); i += size) {
      std::vector<MessageExt> batch(
          std::make_move_iterator(messages.begin() + static_cast<std::ptrdiff_t>(i)),
          std::make_move_iterator(
              messages.begin() + static_cast<std::ptrdiff_t>(std::min(messages.size(), i + size))));
      auto shared = std::make_shared<std::vector<MessageExt>>(std::move(batch));
      static_cast<void>(pool_->submit([this, pq, shared] { consume(pq, *shared); }));
    }
  }

  void consume(const std::shared_ptr<ProcessQueue>& pq, std::vector<MessageExt>& batch) {
    if (stopping_ || pq->dropped) return;
    ConsumeResult result = ConsumeResult::kReconsumeLater;
    try {
      result = listener_(batch);
    } catch (const std::exception& e) {
      instance_.log().warn("listener threw on {}: {}", pq->queue.to_string(), e.what());
    } catch (...) {
      instance_.log().warn("listener threw on {}", pq->queue.to_string());
    }
    if (pq->dropped) return;  // the queue went to another consumer meanwhile
    std::vector<MessageExt> failed;
    if (result == ConsumeResult::kReconsumeLater) {
      for (auto& message : batch) {
        if (!send_back(pq->queue, message)) failed.push_back(message);
      }
    }
    {
      std::lock_guard lock(pq->mu);
      for (const auto& message : batch) {
        const bool kept = std::any_of(failed.begin(), failed.end(), [&](const MessageExt& f) {
          return f.queue_offset == message.queue_offset;
        });
        if (!kept) pq->in_flight.erase(message.queue_offset);
      }
      pq->advance_commit_locked();
    }
    if (!failed.empty()) {
      for (auto& message : failed) ++message.reconsume_times;
      auto shared = std::make_shared<std::vector<MessageExt>>(std::move(failed));
      static_cast<void>(instance_.scheduler().after(kReconsumeDelayMs, [this, pq, shared] {
        if (!stopping_ && !pq->dropped) {
          static_cast<void>(pool_->submit([this, pq, shared] { consume(pq, *shared); }));
        }
      }));
    }
  }

  // CONSUMER_SEND_MSG_BACK to the master of the message's broker; failing that, a re-send
  // to %RETRY%<group> carrying the retry properties (§6.3 step 7). True when either worked.
  bool send_back(const MessageQueue& queue, const MessageExt& message) {
    auto addr = master_of(instance_, queue);
    if (addr.ok()) {
      auto request = ClientInstance::request(core::request_code::kConsumerSendMsgBack);
      request.set("offset", message.commit_log_offset);
      request.set("group", options_.group);
      request.set("delayLevel", std::int64_t{0});
      request.set("originMsgId", message.msg_id);
      request.set("originTopic", message.topic);
      request.set("unitMode", std::string("false"));
      request.set("maxReconsumeTimes", std::int64_t{options_.max_reconsume_times});
      auto response =
          instance_.remoting().invoke(addr.value(), std::move(request), options_.rpc_timeout_ms);
      if (response.ok() && response->code == core::response_code::kSuccess) return true;
      instance_.log().warn(
          "send back of {} failed: {}", message.msg_id,
          response.ok() ? refusal(response.value()).message() : response.status().to_string());
    }
    return resend_to_retry_topic(queue, message);
  }

  bool resend_to_retry_topic(const MessageQueue& queue, const MessageExt& message) {
    const std::string retry_topic = retry_topic_of(options_.group);
    std::string broker_name = queue.broker_name;
    if (auto route = instance_.route(retry_topic);
        route.ok() && !route.value()->publish_queues.empty()) {
      broker_name = route.value()->publish_queues.front().broker_name;
    }
    auto addr = instance_.broker_addr(broker_name);
    if (!addr) return false;
    auto properties = message.properties;
    properties.erase(std::string(property::kMinOffset));
    properties.erase(std::string(property::kMaxOffset));
    properties.emplace(std::string(property::kRetryTopic), message.topic);
    properties.emplace(std::string(property::kOriginMessageId), message.msg_id);
    properties[std::string(property::kDelay)] = std::to_string(3 + message.reconsume_times);
    auto request = ClientInstance::request(core::request_code::kSendMessageV2);
    request.set("a", options_.group);
    request.set("b", retry_topic);
    request.set("c", std::string(kDefaultTopic));
    request.set("d", std::int64_t{1});
    request.set("e", std::int64_t{0});
    request.set("f", std::int64_t{0});
    request.set("g", message.born_timestamp_ms);
    request.set("h", std::int64_t{message.flag});
    request.set("i", encode_properties(properties));
    request.set("j", std::int64_t{message.reconsume_times + 1});
    request.set("k", std::string("false"));
    request.set("l", std::int64_t{options_.max_reconsume_times});
    request.body = sdk::Bytes::copy_of(message.body);
    auto response = instance_.remoting().invoke(*addr, std::move(request), options_.rpc_timeout_ms);
    return response.ok() && response->code == core::response_code::kSuccess;
  }

  // ---- offsets ----------------------------------------------------------------------------

  void persist_one(ProcessQueue& pq, bool oneway) {
    std::int64_t offset;
    {
      std::lock_guard lock(pq.mu);
      if (pq.commit_offset < 0 || pq.commit_offset == pq.persisted_offset) return;
      offset = pq.commit_offset;
    }
    auto status = update_consumer_offset(instance_, options_.group, pq.queue, offset, oneway);
    if (!status) {
      instance_.log().warn("commit of {} at {} failed: {}", pq.queue.to_string(), offset,
                           status.to_string());
      return;
    }
    std::lock_guard lock(pq.mu);
    pq.persisted_offset = offset;
  }

  void persist_offsets(bool oneway) {
    std::vector<std::shared_ptr<ProcessQueue>> queues;
    {
      std::lock_guard lock(table_mu_);
      for (const auto& [queue, pq] : table_) queues.push_back(pq);
    }
    for (const auto& pq : queues) persist_one(*pq, oneway);
  }

  std::vector<MessageQueue> assigned() const {
    std::lock_guard lock(table_mu_);
    std::vector<MessageQueue> out;
    for (const auto& [queue, pq] : table_) out.push_back(queue);
    return out;
  }

  const PushConsumerOptions options_;
  ClientInstance instance_;
  const std::int64_t sub_version_;
  // Set before start(), constant after.
  std::vector<Subscription> subscriptions_;
  MessageListener listener_;
  std::int64_t consume_timestamp_ms_ = 0;

  std::unique_ptr<ConsumePool> pool_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::set<std::string> heartbeat_targets_;  // scheduler thread only

  mutable std::mutex table_mu_;
  std::map<MessageQueue, std::shared_ptr<ProcessQueue>> table_;  // guarded by table_mu_
};

PushConsumer::PushConsumer(PushConsumerOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {}

PushConsumer::~PushConsumer() { shutdown(); }

void PushConsumer::subscribe(const std::string& topic, const std::string& expression) {
  for (auto& subscription : impl_->subscriptions_) {
    if (subscription.topic == topic) {
      subscription.filter = TagFilter::parse(expression);
      return;
    }
  }
  impl_->subscriptions_.push_back(Subscription{topic, TagFilter::parse(expression)});
}

void PushConsumer::register_listener(MessageListener listener) {
  impl_->listener_ = std::move(listener);
}

sdk::Status PushConsumer::start() { return impl_->start(); }

void PushConsumer::shutdown() { impl_->shutdown(); }

std::vector<MessageQueue> PushConsumer::assigned_queues() const { return impl_->assigned(); }

const std::string& PushConsumer::client_id() const { return impl_->instance_.client_id(); }

}  // namespace mq::client
