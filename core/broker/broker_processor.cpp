#include "broker/broker_processor.h"

#include "remoting/kv_table.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <chrono>

namespace mq::core {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Names of the system topics a client may not create or send to (§3.2).
bool is_system_topic(std::string_view topic) {
  return topic == "SCHEDULE_TOPIC_XXXX" || topic == "RMQ_SYS_TRANS_HALF_TOPIC" ||
         topic == "RMQ_SYS_TRANS_OP_HALF_TOPIC" || topic == "TRANS_CHECK_MAX_TIME_TOPIC" ||
         topic == "SELF_TEST_TOPIC" || topic == "OFFSET_MOVED_EVENT";
}

}  // namespace

BrokerProcessor::BrokerProcessor(const BrokerConfig& config, TopicConfigTable& topics,
                                 sdk::MessageStore& store, std::shared_ptr<spdlog::logger> logger)
    : config_(config),
      topics_(topics),
      store_(store),
      logger_(std::move(logger)),
      boot_timestamp_ms_(now_ms()) {}

void BrokerProcessor::process(const Channel&, RemotingCommand request, Responder respond) {
  switch (request.code) {
    case request_code::kGetBrokerRuntimeInfo:
      respond(runtime_info(request));
      return;
    case request_code::kGetAllTopicConfig:
      respond(all_topic_config(request));
      return;
    case request_code::kUpdateAndCreateTopic:
      respond(update_and_create_topic(request));
      return;
    default:
      respond(RemotingCommand::response_to(
          request, response_code::kRequestCodeNotSupported,
          " request type " + std::to_string(request.code) + " not supported"));
      return;
  }
}

RemotingCommand BrokerProcessor::runtime_info(const RemotingCommand& request) {
  KvTable table;
  const auto now = now_ms();
  table.table["brokerVersionDesc"] = "V4_9_7";
  table.table["brokerVersion"] = std::to_string(kServerVersion);
  table.table["bootTimestamp"] = std::to_string(boot_timestamp_ms_);
  table.table["runtime"] = std::to_string((now - boot_timestamp_ms_) / 1000) + " s";
  table.table["commitLogMaxOffset"] = std::to_string(store_.log_end().value());
  table.table["commitLogMinOffset"] = "0";
  table.table["remainHowManyDataToFlush"] =
      std::to_string(store_.log_end() - store_.durable_end()) + " B";
  table.table["brokerRole"] =
      config_.replication.broker_role == sdk::BrokerRole::kSlave
          ? "SLAVE"
          : (config_.replication.broker_role == sdk::BrokerRole::kSyncMaster ? "SYNC_MASTER"
                                                                             : "ASYNC_MASTER");
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = sdk::Bytes::copy_of(table.to_json());
  return response;
}

RemotingCommand BrokerProcessor::all_topic_config(const RemotingCommand& request) {
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = sdk::Bytes::copy_of(topics_.snapshot().to_json());
  return response;
}

RemotingCommand BrokerProcessor::update_and_create_topic(const RemotingCommand& request) {
  if (config_.replication.broker_role == sdk::BrokerRole::kSlave) {
    return RemotingCommand::response_to(request, response_code::kNoPermission,
                                        "a slave broker does not accept topic changes");
  }
  auto topic_name = request.get("topic");
  if (!topic_name || !valid_topic_name(*topic_name)) {
    return RemotingCommand::response_to(
        request, response_code::kSystemError,
        "the topic name is invalid: 1..127 characters from A-Z a-z 0-9 % | _ -");
  }
  if (is_system_topic(*topic_name)) {
    return RemotingCommand::response_to(
        request, response_code::kSystemError,
        "The topic[" + std::string(*topic_name) + "] is conflict with system topic.");
  }
  TopicConfig topic;
  topic.topic_name = std::string(*topic_name);
  topic.read_queue_nums = static_cast<std::int32_t>(request.get_int("readQueueNums").value_or(8));
  topic.write_queue_nums = static_cast<std::int32_t>(request.get_int("writeQueueNums").value_or(8));
  topic.perm = static_cast<std::int32_t>(request.get_int("perm").value_or(kPermRead | kPermWrite));
  topic.topic_sys_flag = static_cast<std::int32_t>(request.get_int("topicSysFlag").value_or(0));
  topic.order = request.get_bool("order").value_or(false);
  if (auto filter = request.get("topicFilterType")) {
    auto type = topic_filter_type_from_name(*filter);
    if (!type) {
      return RemotingCommand::response_to(request, response_code::kSystemError,
                                          "topicFilterType must be SINGLE_TAG or MULTI_TAG");
    }
    topic.topic_filter_type = *type;
  }
  if (topic.read_queue_nums <= 0 || topic.write_queue_nums <= 0 || topic.read_queue_nums > 1024 ||
      topic.write_queue_nums > 1024) {
    return RemotingCommand::response_to(request, response_code::kSystemError,
                                        "queue counts must be between 1 and 1024");
  }
  if (auto status = topics_.upsert(topic); !status) {
    logger_->error("cannot save topic {}: {}", topic.topic_name, status.message());
    return RemotingCommand::response_to(request, response_code::kSystemError, status.message());
  }
  logger_->info("topic {} created or updated: {} read / {} write queues, perm {}", topic.topic_name,
                topic.read_queue_nums, topic.write_queue_nums, topic.perm);
  if (on_topics_changed) on_topics_changed();
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

}  // namespace mq::core
