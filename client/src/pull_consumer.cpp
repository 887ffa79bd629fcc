// PullConsumer: short pulls and offset calls on queues the application picks
// (remoting-protocol.md §3.3, §3.7).
#include "mq/client/pull_consumer.h"

#include "client_instance.h"
#include "message_codec.h"
#include "pull_api.h"

#include "remoting/request_code.h"

#include <atomic>
#include <chrono>

namespace mq::client {

class PullConsumer::Impl : public std::enable_shared_from_this<PullConsumer::Impl> {
 public:
  explicit Impl(PullConsumerOptions options)
      : options_(std::move(options)),
        instance_(InstanceOptions{options_.namesrv_addr, options_.instance_name,
                                  options_.plugin_dir, options_.transport_plugin,
                                  options_.rpc_timeout_ms, options_.unix_socket_dir},
                  nullptr) {}

  sdk::Status start() {
    if (started_) return sdk::Status::ok();
    if (options_.group.empty()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "a pull consumer needs a group");
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
    instance_.unregister("", options_.group, false);
    instance_.stop();
  }

  void heartbeat() {
    core::HeartbeatData data;
    data.client_id = instance_.client_id();
    core::ConsumerData consumer;
    consumer.group_name = options_.group;
    consumer.consume_type = core::ConsumeType::kConsumeActively;
    consumer.message_model = core::MessageModel::kClustering;
    consumer.consume_from_where = core::ConsumeFromWhere::kConsumeFromLastOffset;
    data.consumer_data_set.push_back(std::move(consumer));
    instance_.send_heartbeat(data, false);
  }

  sdk::Status check_started() const {
    if (!started_) return sdk::Status(sdk::StatusCode::kUnavailable, "pull consumer not started");
    return sdk::Status::ok();
  }

  const PullConsumerOptions options_;
  ClientInstance instance_;
  std::atomic<bool> started_{false};
};

PullConsumer::PullConsumer(PullConsumerOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {}

PullConsumer::~PullConsumer() { shutdown(); }

sdk::Status PullConsumer::start() { return impl_->start(); }

void PullConsumer::shutdown() { impl_->shutdown(); }

sdk::Result<std::vector<MessageQueue>> PullConsumer::fetch_subscribe_queues(
    const std::string& topic) {
  if (auto status = impl_->check_started(); !status) return status;
  auto route = impl_->instance_.route(topic, true);
  if (!route.ok()) return route.status();
  return route.value()->subscribe_queues;
}

sdk::Result<PullResult> PullConsumer::pull(const MessageQueue& queue, const std::string& expression,
                                           std::int64_t offset, std::int32_t max_nums) {
  if (auto status = impl_->check_started(); !status) return status;
  auto addr = readable_addr_of(impl_->instance_, queue);
  if (!addr.ok()) return addr.status();
  const TagFilter filter = TagFilter::parse(expression);
  PullRequestSpec spec;
  spec.group = impl_->options_.group;
  spec.queue = queue;
  spec.offset = offset;
  spec.max_nums = max_nums;
  spec.sys_flag = kPullSubscription;
  spec.filter = &filter;
  spec.sub_version = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  auto response = impl_->instance_.remoting().invoke(addr.value(), build_pull_request(spec),
                                                     impl_->options_.rpc_timeout_ms);
  if (!response.ok()) return response.status();
  return interpret_pull_response(response.value(), queue, filter, nullptr);
}

sdk::Result<std::int64_t> PullConsumer::query_offset(const MessageQueue& queue) {
  if (auto status = impl_->check_started(); !status) return status;
  return query_queue_offset(impl_->instance_, core::request_code::kQueryConsumerOffset, queue,
                            impl_->options_.group);
}

sdk::Status PullConsumer::commit_offset(const MessageQueue& queue, std::int64_t offset) {
  if (auto status = impl_->check_started(); !status) return status;
  return update_consumer_offset(impl_->instance_, impl_->options_.group, queue, offset, false);
}

sdk::Result<std::int64_t> PullConsumer::min_offset(const MessageQueue& queue) {
  if (auto status = impl_->check_started(); !status) return status;
  return query_queue_offset(impl_->instance_, core::request_code::kGetMinOffset, queue, "");
}

sdk::Result<std::int64_t> PullConsumer::max_offset(const MessageQueue& queue) {
  if (auto status = impl_->check_started(); !status) return status;
  return query_queue_offset(impl_->instance_, core::request_code::kGetMaxOffset, queue, "");
}

sdk::Result<std::int64_t> PullConsumer::search_offset(const MessageQueue& queue,
                                                      std::int64_t timestamp_ms) {
  if (auto status = impl_->check_started(); !status) return status;
  return query_queue_offset(impl_->instance_, core::request_code::kSearchOffsetByTimestamp, queue,
                            "", timestamp_ms);
}

const std::string& PullConsumer::client_id() const { return impl_->instance_.client_id(); }

}  // namespace mq::client
