#include "remoting/data_version.h"

#include "remoting/json_reader.h"

namespace mq::core {

JsonValue DataVersion::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("counter", JsonValue::integer(counter));
  out.add("timestamp", JsonValue::integer(timestamp));
  return out;
}

std::string DataVersion::to_json() const { return write_json(to_json_value()); }

sdk::Result<DataVersion> DataVersion::from_json_value(const JsonValue& value) {
  DataVersion out;
  JsonFieldReader reader(value, "DataVersion");
  reader.read("counter", out.counter);
  reader.read("timestamp", out.timestamp);
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<DataVersion> DataVersion::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

}  // namespace mq::core
