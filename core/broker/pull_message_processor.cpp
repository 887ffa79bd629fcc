#include "broker/pull_message_processor.h"

#include "mq/sdk/stored_record.h"

#include "broker/consumer_manager.h"
#include "broker/consumer_offset_table.h"
#include "broker/pull_request_hold_service.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "common/clock.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>

namespace mq::core {
namespace {

constexpr std::int64_t kFlagCommitOffset = 1;
constexpr std::int64_t kFlagSuspend = 2;
constexpr std::int64_t kFlagSubscription = 4;

// Tags of a subscription expression: split on "||", trimmed, empties dropped; "*" = all.
std::vector<std::int32_t> tag_codes(std::string_view expression) {
  std::vector<std::int32_t> codes;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  if (trim(expression).empty() || trim(expression) == "*") return codes;
  std::size_t start = 0;
  while (start <= expression.size()) {
    auto end = expression.find("||", start);
    if (end == std::string_view::npos) end = expression.size();
    auto tag = trim(expression.substr(start, end - start));
    if (!tag.empty()) codes.push_back(sdk::record::java_string_hash(tag));
    start = end + 2;
  }
  return codes;
}

RemotingCommand pull_response(const RemotingCommand& request, std::int32_t code, std::int64_t next,
                              std::int64_t min, std::int64_t max, std::int64_t suggest,
                              std::string remark) {
  auto response = RemotingCommand::response_to(request, code, std::move(remark));
  response.set("suggestWhichBrokerId", suggest);
  response.set("nextBeginOffset", next);
  response.set("minOffset", min);
  response.set("maxOffset", max);
  return response;
}

const char* status_name(sdk::ReadStatus status) {
  switch (status) {
    case sdk::ReadStatus::kFound:
      return "FOUND";
    case sdk::ReadStatus::kNoMatchedMessage:
      return "NO_MATCHED_MESSAGE";
    case sdk::ReadStatus::kOffsetFoundNull:
      return "OFFSET_FOUND_NULL";
    case sdk::ReadStatus::kOffsetOverflowOne:
      return "OFFSET_OVERFLOW_ONE";
    case sdk::ReadStatus::kOffsetOverflowBadly:
      return "OFFSET_OVERFLOW_BADLY";
    case sdk::ReadStatus::kOffsetTooSmall:
      return "OFFSET_TOO_SMALL";
    case sdk::ReadStatus::kNoMatchedLogicQueue:
      return "NO_MATCHED_LOGIC_QUEUE";
    case sdk::ReadStatus::kNoMessageInQueue:
      return "NO_MESSAGE_IN_QUEUE";
  }
  return "UNKNOWN";
}

}  // namespace

bool PullMessageProcessor::consumer_lags_far_behind(
    const std::vector<sdk::ByteView>& records) const {
  if (records.empty()) return false;
  sdk::record::StoredRecord last;
  if (sdk::record::decode_record(records.back(), &last, false) != sdk::record::DecodeStatus::kOk) {
    return false;
  }
  static const std::int64_t memory_bytes = [] {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? static_cast<std::int64_t>(pages) * page_size
                                      : std::int64_t{0};
  }();
  const std::int64_t behind =
      context_.store.log_end().value() - (last.physical_offset + last.total_size);
  return behind > memory_bytes / 100 * context_.config.access_message_in_memory_max_ratio;
}

void PullMessageProcessor::pull(const Channel&, RemotingCommand request, Responder respond) {
  process(std::make_shared<const RemotingCommand>(std::move(request)), std::move(respond), true,
          true);
}

void PullMessageProcessor::process(std::shared_ptr<const RemotingCommand> shared_request,
                                   Responder respond, bool allow_hold, bool first_pass) {
  const RemotingCommand& request = *shared_request;
  auto group_name = request.get("consumerGroup");
  auto topic_name = request.get("topic");
  auto queue_id_value = request.get_int("queueId");
  auto queue_offset = request.get_int("queueOffset");
  auto max_msg_nums = request.get_int("maxMsgNums");
  auto sys_flag = request.get_int("sysFlag");
  if (!group_name || !topic_name || !queue_id_value || !queue_offset || !max_msg_nums ||
      !sys_flag) {
    respond(RemotingCommand::response_to(
        request, response_code::kSystemError,
        "PULL_MESSAGE needs consumerGroup, topic, queueId, queueOffset, maxMsgNums, sysFlag"));
    return;
  }
  const std::string group(*group_name);
  const std::string topic(*topic_name);
  const auto queue_id = static_cast<std::int32_t>(*queue_id_value);
  const std::int64_t offset = *queue_offset;

  if (!context_.broker_readable()) {
    respond(RemotingCommand::response_to(
        request, response_code::kNoPermission,
        "the broker[" + context_.config.identity.broker_name + "] pulling message is forbidden"));
    return;
  }
  auto group_config = context_.groups.find_or_create(group);
  if (!group_config) {
    respond(RemotingCommand::response_to(request, response_code::kSubscriptionGroupNotExist,
                                         "subscription group [" + group + "] does not exist"));
    return;
  }
  if (!group_config->consume_enable) {
    respond(RemotingCommand::response_to(request, response_code::kNoPermission,
                                         "subscription group no permission, " + group));
    return;
  }
  auto topic_config = context_.topics.find(topic);
  if (!topic_config) {
    respond(RemotingCommand::response_to(request, response_code::kTopicNotExist,
                                         "topic[" + topic + "] not exist, apply first please!"));
    return;
  }
  if ((topic_config->perm & kPermRead) == 0) {
    respond(RemotingCommand::response_to(request, response_code::kNoPermission,
                                         "the topic[" + topic + "] pulling message is forbidden"));
    return;
  }
  if (queue_id < 0 || queue_id >= topic_config->read_queue_nums) {
    respond(RemotingCommand::response_to(
        request, response_code::kSystemError,
        "queueId[" + std::to_string(queue_id) + "] is illegal, topic:[" + topic +
            "] topicConfig.readQueueNums:[" + std::to_string(topic_config->read_queue_nums) + "]"));
    return;
  }

  sdk::TagFilter filter;
  if ((*sys_flag & kFlagSubscription) != 0) {
    auto expression_type = request.get("expressionType").value_or("TAG");
    if (expression_type != "TAG") {
      respond(RemotingCommand::response_to(request, response_code::kSubscriptionParseFailed,
                                           "only TAG subscriptions are supported"));
      return;
    }
    filter.codes = tag_codes(request.get("subscription").value_or("*"));
  } else {
    auto subscription = context_.consumers.find_subscription(group, topic);
    if (!subscription) {
      respond(RemotingCommand::response_to(
          request, response_code::kSubscriptionNotExist,
          "the consumer's subscription not exist, group: " + group + " topic: " + topic));
      return;
    }
    if (subscription->sub_version < request.get_int("subVersion").value_or(0)) {
      respond(RemotingCommand::response_to(request, response_code::kSubscriptionNotLatest,
                                           "the consumer's subscription not latest"));
      return;
    }
    filter.codes = tag_codes(subscription->sub_string);
  }

  if (first_pass && (*sys_flag & kFlagCommitOffset) != 0 && !context_.is_slave()) {
    if (auto commit = request.get_int("commitOffset")) {
      context_.offsets.commit(group, topic, queue_id, *commit);
    }
  }

  const auto max_messages = static_cast<std::int32_t>(std::clamp<std::int64_t>(
      *max_msg_nums, 1, context_.config.max_transfer_count_on_message_in_memory));
  auto read =
      context_.store.read_queue(topic, queue_id, sdk::QueueOffset(offset), max_messages,
                                context_.config.max_transfer_bytes_on_message_in_memory, filter);
  const std::int64_t min = read.min_offset.value();
  const std::int64_t max = read.max_offset.value();
  std::int64_t next = read.next_offset.value();
  std::int32_t code = response_code::kPullNotFound;
  switch (read.status) {
    case sdk::ReadStatus::kFound:
      code = response_code::kSuccess;
      break;
    case sdk::ReadStatus::kNoMatchedMessage:
    case sdk::ReadStatus::kOffsetFoundNull:
      code = response_code::kPullRetryImmediately;
      break;
    case sdk::ReadStatus::kOffsetOverflowOne:
      code = response_code::kPullNotFound;
      next = offset;
      break;
    case sdk::ReadStatus::kOffsetOverflowBadly:
      code = response_code::kPullOffsetMoved;
      next = max;
      break;
    case sdk::ReadStatus::kOffsetTooSmall:
      code = response_code::kPullOffsetMoved;
      next = min;
      break;
    case sdk::ReadStatus::kNoMatchedLogicQueue:
    case sdk::ReadStatus::kNoMessageInQueue:
      code = offset == 0 ? response_code::kPullNotFound : response_code::kPullOffsetMoved;
      next = 0;
      break;
  }

  // Which broker id the consumer should pull this queue from next (§3.3). Without
  // slaveReadEnable always the master. With it, the group's whichBrokerWhenConsumeSlowly when
  // the consumer is far behind (see consumer_lags_far_behind()), else the group's brokerId.
  std::int64_t suggest = 0;
  if (context_.config.slave_read_enable) {
    suggest = code == response_code::kSuccess && consumer_lags_far_behind(read.records)
                  ? group_config->which_broker_when_consume_slowly
                  : group_config->broker_id;
  }
  if (context_.is_slave()) {
    // A slave never moves a consumer's offset unless offsetCheckInSlave: it may simply be
    // behind its master, so "out of range" here is not evidence that the offset is wrong.
    if (code == response_code::kPullOffsetMoved && !context_.config.offset_check_in_slave) {
      code = response_code::kPullRetryImmediately;
      next = offset;
      suggest = group_config->broker_id;
    }
    // Without slaveReadEnable a slave sends consumers back to the master while it follows
    // one (RocketMQ's rule). Once the replication link is down (the master is gone) it serves
    // the pull itself, so consumers keep consuming while their master is down.
    if (!context_.config.slave_read_enable && context_.replication.state().slave_attached) {
      code = response_code::kPullRetryImmediately;
      next = offset;
      suggest = 0;
    }
  }

  if (code == response_code::kPullNotFound && allow_hold && (*sys_flag & kFlagSuspend) != 0) {
    const std::int64_t suspend_ms = context_.config.long_polling_enable
                                        ? request.get_int("suspendTimeoutMillis").value_or(15000)
                                        : 1000;
    BrokerContext* context = &context_;
    PullMessageProcessor* self = this;
    context->held_pulls.hold(topic, queue_id, offset,
                             wall_clock_ms() + std::max<std::int64_t>(0, suspend_ms),
                             [self, shared_request, respond](bool expired) {
                               self->process(shared_request, respond, !expired, false);
                             });
    return;
  }

  auto response = pull_response(request, code, next, min, max, suggest, status_name(read.status));
  if (code == response_code::kSuccess) {
    // The records go out as they lie in the store (no copy), pinned until written.
    std::size_t total = 0;
    for (const auto& record : read.records) total += record.size();
    context_.stats.messages_got.fetch_add(static_cast<std::int64_t>(read.records.size()),
                                          std::memory_order_relaxed);
    context_.stats.bytes_got.fetch_add(static_cast<std::int64_t>(total), std::memory_order_relaxed);
    response.body_views = std::move(read.records);
    response.body_keepalive = std::move(read.keepalive);
  }
  respond(std::move(response));
}

}  // namespace mq::core
