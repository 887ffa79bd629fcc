#include "remoting/kv_table.h"

#include "remoting/json_reader.h"

namespace mq::core {

std::string KvTable::to_json() const {
  JsonValue out = JsonValue::object();
  JsonValue& entries = out.add("table", JsonValue::object());
  for (const auto& [key, value] : table) entries.add(key, JsonValue::string(value));
  return write_json(out);
}

sdk::Result<KvTable> KvTable::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  KvTable out;
  JsonFieldReader reader(*parsed, "KVTable");
  if (const JsonValue* entries = reader.member("table")) {
    if (!entries->is_object()) {
      reader.fail("table", "expected an object");
    } else {
      for (const auto& member : entries->members()) {
        if (member.value.is_array() || member.value.is_object()) {
          reader.fail("table", "value of '" + member.key + "' is not a string");
          break;
        }
        auto value = json_to_text(member.value);
        if (value) out.table.insert_or_assign(member.key, std::move(*value));
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

}  // namespace mq::core
