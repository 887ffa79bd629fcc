#include "remoting/topic_route_data.h"

#include "remoting/json_reader.h"

#include <utility>

namespace mq::core {

std::string TopicRouteData::to_json(IntKeyStyle key_style) const {
  JsonValue out = JsonValue::object();
  JsonValue& brokers = out.add("brokerDatas", JsonValue::array());
  for (const auto& broker : broker_datas) brokers.push_back(broker.to_json_value());
  JsonValue& filters = out.add("filterServerTable", JsonValue::object());
  for (const auto& [addr, servers] : filter_server_table) {
    JsonValue& list = filters.add(addr, JsonValue::array());
    for (const auto& server : servers) list.push_back(JsonValue::string(server));
  }
  if (order_topic_conf) out.add("orderTopicConf", JsonValue::string(*order_topic_conf));
  JsonValue& queues = out.add("queueDatas", JsonValue::array());
  for (const auto& queue : queue_datas) queues.push_back(queue.to_json_value());
  return write_json(out, JsonWriteOptions{key_style});
}

sdk::Result<TopicRouteData> TopicRouteData::from_json_value(const JsonValue& value) {
  TopicRouteData out;
  JsonFieldReader reader(value, "TopicRouteData");
  reader.read("orderTopicConf", out.order_topic_conf);
  if (const JsonValue* queues = reader.member("queueDatas")) {
    if (!queues->is_array()) {
      reader.fail("queueDatas", "expected an array");
    } else {
      for (const auto& item : queues->items()) {
        auto queue = QueueData::from_json_value(item);
        if (!queue.ok()) return queue.status();
        out.queue_datas.push_back(std::move(*queue));
      }
    }
  }
  if (const JsonValue* brokers = reader.member("brokerDatas")) {
    if (!brokers->is_array()) {
      reader.fail("brokerDatas", "expected an array");
    } else {
      for (const auto& item : brokers->items()) {
        auto broker = BrokerData::from_json_value(item);
        if (!broker.ok()) return broker.status();
        out.broker_datas.push_back(std::move(*broker));
      }
    }
  }
  if (const JsonValue* filters = reader.member("filterServerTable")) {
    if (!filters->is_object()) {
      reader.fail("filterServerTable", "expected an object");
    } else {
      for (const auto& member : filters->members()) {
        std::vector<std::string> servers;
        if (!member.value.is_null() && !json_to_string_list(member.value, servers)) {
          reader.fail("filterServerTable", "expected arrays of addresses");
          break;
        }
        out.filter_server_table.insert_or_assign(member.key, std::move(servers));
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<TopicRouteData> TopicRouteData::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

IntKeyStyle route_key_style(const RemotingCommand& request) {
  if (request.version >= kVersionStandardRouteJson) return IntKeyStyle::kQuoted;
  return request.get_bool("acceptStandardJsonOnly").value_or(false) ? IntKeyStyle::kQuoted
                                                                    : IntKeyStyle::kUnquoted;
}

}  // namespace mq::core
