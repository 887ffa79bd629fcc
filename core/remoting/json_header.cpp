#include "remoting/json_header.h"

#include "remoting/json.h"
#include "remoting/json_reader.h"

#include <limits>

namespace mq::core {

namespace {

sdk::Status header_error(std::string_view key, std::string_view what) {
  std::string message = "JSON header: ";
  message += key;
  message += ' ';
  message += what;
  return sdk::Status(sdk::StatusCode::kCorruption, std::move(message));
}

// Reads an int32 member that may be absent (keeps `out`), a number or a decimal string.
sdk::Status read_int32(const JsonValue& header, std::string_view key, std::int32_t& out) {
  const JsonValue* value = header.find(key);
  if (value == nullptr || value->is_null()) return sdk::Status::ok();
  const auto parsed = json_to_int64(*value);
  if (!parsed || *parsed < std::numeric_limits<std::int32_t>::min() ||
      *parsed > std::numeric_limits<std::int32_t>::max()) {
    return header_error(key, "is not a 32-bit integer");
  }
  out = static_cast<std::int32_t>(*parsed);
  return sdk::Status::ok();
}

sdk::Status read_language(const JsonValue& header, LanguageCode& out) {
  const JsonValue* value = header.find("language");
  if (value == nullptr || value->is_null()) return sdk::Status::ok();
  if (value->is_string()) {
    out = language_from_name(value->as_string());
    return sdk::Status::ok();
  }
  if (value->is_int()) {  // fastjson also reads an enum from its ordinal
    const std::int64_t ordinal = value->as_int();
    out = ordinal >= 0 && ordinal <= static_cast<std::int64_t>(LanguageCode::kRust)
              ? static_cast<LanguageCode>(ordinal)
              : LanguageCode::kOther;
    return sdk::Status::ok();
  }
  return header_error("language", "is neither a name nor an ordinal");
}

sdk::Status read_ext_fields(const JsonValue& header, ExtFields& out) {
  const JsonValue* value = header.find("extFields");
  if (value == nullptr || value->is_null()) return sdk::Status::ok();
  if (value->is_string() && value->as_string().empty()) return sdk::Status::ok();
  if (!value->is_object()) return header_error("extFields", "is not an object");
  for (const auto& member : value->members()) {
    auto text = json_to_text(member.value);
    if (!text) {
      out.erase(member.key);  // a later null overrides an earlier value, as in a Java map
      continue;
    }
    out.insert_or_assign(member.key, std::move(*text));
  }
  return sdk::Status::ok();
}

}  // namespace

sdk::Status decode_json_header(std::string_view text, RemotingCommand& command) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) {
    return sdk::Status(sdk::StatusCode::kCorruption, "JSON header: " + parsed.status().message());
  }
  const JsonValue& header = *parsed;
  if (!header.is_object()) return header_error("text", "is not a JSON object");

  // Absent members get the values Java's RemotingCommand has before fastjson fills it.
  command.code = 0;
  command.version = 0;
  command.opaque = 0;
  command.flag = 0;
  command.language = LanguageCode::kJava;

  if (auto s = read_int32(header, "code", command.code); !s) return s;
  if (auto s = read_int32(header, "version", command.version); !s) return s;
  if (auto s = read_int32(header, "opaque", command.opaque); !s) return s;
  if (auto s = read_int32(header, "flag", command.flag); !s) return s;
  if (auto s = read_language(header, command.language); !s) return s;

  command.remark.reset();
  if (const JsonValue* remark = header.find("remark")) {
    if (remark->is_array() || remark->is_object()) {
      return header_error("remark", "is not a string");
    }
    command.remark = json_to_text(*remark);
  }
  command.ext_fields.clear();
  return read_ext_fields(header, command.ext_fields);
}

void encode_json_header(const RemotingCommand& command, std::string& out) {
  out += "{\"code\":";
  out += std::to_string(command.code);
  if (!command.ext_fields.empty()) {
    out += ",\"extFields\":{";
    bool first = true;
    for (const auto& [key, value] : command.ext_fields) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(key, out);
      out.push_back(':');
      append_json_string(value, out);
    }
    out.push_back('}');
  }
  out += ",\"flag\":";
  out += std::to_string(command.flag);
  out += ",\"language\":";
  append_json_string(language_name(command.language), out);
  out += ",\"opaque\":";
  out += std::to_string(command.opaque);
  if (command.remark) {
    out += ",\"remark\":";
    append_json_string(*command.remark, out);
  }
  out += ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":";
  out += std::to_string(command.version);
  out.push_back('}');
}

}  // namespace mq::core
