#include "namesrv/namesrv_processor.h"

#include "common/clock.h"
#include "remoting/kv_table.h"
#include "remoting/register_broker_body.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_list.h"

#include <spdlog/logger.h>
#include <zlib.h>

#include <chrono>

namespace mq::core {
namespace {

constexpr const char* kOrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

sdk::Bytes text_body(const std::string& text) { return sdk::Bytes::copy_of(text); }

// A missing required header field: Java answers this from its header check.
struct MissingField {
  std::string name;
};

std::string required(const RemotingCommand& request, std::string_view key) {
  auto value = request.get(key);
  if (!value) throw MissingField{std::string(key)};
  return std::string(*value);
}

std::int64_t required_int(const RemotingCommand& request, std::string_view key) {
  auto value = request.get_int(key);
  if (!value) throw MissingField{std::string(key)};
  return *value;
}

}  // namespace

NamesrvProcessor::NamesrvProcessor(const NamesrvConfig& config, RouteInfoManager& routes,
                                   std::shared_ptr<spdlog::logger> logger)
    : now_ms([] { return wall_clock_ms(); }),
      config_(config),
      routes_(routes),
      logger_(std::move(logger)) {}

void NamesrvProcessor::process(const Channel& channel, RemotingCommand request, Responder respond) {
  RemotingCommand response;
  try {
    switch (request.code) {
      case request_code::kRegisterBroker:
        response = register_broker(channel, request);
        break;
      case request_code::kUnregisterBroker:
        response = unregister_broker(request);
        break;
      case request_code::kGetRouteinfoByTopic:
        response = route_by_topic(request);
        break;
      case request_code::kGetBrokerClusterInfo:
        response = broker_cluster_info(request);
        break;
      case request_code::kGetAllTopicListFromNameserver:
        response = all_topic_list(request);
        break;
      case request_code::kGetTopicsByCluster:
        response = topics_by_cluster(request);
        break;
      case request_code::kDeleteTopicInNamesrv:
        response = delete_topic(request);
        break;
      case request_code::kQueryDataVersion:
        response = query_data_version(request);
        break;
      case request_code::kWipeWritePermOfBroker:
        response = write_permission(request, false);
        break;
      case request_code::kAddWritePermOfBroker:
        response = write_permission(request, true);
        break;
      case request_code::kPutKvConfig:
        response = put_kv_config(request);
        break;
      case request_code::kGetKvConfig:
        response = get_kv_config(request);
        break;
      case request_code::kDeleteKvConfig:
        response = delete_kv_config(request);
        break;
      case request_code::kGetKvlistByNamespace:
        response = kv_list_by_namespace(request);
        break;
      default:
        response = RemotingCommand::response_to(
            request, response_code::kRequestCodeNotSupported,
            " request type " + std::to_string(request.code) + " not supported");
        break;
    }
  } catch (const MissingField& missing) {
    response = RemotingCommand::response_to(request, response_code::kSystemError,
                                            "the custom field <" + missing.name +
                                                "> is null (request code " +
                                                std::to_string(request.code) + ")");
  }
  respond(std::move(response));
}

void NamesrvProcessor::on_channel_close(const Channel& channel) {
  for (const auto& addr : routes_.on_channel_closed(channel)) {
    logger_->info("broker {} removed: its connection from {} closed", addr, channel.peer);
  }
}

RemotingCommand NamesrvProcessor::register_broker(const Channel& channel,
                                                  const RemotingCommand& request) {
  BrokerRegistration registration;
  registration.broker_name = required(request, "brokerName");
  registration.broker_addr = required(request, "brokerAddr");
  registration.cluster_name = required(request, "clusterName");
  registration.ha_server_addr = required(request, "haServerAddr");
  registration.broker_id = required_int(request, "brokerId");
  registration.channel = channel;
  const bool compressed = request.get_bool("compressed").value_or(false);
  const std::int64_t body_crc = request.get_int("bodyCrc32").value_or(0);
  if (body_crc != 0) {
    const auto crc = static_cast<std::int64_t>(
        crc32(0L, request.body.data(), static_cast<uInt>(request.body.size())) & 0x7FFFFFFF);
    if (crc != body_crc) {
      logger_->warn("register from {} refused: body crc32 {} does not match header {}",
                    channel.peer, crc, body_crc);
      return RemotingCommand::response_to(request, response_code::kSystemError, "crc32 not match");
    }
  }
  if (!request.body.empty()) {
    auto body = RegisterBrokerBody::decode(request.body.view(), compressed);
    if (!body.ok()) {
      logger_->warn("register from {} refused: {}", channel.peer, body.status().message());
      return RemotingCommand::response_to(request, response_code::kSystemError,
                                          "bad register body: " + body.status().message());
    }
    registration.data_version = body->topic_config_serialize_wrapper.data_version;
    for (auto& [name, topic] : body->topic_config_serialize_wrapper.topic_config_table) {
      registration.topics.push_back(topic);
    }
  }
  const bool known = routes_.data_version_of(registration.broker_addr).has_value();
  auto result = routes_.register_broker(registration, now_ms());
  if (!known) {
    logger_->info("new broker registered: {} {} id {} in cluster {} ({} topics), HA {}",
                  registration.broker_name, registration.broker_addr, registration.broker_id,
                  registration.cluster_name, registration.topics.size(),
                  registration.ha_server_addr);
  }

  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  if (!result.ha_server_addr.empty()) response.set("haServerAddr", result.ha_server_addr);
  if (!result.master_addr.empty()) response.set("masterAddr", result.master_addr);
  std::lock_guard lock(kv_mu_);
  auto order = kv_.find(kOrderTopicConfigNamespace);
  if (order != kv_.end() && !order->second.empty()) {
    KvTable table;
    for (const auto& [key, value] : order->second) table.table[key] = value;
    response.body = text_body(table.to_json());
  }
  return response;
}

RemotingCommand NamesrvProcessor::unregister_broker(const RemotingCommand& request) {
  const auto broker_name = required(request, "brokerName");
  const auto broker_addr = required(request, "brokerAddr");
  const auto cluster_name = required(request, "clusterName");
  const auto broker_id = required_int(request, "brokerId");
  routes_.unregister_broker(cluster_name, broker_addr, broker_name, broker_id);
  logger_->info("broker unregistered: {} {} id {} in cluster {}", broker_name, broker_addr,
                broker_id, cluster_name);
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand NamesrvProcessor::route_by_topic(const RemotingCommand& request) {
  const auto topic = required(request, "topic");
  auto route = routes_.route(topic);
  if (!route) {
    return RemotingCommand::response_to(
        request, response_code::kTopicNotExist,
        "No topic route info in name server for the topic: " + topic);
  }
  if (config_.order_message_enable) {
    std::lock_guard lock(kv_mu_);
    auto order = kv_.find(kOrderTopicConfigNamespace);
    if (order != kv_.end()) {
      auto conf = order->second.find(topic);
      if (conf != order->second.end()) route->order_topic_conf = conf->second;
    }
  }
  // Quoted integer keys only for clients that accept standard JSON (§1.5).
  const bool standard_json =
      request.version >= 401 || request.get("acceptStandardJsonOnly").value_or("") == "true";
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body =
      text_body(route->to_json(standard_json ? IntKeyStyle::kQuoted : IntKeyStyle::kUnquoted));
  return response;
}

RemotingCommand NamesrvProcessor::broker_cluster_info(const RemotingCommand& request) {
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = text_body(routes_.cluster_info().to_json());
  return response;
}

RemotingCommand NamesrvProcessor::all_topic_list(const RemotingCommand& request) {
  TopicList list;
  for (auto& topic : routes_.all_topics()) list.topic_list.insert(std::move(topic));
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = text_body(list.to_json());
  return response;
}

RemotingCommand NamesrvProcessor::topics_by_cluster(const RemotingCommand& request) {
  TopicList list;
  for (auto& topic : routes_.topics_of_cluster(required(request, "cluster"))) {
    list.topic_list.insert(std::move(topic));
  }
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = text_body(list.to_json());
  return response;
}

RemotingCommand NamesrvProcessor::delete_topic(const RemotingCommand& request) {
  const auto topic = required(request, "topic");
  routes_.delete_topic(topic, std::string(request.get("clusterName").value_or("")));
  logger_->info("topic {} deleted from the routes", topic);
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand NamesrvProcessor::query_data_version(const RemotingCommand& request) {
  const auto broker_addr = required(request, "brokerAddr");
  DataVersion version;
  if (!request.body.empty()) {
    auto parsed = DataVersion::from_json(request.body.as_string_view());
    if (!parsed.ok()) {
      return RemotingCommand::response_to(request, response_code::kSystemError,
                                          "bad DataVersion body: " + parsed.status().message());
    }
    version = parsed.value();
  }
  const bool changed = routes_.data_version_changed(broker_addr, version, now_ms());
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.set("changed", changed ? "true" : "false");
  if (auto stored = routes_.data_version_of(broker_addr)) {
    response.body = text_body(stored->to_json());
  }
  return response;
}

RemotingCommand NamesrvProcessor::write_permission(const RemotingCommand& request, bool writable) {
  const auto broker_name = required(request, "brokerName");
  const int count = routes_.set_write_permission(broker_name, writable);
  logger_->info("{} write permission of broker {} on {} topics", writable ? "added" : "wiped",
                broker_name, count);
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.set(writable ? "addTopicCount" : "wipeTopicCount", std::int64_t{count});
  return response;
}

RemotingCommand NamesrvProcessor::put_kv_config(const RemotingCommand& request) {
  const auto ns = required(request, "namespace");
  const auto key = required(request, "key");
  const auto value = required(request, "value");
  std::lock_guard lock(kv_mu_);
  kv_[ns][key] = value;
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand NamesrvProcessor::get_kv_config(const RemotingCommand& request) {
  const auto ns = required(request, "namespace");
  const auto key = required(request, "key");
  std::lock_guard lock(kv_mu_);
  auto table = kv_.find(ns);
  if (table != kv_.end()) {
    auto it = table->second.find(key);
    if (it != table->second.end()) {
      auto response = RemotingCommand::response_to(request, response_code::kSuccess);
      response.set("value", it->second);
      return response;
    }
  }
  return RemotingCommand::response_to(request, response_code::kQueryNotFound,
                                      "No config item, Namespace: " + ns + " Key: " + key);
}

RemotingCommand NamesrvProcessor::delete_kv_config(const RemotingCommand& request) {
  const auto ns = required(request, "namespace");
  const auto key = required(request, "key");
  std::lock_guard lock(kv_mu_);
  auto table = kv_.find(ns);
  if (table != kv_.end()) table->second.erase(key);
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

RemotingCommand NamesrvProcessor::kv_list_by_namespace(const RemotingCommand& request) {
  const auto ns = required(request, "namespace");
  std::lock_guard lock(kv_mu_);
  auto table = kv_.find(ns);
  if (table == kv_.end() || table->second.empty()) {
    return RemotingCommand::response_to(request, response_code::kQueryNotFound,
                                        "No config item, Namespace: " + ns);
  }
  KvTable kv;
  for (const auto& [key, value] : table->second) kv.table[key] = value;
  auto response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.body = text_body(kv.to_json());
  return response;
}

}  // namespace mq::core
