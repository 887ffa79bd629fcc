#include "remoting/heartbeat_data.h"

#include "remoting/json_reader.h"

#include <utility>

namespace mq::core {

std::string HeartbeatData::to_json() const {
  JsonValue out = JsonValue::object();
  out.add("clientID", JsonValue::string(client_id));
  JsonValue& consumers = out.add("consumerDataSet", JsonValue::array());
  for (const auto& consumer : consumer_data_set) consumers.push_back(consumer.to_json_value());
  JsonValue& producers = out.add("producerDataSet", JsonValue::array());
  for (const auto& producer : producer_data_set) {
    JsonValue& item = producers.push_back(JsonValue::object());
    item.add("groupName", JsonValue::string(producer.group_name));
  }
  return write_json(out);
}

sdk::Result<HeartbeatData> HeartbeatData::from_json_value(const JsonValue& value) {
  HeartbeatData out;
  JsonFieldReader reader(value, "HeartbeatData");
  reader.read("clientID", out.client_id);
  if (const JsonValue* producers = reader.member("producerDataSet")) {
    if (!producers->is_array()) {
      reader.fail("producerDataSet", "expected an array");
    } else {
      for (const auto& item : producers->items()) {
        ProducerData producer;
        JsonFieldReader item_reader(item, "ProducerData");
        item_reader.read("groupName", producer.group_name);
        if (!item_reader.ok()) return item_reader.status();
        out.producer_data_set.push_back(std::move(producer));
      }
    }
  }
  if (const JsonValue* consumers = reader.member("consumerDataSet")) {
    if (!consumers->is_array()) {
      reader.fail("consumerDataSet", "expected an array");
    } else {
      for (const auto& item : consumers->items()) {
        auto consumer = ConsumerData::from_json_value(item);
        if (!consumer.ok()) return consumer.status();
        out.consumer_data_set.push_back(std::move(*consumer));
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<HeartbeatData> HeartbeatData::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

}  // namespace mq::core
