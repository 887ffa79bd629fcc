#include "remoting/cluster_info.h"

#include "remoting/json_reader.h"

#include <utility>
#include <vector>

namespace mq::core {

std::string ClusterInfo::to_json(IntKeyStyle key_style) const {
  JsonValue out = JsonValue::object();
  JsonValue& brokers = out.add("brokerAddrTable", JsonValue::object());
  for (const auto& [name, data] : broker_addr_table) brokers.add(name, data.to_json_value());
  JsonValue& clusters = out.add("clusterAddrTable", JsonValue::object());
  for (const auto& [cluster, names] : cluster_addr_table) {
    JsonValue& list = clusters.add(cluster, JsonValue::array());
    for (const auto& name : names) list.push_back(JsonValue::string(name));
  }
  return write_json(out, JsonWriteOptions{key_style});
}

sdk::Result<ClusterInfo> ClusterInfo::from_json_value(const JsonValue& value) {
  ClusterInfo out;
  JsonFieldReader reader(value, "ClusterInfo");
  if (const JsonValue* brokers = reader.member("brokerAddrTable")) {
    if (!brokers->is_object()) {
      reader.fail("brokerAddrTable", "expected an object");
    } else {
      for (const auto& member : brokers->members()) {
        if (member.value.is_null()) continue;
        auto data = BrokerData::from_json_value(member.value);
        if (!data.ok()) return data.status();
        out.broker_addr_table.insert_or_assign(member.key, std::move(*data));
      }
    }
  }
  if (const JsonValue* clusters = reader.member("clusterAddrTable")) {
    if (!clusters->is_object()) {
      reader.fail("clusterAddrTable", "expected an object");
    } else {
      for (const auto& member : clusters->members()) {
        std::vector<std::string> names;
        if (!member.value.is_null() && !json_to_string_list(member.value, names)) {
          reader.fail("clusterAddrTable", "expected arrays of broker names");
          break;
        }
        auto& set = out.cluster_addr_table[member.key];
        set.clear();
        set.insert(names.begin(), names.end());
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<ClusterInfo> ClusterInfo::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

}  // namespace mq::core
