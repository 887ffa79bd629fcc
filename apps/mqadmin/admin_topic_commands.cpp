// mqadmin topic and group commands: topicStatus, updateTopic, deleteTopic, updateSubGroup,
// consumerProgress (remoting-protocol.md §3.10, §4.7).
#include "admin_context.h"

#include "common/app_support.h"
#include "remoting/json.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_config.h"
#include "remoting/topic_route_data.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <tuple>

namespace mq::apps {
namespace {

// An integer option, or `fallback` when absent. nullopt (after printing the usage) when the
// text is not an integer.
std::optional<std::int64_t> int_option(AdminContext& ctx, std::string_view name,
                                       std::int64_t fallback, int* exit_code) {
  auto text = ctx.value(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    *exit_code =
        ctx.usage_error("--" + std::string(name) + " expects an integer, got '" + *text + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> bool_option(AdminContext& ctx, std::string_view name, bool fallback,
                                int* exit_code) {
  auto text = ctx.value(name);
  if (!text) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  *exit_code = ctx.usage_error("--" + std::string(name) + " expects true or false");
  return std::nullopt;
}

// The target brokers of -b ADDR or -c CLUSTER as (name, address); exactly one must be given.
std::optional<std::vector<std::pair<std::string, std::string>>> targets(AdminContext& ctx,
                                                                        int* exit_code) {
  auto broker = ctx.value("brokerAddr");
  auto cluster = ctx.value("clusterName");
  if (broker.has_value() == cluster.has_value()) {
    *exit_code = ctx.usage_error("give either -b BROKER_ADDR or -c CLUSTER");
    return std::nullopt;
  }
  if (broker) return std::vector<std::pair<std::string, std::string>>{{*broker, *broker}};
  auto masters = ctx.masters(*cluster);
  if (!masters.ok()) {
    *exit_code = ctx.fail(masters.status().message());
    return std::nullopt;
  }
  if (masters->empty()) {
    *exit_code = ctx.fail("cluster " + *cluster + " has no master broker");
    return std::nullopt;
  }
  return masters.value();
}

// A MessageQueue object key of a fastjson table ({"brokerName":..,"queueId":..,"topic":..}).
struct QueueKey {
  std::string broker_name;
  std::int64_t queue_id = 0;
  std::string topic;
  auto tie() const { return std::tie(topic, broker_name, queue_id); }
  bool operator<(const QueueKey& other) const { return tie() < other.tie(); }
};

std::optional<QueueKey> parse_queue_key(const core::JsonMember& member) {
  auto key = core::parse_json(member.key);
  if (!key.ok() || !key->is_object()) return std::nullopt;
  QueueKey out;
  if (const auto* v = key->find("brokerName"); v && v->is_string())
    out.broker_name = v->as_string();
  if (const auto* v = key->find("queueId"); v && v->is_int()) out.queue_id = v->as_int();
  if (const auto* v = key->find("topic"); v && v->is_string()) out.topic = v->as_string();
  return out;
}

std::int64_t int_member(const core::JsonValue& object, std::string_view name) {
  const auto* v = object.find(name);
  if (v == nullptr) return 0;
  if (v->is_int()) return v->as_int();
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return 0;
}

}  // namespace

int topic_status(AdminContext& ctx) {
  auto topic = ctx.value("topic");
  if (!topic) return ctx.usage_error("topicStatus needs -t TOPIC");
  auto request = core::RemotingCommand::request(core::request_code::kGetRouteinfoByTopic);
  request.set("topic", *topic);
  auto response = ctx.call_namesrv(request);
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  auto route = core::TopicRouteData::from_json(response->body.as_string_view());
  if (!route.ok()) return ctx.fail("cannot read the route: " + route.status().message());
  std::map<QueueKey, std::tuple<std::int64_t, std::int64_t, std::int64_t>> rows;
  for (const auto& broker : route->broker_datas) {
    auto master = broker.broker_addrs.find(core::kMasterBrokerId);
    if (master == broker.broker_addrs.end()) continue;
    auto stats = core::RemotingCommand::request(core::request_code::kGetTopicStatsInfo);
    stats.set("topic", *topic);
    auto answer = ctx.call(master->second, stats);
    if (!answer.ok()) return ctx.fail(answer.status().message());
    if (answer->code != core::response_code::kSuccess) return ctx.refused(answer.value());
    auto json = core::parse_json(answer->body.as_string_view());
    if (!json.ok()) return ctx.fail("cannot read the topic stats: " + json.status().message());
    const auto* table = json->find("offsetTable");
    if (table == nullptr || !table->is_object()) continue;
    for (const auto& member : table->members()) {
      auto key = parse_queue_key(member);
      if (!key) continue;
      rows[*key] = {int_member(member.value, "minOffset"), int_member(member.value, "maxOffset"),
                    int_member(member.value, "lastUpdateTimestamp")};
    }
  }
  std::printf("%-32s  %-4s  %-20s  %-20s  %s\n", "#Broker Name", "#QID", "#Min Offset",
              "#Max Offset", "#Last Updated");
  for (const auto& [key, row] : rows) {
    std::printf("%-32s  %-4lld  %-20lld  %-20lld  %lld\n", key.broker_name.c_str(),
                static_cast<long long>(key.queue_id), static_cast<long long>(std::get<0>(row)),
                static_cast<long long>(std::get<1>(row)), static_cast<long long>(std::get<2>(row)));
  }
  return 0;
}

int update_topic(AdminContext& ctx) {
  int code = 0;
  auto topic = ctx.value("topic");
  if (!topic) return ctx.usage_error("updateTopic needs -t TOPIC");
  auto read = int_option(ctx, "readQueueNums", 8, &code);
  if (!read) return code;
  auto write = int_option(ctx, "writeQueueNums", 8, &code);
  if (!write) return code;
  auto perm = int_option(ctx, "perm", core::kPermRead | core::kPermWrite, &code);
  if (!perm) return code;
  auto order = bool_option(ctx, "order", false, &code);
  if (!order) return code;
  auto brokers = targets(ctx, &code);
  if (!brokers) return code;
  core::TopicConfig config;
  config.topic_name = *topic;
  config.read_queue_nums = static_cast<std::int32_t>(*read);
  config.write_queue_nums = static_cast<std::int32_t>(*write);
  config.perm = static_cast<std::int32_t>(*perm);
  config.order = *order;
  for (const auto& [name, addr] : *brokers) {
    auto request = core::RemotingCommand::request(core::request_code::kUpdateAndCreateTopic);
    request.set("topic", *topic);
    request.set("defaultTopic", std::string("TBW102"));
    request.set("readQueueNums", *read);
    request.set("writeQueueNums", *write);
    request.set("perm", *perm);
    request.set("topicFilterType", std::string("SINGLE_TAG"));
    request.set("topicSysFlag", std::int64_t{0});
    request.set("order", std::string(*order ? "true" : "false"));
    auto response = ctx.call(addr, request);
    if (!response.ok()) return ctx.fail(response.status().message());
    if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
    std::printf("create topic to %s success.\n", addr.c_str());
  }
  std::printf("%s\n", config.to_json().c_str());
  return 0;
}

int delete_topic(AdminContext& ctx) {
  auto topic = ctx.value("topic");
  auto cluster = ctx.value("clusterName");
  if (!topic || !cluster) return ctx.usage_error("deleteTopic needs -c CLUSTER and -t TOPIC");
  auto masters = ctx.masters(*cluster);
  if (!masters.ok()) return ctx.fail(masters.status().message());
  for (const auto& [name, addr] : masters.value()) {
    auto request = core::RemotingCommand::request(core::request_code::kDeleteTopicInBroker);
    request.set("topic", *topic);
    auto response = ctx.call(addr, request);
    if (!response.ok()) return ctx.fail(response.status().message());
    if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  }
  for (const auto& addr : ctx.namesrv_addrs()) {
    auto request = core::RemotingCommand::request(core::request_code::kDeleteTopicInNamesrv);
    request.set("topic", *topic);
    request.set("clusterName", *cluster);
    auto response = ctx.call(addr, request);
    if (!response.ok()) return ctx.fail(response.status().message());
    if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  }
  std::printf("delete topic [%s] from cluster [%s] success.\n", topic->c_str(), cluster->c_str());
  std::printf("delete topic [%s] from NameServer success.\n", topic->c_str());
  return 0;
}

int update_sub_group(AdminContext& ctx) {
  int code = 0;
  auto group = ctx.value("groupName");
  if (!group) return ctx.usage_error("updateSubGroup needs -g GROUP");
  auto retry_queues = int_option(ctx, "retryQueueNums", 1, &code);
  if (!retry_queues) return code;
  auto retry_max = int_option(ctx, "retryMaxTimes", 16, &code);
  if (!retry_max) return code;
  auto consume_enable = bool_option(ctx, "consumeEnable", true, &code);
  if (!consume_enable) return code;
  auto brokers = targets(ctx, &code);
  if (!brokers) return code;
  // SubscriptionGroupConfig, members in Java's alphabetical order.
  core::JsonValue body = core::JsonValue::object();
  body.add("brokerId", core::JsonValue::integer(0));
  body.add("consumeBroadcastEnable", core::JsonValue::boolean(true));
  body.add("consumeEnable", core::JsonValue::boolean(*consume_enable));
  body.add("consumeFromMinEnable", core::JsonValue::boolean(true));
  body.add("groupName", core::JsonValue::string(*group));
  body.add("notifyConsumerIdsChangedEnable", core::JsonValue::boolean(true));
  body.add("retryMaxTimes", core::JsonValue::integer(*retry_max));
  body.add("retryQueueNums", core::JsonValue::integer(*retry_queues));
  body.add("whichBrokerWhenConsumeSlowly", core::JsonValue::integer(1));
  const std::string text = core::write_json(body);
  for (const auto& [name, addr] : *brokers) {
    auto request =
        core::RemotingCommand::request(core::request_code::kUpdateAndCreateSubscriptiongroup);
    request.body = sdk::Bytes::copy_of(text);
    auto response = ctx.call(addr, request);
    if (!response.ok()) return ctx.fail(response.status().message());
    if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
    std::printf("create subscription group to %s success.\n", addr.c_str());
  }
  std::printf("%s\n", text.c_str());
  return 0;
}

int consumer_progress(AdminContext& ctx) {
  auto group = ctx.value("groupName");
  if (!group) return ctx.usage_error("consumerProgress needs -g GROUP");
  auto masters = ctx.masters("");
  if (!masters.ok()) return ctx.fail(masters.status().message());
  struct Row {
    std::int64_t broker_offset, consumer_offset;
  };
  std::map<QueueKey, Row> rows;
  double tps = 0;
  for (const auto& [name, addr] : masters.value()) {
    auto request = core::RemotingCommand::request(core::request_code::kGetConsumeStats);
    request.set("consumerGroup", *group);
    auto response = ctx.call(addr, request);
    if (!response.ok()) return ctx.fail(response.status().message());
    if (response->code != core::response_code::kSuccess) continue;  // group unknown there
    auto json = core::parse_json(response->body.as_string_view());
    if (!json.ok()) return ctx.fail("cannot read the consume stats: " + json.status().message());
    if (const auto* v = json->find("consumeTps"); v && v->is_number()) tps += v->as_double();
    const auto* table = json->find("offsetTable");
    if (table == nullptr || !table->is_object()) continue;
    for (const auto& member : table->members()) {
      auto key = parse_queue_key(member);
      if (!key) continue;
      rows[*key] =
          Row{int_member(member.value, "brokerOffset"), int_member(member.value, "consumerOffset")};
    }
  }
  if (rows.empty()) return ctx.fail("no broker knows consumer group " + *group);
  std::printf("%-32s  %-32s  %-4s  %-20s  %-20s  %s\n", "#Topic", "#Broker Name", "#QID",
              "#Broker Offset", "#Consumer Offset", "#Diff");
  std::int64_t total = 0;
  for (const auto& [key, row] : rows) {
    const std::int64_t diff = row.broker_offset - row.consumer_offset;
    total += diff;
    std::printf("%-32s  %-32s  %-4lld  %-20lld  %-20lld  %lld\n", key.topic.c_str(),
                key.broker_name.c_str(), static_cast<long long>(key.queue_id),
                static_cast<long long>(row.broker_offset),
                static_cast<long long>(row.consumer_offset), static_cast<long long>(diff));
  }
  std::printf("\nConsume TPS: %.2f\nDiff Total: %lld\n", tps, static_cast<long long>(total));
  return 0;
}

}  // namespace mq::apps
