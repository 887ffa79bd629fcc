#include "broker/message_writer.h"

#include "broker/pull_request_hold_service.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

namespace mq::core {

std::int32_t response_code_for(const sdk::Status& status) {
  switch (status.code()) {
    case sdk::StatusCode::kOk:
      return response_code::kSuccess;
    case sdk::StatusCode::kFlushDiskTimeout:
      return response_code::kFlushDiskTimeout;
    case sdk::StatusCode::kFlushSlaveTimeout:
      return response_code::kFlushSlaveTimeout;
    case sdk::StatusCode::kSlaveNotAvailable:
      return response_code::kSlaveNotAvailable;
    case sdk::StatusCode::kMessageIllegal:
      return response_code::kMessageIllegal;
    case sdk::StatusCode::kDiskFull:
    case sdk::StatusCode::kUnavailable:
    case sdk::StatusCode::kResourceExhausted:
      return response_code::kServiceNotAvailable;
    default:
      return response_code::kSystemError;
  }
}

sdk::MessageToAppend message_from_record(const sdk::record::StoredRecord& record,
                                         std::string_view topic, std::int32_t queue_id,
                                         std::string_view properties) {
  sdk::MessageToAppend message;
  message.topic = topic;
  message.queue_id = queue_id;
  message.flag = record.flag;
  message.sys_flag =
      record.sys_flag & ~(sdk::record::kSysFlagBornHostV6 | sdk::record::kSysFlagStoreHostV6);
  message.born_timestamp_ms = record.born_timestamp_ms;
  message.born_host = record.born_host;
  message.store_host = record.store_host;
  message.reconsume_times = record.reconsume_times;
  message.body = record.body;
  message.properties = properties;
  message.tags_code =
      sdk::record::tags_code(sdk::record::find_property(properties, "TAGS").value_or(""));
  message.keys = sdk::record::find_property(properties, "KEYS").value_or("");
  message.unique_key = sdk::record::find_property(properties, "UNIQ_KEY").value_or("");
  return message;
}

sdk::AppendCallback MessageWriter::complete(std::string topic, std::int32_t queue_id,
                                            bool wait_for_replica, PutCallback done) {
  BrokerContext* context = &context_;
  return [context, topic = std::move(topic), queue_id, wait_for_replica, done = std::move(done)](
             const sdk::Status& status, const sdk::AppendResult& result) {
    PutOutcome outcome;
    outcome.result = result;
    outcome.code = response_code_for(status);
    if (!status.is_ok()) outcome.remark = status.to_string();
    if (!outcome.stored()) {
      context->stats.put_failures.fetch_add(1, std::memory_order_relaxed);
      done(outcome);
      return;
    }
    context->stats.messages_put.fetch_add(result.message_count, std::memory_order_relaxed);
    context->stats.bytes_put.fetch_add(result.bytes, std::memory_order_relaxed);
    context->held_pulls.notify_arrival(topic, queue_id,
                                       result.queue_offset.value() + result.message_count);
    const bool master = !context->is_slave();
    if (!master || !wait_for_replica || outcome.code != response_code::kSuccess) {
      done(outcome);
      return;
    }
    const sdk::PhysicalOffset end = result.physical_offset + result.bytes;
    context->replication.await_replicated(end, [outcome, done](const sdk::Status& replicated) {
      PutOutcome final_outcome = outcome;
      if (!replicated.is_ok()) {
        final_outcome.code = response_code_for(replicated);
        if (final_outcome.code == response_code::kSystemError ||
            final_outcome.code == response_code::kServiceNotAvailable) {
          // The message is stored; a replication failure never un-stores it.
          final_outcome.code = response_code::kSlaveNotAvailable;
        }
        final_outcome.remark = replicated.to_string();
      }
      done(final_outcome);
    });
  };
}

void MessageWriter::put(const sdk::MessageToAppend& message, bool wait_for_replica,
                        PutCallback done, bool defer) {
  auto completion =
      complete(std::string(message.topic), message.queue_id, wait_for_replica, std::move(done));
  if (defer) {
    context_.store.append_deferred(message, std::move(completion));
  } else {
    context_.store.append(message, std::move(completion));
  }
}

void MessageWriter::put_batch(const std::vector<sdk::MessageToAppend>& messages,
                              bool wait_for_replica, PutCallback done, bool defer) {
  if (messages.empty()) {
    PutOutcome outcome;
    outcome.code = response_code::kMessageIllegal;
    outcome.remark = "the batch holds no message";
    done(outcome);
    return;
  }
  auto completion = complete(std::string(messages.front().topic), messages.front().queue_id,
                             wait_for_replica, std::move(done));
  if (defer) {
    context_.store.append_batch_deferred(messages, std::move(completion));
  } else {
    context_.store.append_batch(messages, std::move(completion));
  }
}

}  // namespace mq::core
