#include "broker/client_manage_processor.h"

#include "broker/consumer_manager.h"
#include "broker/consumer_offset_table.h"
#include "broker/producer_manager.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "common/clock.h"
#include "net/remoting_server.h"
#include "remoting/heartbeat_data.h"
#include "remoting/json.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <chrono>

namespace mq::core {
namespace {

RemotingCommand missing(const RemotingCommand& request, const char* fields) {
  return RemotingCommand::response_to(request, response_code::kSystemError,
                                      std::string("missing header fields: ") + fields);
}

RemotingCommand with_offset(const RemotingCommand& request, std::int64_t offset) {
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.set("offset", offset);
  return response;
}

}  // namespace

RemotingCommand ClientManageProcessor::heartbeat(const Channel& channel,
                                                 const RemotingCommand& request) {
  auto data = HeartbeatData::from_json(request.body.as_string_view());
  if (!data.ok()) {
    return RemotingCommand::response_to(request, response_code::kSystemError,
                                        "bad heartbeat body: " + data.status().message());
  }
  ClientChannelInfo client;
  client.channel = channel;
  client.client_id = data->client_id;
  client.language = request.language;
  client.version = request.version;
  client.last_update_ms = wall_clock_ms();
  for (const auto& consumer : data->consumer_data_set) {
    auto group = context_.groups.find_or_create(consumer.group_name);
    if (group) {
      const std::string retry = retry_topic_of(consumer.group_name);
      if (!context_.topics.find(retry)) {
        sender_.ensure_system_topic(retry, std::max(1, group->retry_queue_nums));
      }
    }
    const bool changed = context_.consumers.register_consumer(
        consumer.group_name, client, consumer.consume_type, consumer.message_model,
        consumer.consume_from_where, consumer.subscription_data_set, client.last_update_ms);
    if (changed) {
      context_.logger->info("consumer group {} changed: {} from {}", consumer.group_name,
                            client.client_id, channel.peer);
      if (context_.config.notify_consumer_ids_changed_enable &&
          (!group || group->notify_consumer_ids_changed_enable)) {
        notify_consumer_ids_changed(consumer.group_name);
      }
    }
  }
  for (const auto& producer : data->producer_data_set) {
    context_.producers.register_producer(producer.group_name, client);
  }
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

void ClientManageProcessor::notify_consumer_ids_changed(const std::string& group) {
  if (context_.server == nullptr) return;
  for (const auto& channel : context_.consumers.channels(group)) {
    auto notify = RemotingCommand::request(request_code::kNotifyConsumerIdsChanged);
    notify.set("consumerGroup", group);
    auto status = context_.server->send_oneway(channel, std::move(notify));
    if (!status) {
      context_.logger->debug("notify {} of group {} failed: {}", channel.peer, group,
                             status.to_string());
    }
  }
}

RemotingCommand ClientManageProcessor::unregister_client(const Channel& channel,
                                                         const RemotingCommand& request) {
  if (auto group = request.get("consumerGroup"); group && !group->empty()) {
    if (context_.consumers.unregister_consumer(std::string(*group), channel)) {
      context_.logger->info("consumer {} left group {}", request.get("clientID").value_or(""),
                            *group);
      auto config = context_.groups.find(*group);
      if (context_.config.notify_consumer_ids_changed_enable &&
          (!config || config->notify_consumer_ids_changed_enable)) {
        notify_consumer_ids_changed(std::string(*group));
      }
    }
  }
  if (auto group = request.get("producerGroup"); group && !group->empty()) {
    context_.producers.unregister_producer(std::string(*group), channel);
  }
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand ClientManageProcessor::consumer_list(const RemotingCommand& request) {
  auto group = request.get("consumerGroup");
  if (!group) return missing(request, "consumerGroup");
  auto ids = context_.consumers.consumer_ids(*group);
  if (ids.empty()) {
    return RemotingCommand::response_to(request, response_code::kSystemError,
                                        "no consumer for this group, " + std::string(*group));
  }
  JsonValue list = JsonValue::array();
  for (auto& id : ids) list.push_back(JsonValue::string(std::move(id)));
  JsonValue body = JsonValue::object();
  body.add("consumerIdList", std::move(list));
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = sdk::Bytes::copy_of(write_json(body));
  return response;
}

RemotingCommand ClientManageProcessor::query_consumer_offset(const RemotingCommand& request) {
  auto group = request.get("consumerGroup");
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  if (!group || !topic || !queue) return missing(request, "consumerGroup, topic, queueId");
  const auto queue_id = static_cast<std::int32_t>(*queue);
  auto stored = context_.offsets.query(*group, *topic, queue_id);
  if (stored && *stored >= 0) return with_offset(request, *stored);
  // A queue whose first message is still there: a new group starts at its beginning.
  const std::string topic_name(*topic);
  if (context_.store.min_offset(topic_name, queue_id).value() <= 0) {
    return with_offset(request, 0);
  }
  return RemotingCommand::response_to(request, response_code::kQueryNotFound,
                                      "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot "
                                      "first");
}

RemotingCommand ClientManageProcessor::update_consumer_offset(const RemotingCommand& request) {
  auto group = request.get("consumerGroup");
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  auto offset = request.get_int("commitOffset");
  if (!group || !topic || !queue || !offset) {
    return missing(request, "consumerGroup, topic, queueId, commitOffset");
  }
  if (!context_.is_slave()) {
    context_.offsets.commit(*group, *topic, static_cast<std::int32_t>(*queue), *offset);
  }
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand ClientManageProcessor::max_offset(const RemotingCommand& request) {
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  if (!topic || !queue) return missing(request, "topic, queueId");
  return with_offset(
      request,
      context_.store.max_offset(std::string(*topic), static_cast<std::int32_t>(*queue)).value());
}

RemotingCommand ClientManageProcessor::min_offset(const RemotingCommand& request) {
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  if (!topic || !queue) return missing(request, "topic, queueId");
  return with_offset(
      request,
      context_.store.min_offset(std::string(*topic), static_cast<std::int32_t>(*queue)).value());
}

RemotingCommand ClientManageProcessor::search_offset(const RemotingCommand& request) {
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  auto timestamp = request.get_int("timestamp");
  if (!topic || !queue || !timestamp) return missing(request, "topic, queueId, timestamp");
  return with_offset(request, context_.store
                                  .offset_by_time(std::string(*topic),
                                                  static_cast<std::int32_t>(*queue), *timestamp)
                                  .value());
}

RemotingCommand ClientManageProcessor::earliest_store_time(const RemotingCommand& request) {
  auto topic = request.get("topic");
  auto queue = request.get_int("queueId");
  if (!topic || !queue) return missing(request, "topic, queueId");
  const std::string topic_name(*topic);
  const auto queue_id = static_cast<std::int32_t>(*queue);
  const auto min = context_.store.min_offset(topic_name, queue_id);
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.set("timestamp", context_.store.store_time(topic_name, queue_id, min));
  return response;
}

}  // namespace mq::core
