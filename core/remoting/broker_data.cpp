#include "remoting/broker_data.h"

#include "remoting/json_reader.h"

namespace mq::core {

JsonValue BrokerData::to_json_value() const {
  JsonValue out = JsonValue::object();
  JsonValue& addrs = out.add("brokerAddrs", JsonValue::object());
  for (const auto& [id, addr] : broker_addrs) addrs.add_int_key(id, JsonValue::string(addr));
  out.add("brokerName", JsonValue::string(broker_name));
  out.add("cluster", JsonValue::string(cluster));
  return out;
}

sdk::Result<BrokerData> BrokerData::from_json_value(const JsonValue& value) {
  BrokerData out;
  JsonFieldReader reader(value, "BrokerData");
  reader.read("cluster", out.cluster);
  reader.read("brokerName", out.broker_name);
  if (const JsonValue* addrs = reader.member("brokerAddrs")) {
    if (!addrs->is_object()) {
      reader.fail("brokerAddrs", "expected an object");
    } else {
      for (const auto& member : addrs->members()) {
        const auto id = parse_decimal_int64(member.key);
        if (!id) {
          reader.fail("brokerAddrs", "key '" + member.key + "' is not a broker id");
          break;
        }
        if (member.value.is_null()) continue;
        if (!member.value.is_string()) {
          reader.fail("brokerAddrs", "address is not a string");
          break;
        }
        out.broker_addrs.insert_or_assign(*id, member.value.as_string());
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

}  // namespace mq::core
