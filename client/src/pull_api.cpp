#include "pull_api.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace mq::client {

core::RemotingCommand build_pull_request(const PullRequestSpec& spec) {
  auto request = ClientInstance::request(core::request_code::kPullMessage);
  request.set("consumerGroup", spec.group);
  request.set("topic", spec.queue.topic);
  request.set("queueId", std::int64_t{spec.queue.queue_id});
  request.set("queueOffset", spec.offset);
  request.set("maxMsgNums", std::int64_t{spec.max_nums});
  request.set("sysFlag", std::int64_t{spec.sys_flag});
  request.set("commitOffset", spec.commit_offset);
  request.set("suspendTimeoutMillis", spec.suspend_timeout_ms);
  request.set("subscription", spec.filter->expression);
  request.set("subVersion", spec.sub_version);
  request.set("expressionType", std::string("TAG"));
  return request;
}

sdk::Result<PullResult> interpret_pull_response(const core::RemotingCommand& response,
                                                const MessageQueue& queue, const TagFilter& filter,
                                                std::int64_t* suggested_broker_id) {
  namespace rc = core::response_code;
  PullResult result;
  switch (response.code) {
    case rc::kSuccess:
      result.status = PullStatus::kFound;
      break;
    case rc::kPullNotFound:
      result.status = PullStatus::kNoNewMsg;
      break;
    case rc::kPullRetryImmediately:
      result.status = PullStatus::kNoMatchedMsg;
      break;
    case rc::kPullOffsetMoved:
      result.status = PullStatus::kOffsetIllegal;
      break;
    default:
      return refusal(response);
  }
  auto next = response.get_int("nextBeginOffset");
  if (!next) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "pull response without nextBeginOffset from " + queue.to_string());
  }
  result.next_begin_offset = *next;
  result.min_offset = response.get_int("minOffset").value_or(0);
  result.max_offset = response.get_int("maxOffset").value_or(0);
  if (suggested_broker_id != nullptr) {
    *suggested_broker_id = response.get_int("suggestWhichBrokerId").value_or(0);
  }
  if (result.status != PullStatus::kFound) return result;
  auto messages = decode_messages(response.body.view(), queue.broker_name);
  if (!messages.ok()) return messages.status();
  const std::string min_text = std::to_string(result.min_offset);
  const std::string max_text = std::to_string(result.max_offset);
  for (auto& message : messages.value()) {
    if (!filter.matches(message.tags)) continue;
    message.properties[std::string(property::kMinOffset)] = min_text;
    message.properties[std::string(property::kMaxOffset)] = max_text;
    result.messages.push_back(std::move(message));
  }
  return result;
}

sdk::Result<std::string> master_of(ClientInstance& instance, const MessageQueue& queue) {
  if (auto addr = instance.broker_addr(queue.broker_name)) return *addr;
  static_cast<void>(instance.route(queue.topic, true));
  if (auto addr = instance.broker_addr(queue.broker_name)) return *addr;
  return sdk::Status(sdk::StatusCode::kNotFound,
                     "no master address known for broker " + queue.broker_name);
}

sdk::Result<std::string> readable_addr_of(ClientInstance& instance, const MessageQueue& queue) {
  if (auto addr = instance.readable_broker_addr(queue.broker_name)) return *addr;
  static_cast<void>(instance.route(queue.topic, true));
  if (auto addr = instance.readable_broker_addr(queue.broker_name)) return *addr;
  return sdk::Status(sdk::StatusCode::kNotFound,
                     "no address known for broker " + queue.broker_name);
}

sdk::Result<std::int64_t> query_queue_offset(ClientInstance& instance, std::int32_t code,
                                             const MessageQueue& queue, const std::string& group,
                                             std::int64_t timestamp_ms) {
  auto addr = readable_addr_of(instance, queue);
  if (!addr.ok()) return addr.status();
  auto request = ClientInstance::request(code);
  if (code == core::request_code::kQueryConsumerOffset) request.set("consumerGroup", group);
  request.set("topic", queue.topic);
  request.set("queueId", std::int64_t{queue.queue_id});
  if (code == core::request_code::kSearchOffsetByTimestamp) request.set("timestamp", timestamp_ms);
  auto response =
      instance.remoting().invoke(addr.value(), std::move(request), instance.rpc_timeout_ms());
  if (!response.ok()) return response.status();
  if (response->code == core::response_code::kQueryNotFound) return std::int64_t{-1};
  if (response->code != core::response_code::kSuccess) return refusal(response.value());
  auto offset = response->get_int("offset");
  if (!offset) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "offset answer without an offset field from " + addr.value());
  }
  return *offset;
}

sdk::Status update_consumer_offset(ClientInstance& instance, const std::string& group,
                                   const MessageQueue& queue, std::int64_t offset, bool oneway) {
  auto addr = readable_addr_of(instance, queue);
  if (!addr.ok()) return addr.status();
  auto request = ClientInstance::request(core::request_code::kUpdateConsumerOffset);
  request.set("consumerGroup", group);
  request.set("topic", queue.topic);
  request.set("queueId", std::int64_t{queue.queue_id});
  request.set("commitOffset", offset);
  if (oneway) return instance.remoting().invoke_oneway(addr.value(), std::move(request));
  auto response =
      instance.remoting().invoke(addr.value(), std::move(request), instance.rpc_timeout_ms());
  if (!response.ok()) return response.status();
  if (response->code != core::response_code::kSuccess) return refusal(response.value());
  return sdk::Status::ok();
}

}  // namespace mq::client
