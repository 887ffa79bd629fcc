#include "broker/admin_processor.h"

#include "broker/consumer_offset_table.h"
#include "broker/schedule_message_service.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "common/clock.h"
#include "remoting/json.h"
#include "remoting/kv_table.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <chrono>
#include <cstring>

namespace mq::core {
namespace {

// Topics an administrator may not create or delete: the no-send ones and the default topic.
bool is_system_topic(std::string_view topic) {
  return is_no_send_topic(topic) || topic == "TBW102";
}

// A MessageQueue written as a JSON object key (§4.8).
std::string queue_key(const std::string& broker, const std::string& topic, std::int32_t queue) {
  JsonValue key = JsonValue::object();
  key.add("brokerName", JsonValue::string(broker));
  key.add("queueId", JsonValue::integer(queue));
  key.add("topic", JsonValue::string(topic));
  return write_json(key);
}

RemotingCommand with_body(const RemotingCommand& request, const std::string& text) {
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = sdk::Bytes::copy_of(text);
  return response;
}

RemotingCommand failure(const RemotingCommand& request, std::int32_t code, std::string remark) {
  return RemotingCommand::response_to(request, code, std::move(remark));
}

}  // namespace

AdminProcessor::AdminProcessor(BrokerContext& context)
    : context_(context), boot_timestamp_ms_(wall_clock_ms()) {}

RemotingCommand AdminProcessor::runtime_info(const RemotingCommand& request) {
  KvTable table;
  const auto now = wall_clock_ms();
  const auto& stats = context_.stats;
  auto& t = table.table;
  t["brokerVersionDesc"] = "V4_9_7";
  t["brokerVersion"] = std::to_string(kServerVersion);
  t["bootTimestamp"] = std::to_string(boot_timestamp_ms_);
  t["runtime"] = std::to_string((now - boot_timestamp_ms_) / 1000) + " s";
  t["commitLogMaxOffset"] = std::to_string(context_.store.log_end().value());
  t["commitLogMinOffset"] = "0";
  t["remainHowManyDataToFlush"] =
      std::to_string(context_.store.log_end() - context_.store.durable_end()) + " B";
  t["msgPutTotalTodayNow"] = std::to_string(stats.messages_put.load());
  t["msgGetTotalTodayNow"] = std::to_string(stats.messages_got.load());
  t["msgPutTotalTodayMorning"] = "0";
  t["msgGetTotalTodayMorning"] = "0";
  t["msgPutTotalYesterdayMorning"] = "0";
  t["msgGetTotalYesterdayMorning"] = "0";
  t["putTps"] = "0.0 0.0 0.0";
  t["getTransferedTps"] = "0.0 0.0 0.0";
  t["sendThreadPoolQueueSize"] = "0";
  t["pullThreadPoolQueueSize"] = "0";
  t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["pageCacheLockTimeMills"] = "0";
  t["earliestMessageTimeStamp"] = "0";
  t["commitLogDiskRatio"] = "0.0";
  t["dispatchBehindBytes"] = "0";
  t["brokerRole"] = context_.is_slave() ? "SLAVE"
                    : context_.config.replication.broker_role == sdk::BrokerRole::kSyncMaster
                        ? "SYNC_MASTER"
                        : "ASYNC_MASTER";
  const auto replication = context_.replication.state();
  t["slaveAttached"] = replication.slave_attached ? "true" : "false";
  t["slaveAckedOffset"] = std::to_string(replication.slave_acked.value());
  t["masterEndOffset"] = std::to_string(replication.master_end.value());
  t["replicationPeer"] = replication.peer_address;
  return with_body(request, table.to_json());
}

RemotingCommand AdminProcessor::all_topic_config(const RemotingCommand& request) {
  return with_body(request, context_.topics.snapshot().to_json());
}

RemotingCommand AdminProcessor::update_and_create_topic(const RemotingCommand& request) {
  if (context_.is_slave()) {
    return failure(request, response_code::kNoPermission,
                   "a slave broker does not accept topic changes");
  }
  auto topic_name = request.get("topic");
  if (!topic_name || !valid_topic_name(*topic_name)) {
    return failure(request, response_code::kSystemError,
                   "the topic name is invalid: 1..127 characters from A-Z a-z 0-9 % | _ -");
  }
  if (is_system_topic(*topic_name)) {
    return failure(request, response_code::kSystemError,
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
      return failure(request, response_code::kSystemError,
                     "topicFilterType must be SINGLE_TAG or MULTI_TAG");
    }
    topic.topic_filter_type = *type;
  }
  if (topic.read_queue_nums <= 0 || topic.write_queue_nums <= 0 || topic.read_queue_nums > 1024 ||
      topic.write_queue_nums > 1024) {
    return failure(request, response_code::kSystemError, "queue counts must be between 1 and 1024");
  }
  if (auto status = context_.topics.upsert(topic); !status) {
    context_.logger->error("cannot save topic {}: {}", topic.topic_name, status.message());
    return failure(request, response_code::kSystemError, status.message());
  }
  context_.logger->info("topic {} created or updated: {} read / {} write queues, perm {}",
                        topic.topic_name, topic.read_queue_nums, topic.write_queue_nums,
                        topic.perm);
  if (context_.register_topics_soon) context_.register_topics_soon();
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand AdminProcessor::delete_topic(const RemotingCommand& request) {
  auto topic = request.get("topic");
  if (!topic) return failure(request, response_code::kSystemError, "missing header field topic");
  if (is_system_topic(*topic)) {
    return failure(request, response_code::kSystemError,
                   "The topic[" + std::string(*topic) + "] is conflict with system topic.");
  }
  const std::string name(*topic);
  if (auto status = context_.topics.remove(name); !status) {
    return failure(request, response_code::kSystemError, status.message());
  }
  static_cast<void>(context_.store.delete_topic(name));
  context_.offsets.remove_topic(name);
  context_.logger->info("topic {} deleted", name);
  if (context_.register_topics_soon) context_.register_topics_soon();
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand AdminProcessor::topic_stats(const RemotingCommand& request) {
  auto topic_name = request.get("topic");
  if (!topic_name)
    return failure(request, response_code::kSystemError, "missing header field topic");
  auto topic = context_.topics.find(*topic_name);
  if (!topic) {
    return failure(request, response_code::kTopicNotExist,
                   "topic[" + std::string(*topic_name) + "] not exist");
  }
  JsonValue table = JsonValue::object();
  for (std::int32_t queue = 0; queue < topic->write_queue_nums; ++queue) {
    const auto min = context_.store.min_offset(topic->topic_name, queue);
    const auto max = context_.store.max_offset(topic->topic_name, queue);
    JsonValue stats = JsonValue::object();
    const std::int64_t last =
        max.value() > 0 ? context_.store.store_time(topic->topic_name, queue, max + -1) : 0;
    stats.add("lastUpdateTimestamp", JsonValue::integer(std::max<std::int64_t>(0, last)));
    stats.add("maxOffset", JsonValue::integer(max.value()));
    stats.add("minOffset", JsonValue::integer(min.value()));
    table.add_object_key(queue_key(context_.config.identity.broker_name, topic->topic_name, queue),
                         std::move(stats));
  }
  JsonValue body = JsonValue::object();
  body.add("offsetTable", std::move(table));
  return with_body(request, write_json(body));
}

RemotingCommand AdminProcessor::update_group(const RemotingCommand& request) {
  auto config = SubscriptionGroupConfig::from_json(request.body.as_string_view());
  if (!config.ok() || config->group_name.empty()) {
    return failure(
        request, response_code::kSystemError,
        "the body is not a subscription group config" +
            (config.ok() ? std::string(" (no groupName)") : ": " + config.status().message()));
  }
  if (auto status = context_.groups.upsert(config.value()); !status) {
    return failure(request, response_code::kSystemError, status.message());
  }
  context_.logger->info("subscription group {} created or updated", config->group_name);
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand AdminProcessor::all_groups(const RemotingCommand& request) {
  return with_body(request, context_.groups.to_json());
}

RemotingCommand AdminProcessor::delete_group(const RemotingCommand& request) {
  auto group = request.get("groupName");
  if (!group)
    return failure(request, response_code::kSystemError, "missing header field groupName");
  if (auto status = context_.groups.remove(*group); !status) {
    return failure(request, response_code::kSystemError, status.message());
  }
  context_.offsets.remove_group(*group);
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand AdminProcessor::consume_stats(const RemotingCommand& request) {
  auto group = request.get("consumerGroup");
  if (!group) {
    return failure(request, response_code::kSystemError, "missing header field consumerGroup");
  }
  std::vector<std::string> topics;
  if (auto topic = request.get("topic"); topic && !topic->empty()) {
    topics.emplace_back(*topic);
  } else {
    topics = context_.offsets.topics_of_group(*group);
  }
  JsonValue table = JsonValue::object();
  for (const auto& topic_name : topics) {
    auto topic = context_.topics.find(topic_name);
    if (!topic) continue;
    const auto committed = context_.offsets.offsets_of(*group, topic_name);
    for (std::int32_t queue = 0; queue < topic->write_queue_nums; ++queue) {
      const auto max = context_.store.max_offset(topic_name, queue);
      auto it = committed.find(queue);
      const std::int64_t consumer =
          it == committed.end() ? 0 : std::max<std::int64_t>(0, it->second);
      JsonValue stats = JsonValue::object();
      stats.add("brokerOffset", JsonValue::integer(max.value()));
      stats.add("consumerOffset", JsonValue::integer(consumer));
      const std::int64_t last =
          consumer > 0
              ? context_.store.store_time(topic_name, queue, sdk::QueueOffset(consumer - 1))
              : 0;
      stats.add("lastTimestamp", JsonValue::integer(std::max<std::int64_t>(0, last)));
      table.add_object_key(queue_key(context_.config.identity.broker_name, topic_name, queue),
                           std::move(stats));
    }
  }
  JsonValue body = JsonValue::object();
  body.add("consumeTps", JsonValue::number(0.0));
  body.add("offsetTable", std::move(table));
  return with_body(request, write_json(body));
}

RemotingCommand AdminProcessor::broker_config(const RemotingCommand& request) {
  auto response = with_body(request, format_effective_config(context_.config));
  response.set("version", context_.topics.snapshot().data_version.to_json());
  return response;
}

RemotingCommand AdminProcessor::view_message(const RemotingCommand& request) {
  auto offset = request.get_int("offset");
  if (!offset) return failure(request, response_code::kSystemError, "missing header field offset");
  auto found = context_.store.read_at(sdk::PhysicalOffset(*offset));
  if (!found.ok()) {
    return failure(request, response_code::kSystemError,
                   "can not find message by the offset, " + std::to_string(*offset));
  }
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = sdk::Bytes::copy_of(found->record);
  return response;
}

RemotingCommand AdminProcessor::query_message(const RemotingCommand& request) {
  auto topic = request.get("topic");
  auto key = request.get("key");
  if (!topic || !key) {
    return failure(request, response_code::kSystemError, "missing header fields topic, key");
  }
  std::int64_t max = request.get_int("maxNum").value_or(32);
  if (request.get_bool("_UNIQUE_KEY_QUERY").value_or(false))
    max = context_.config.default_query_max_num;
  max = std::clamp<std::int64_t>(max, 1, 64);
  const std::int64_t begin = request.get_int("beginTimestamp").value_or(0);
  const std::int64_t end =
      request.get_int("endTimestamp").value_or(std::numeric_limits<std::int64_t>::max());
  auto found =
      context_.store.lookup_by_key(*topic, *key, static_cast<std::int32_t>(max), begin, end);
  if (!found.ok() || found->empty()) {
    auto response = failure(request, response_code::kQueryNotFound,
                            "can not find message, maybe time range not correct");
    response.set("indexLastUpdateTimestamp", std::int64_t{0});
    response.set("indexLastUpdatePhyoffset", std::int64_t{0});
    return response;
  }
  std::size_t total = 0;
  for (const auto& record : found.value()) total += record.record.size();
  sdk::Bytes body(total);
  std::size_t at = 0;
  for (const auto& record : found.value()) {
    std::memcpy(body.data() + at, record.record.data(), record.record.size());
    at += record.record.size();
  }
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.set("indexLastUpdateTimestamp", wall_clock_ms());
  response.set("indexLastUpdatePhyoffset", context_.store.log_end().value());
  response.body = std::move(body);
  return response;
}

RemotingCommand AdminProcessor::all_consumer_offsets(const RemotingCommand& request) {
  return with_body(request, context_.offsets.to_json());
}

RemotingCommand AdminProcessor::all_delay_offsets(const RemotingCommand& request) {
  return with_body(request, context_.schedule ? context_.schedule->offsets_json()
                                              : std::string("{\"offsetTable\":{}}"));
}

}  // namespace mq::core
