#include "remoting/json_reader.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace mq::core {

std::optional<std::int64_t> parse_decimal_int64(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

std::optional<std::int64_t> json_to_int64(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::kInt:
      return value.as_int();
    case JsonType::kDouble: {
      const double d = value.as_double();
      constexpr double kLimit = 9223372036854775808.0;  // 2^63
      if (!std::isfinite(d) || std::trunc(d) != d || d >= kLimit || d < -kLimit) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(d);
    }
    case JsonType::kString:
      return parse_decimal_int64(value.as_string());
    default:
      return std::nullopt;
  }
}

bool json_to_string_list(const JsonValue& value, std::vector<std::string>& out) {
  if (!value.is_array()) return false;
  for (const auto& item : value.items()) {
    if (item.is_null()) continue;
    if (!item.is_string() && !item.is_number()) return false;
    out.push_back(json_to_text(item).value_or(std::string()));
  }
  return true;
}

namespace {

std::optional<std::int32_t> json_to_int32(const JsonValue& value) {
  const auto parsed = json_to_int64(value);
  if (!parsed || *parsed < std::numeric_limits<std::int32_t>::min() ||
      *parsed > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*parsed);
}

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<bool> json_to_bool(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::kBool:
      return value.as_bool();
    case JsonType::kInt:
      if (value.as_int() == 0 || value.as_int() == 1) return value.as_int() == 1;
      return std::nullopt;
    case JsonType::kString:
      if (equals_ignore_case(value.as_string(), "true")) return true;
      if (equals_ignore_case(value.as_string(), "false")) return false;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

JsonFieldReader::JsonFieldReader(const JsonValue& object, std::string_view context)
    : object_(object), context_(context) {
  if (!object.is_object()) {
    status_ = sdk::Status(sdk::StatusCode::kCorruption, context_ + ": expected a JSON object");
  }
}

const JsonValue* JsonFieldReader::member(std::string_view key) const {
  if (!ok()) return nullptr;
  const JsonValue* value = object_.find(key);
  if (value == nullptr || value->is_null()) return nullptr;
  return value;
}

void JsonFieldReader::fail(std::string_view key, std::string_view what) {
  if (!ok()) return;
  std::string message = context_;
  message += '.';
  message += key;
  message += ": ";
  message += what;
  status_ = sdk::Status(sdk::StatusCode::kCorruption, std::move(message));
}

void JsonFieldReader::read(std::string_view key, std::string& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  if (value->is_array() || value->is_object()) return fail(key, "expected a string");
  out = json_to_text(*value).value_or(std::string());
}

void JsonFieldReader::read(std::string_view key, std::optional<std::string>& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  if (value->is_array() || value->is_object()) return fail(key, "expected a string");
  out = json_to_text(*value);
}

void JsonFieldReader::read(std::string_view key, std::int64_t& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  const auto parsed = json_to_int64(*value);
  if (!parsed) return fail(key, "expected a 64-bit integer");
  out = *parsed;
}

void JsonFieldReader::read(std::string_view key, std::int32_t& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  const auto parsed = json_to_int32(*value);
  if (!parsed) return fail(key, "expected a 32-bit integer");
  out = *parsed;
}

void JsonFieldReader::read(std::string_view key, bool& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  const auto parsed = json_to_bool(*value);
  if (!parsed) return fail(key, "expected a boolean");
  out = *parsed;
}

void JsonFieldReader::read(std::string_view key, std::vector<std::string>& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  if (!json_to_string_list(*value, out)) fail(key, "expected an array of strings");
}

void JsonFieldReader::read(std::string_view key, std::vector<std::int32_t>& out) {
  const JsonValue* value = member(key);
  if (value == nullptr) return;
  if (!value->is_array()) return fail(key, "expected an array of integers");
  for (const auto& item : value->items()) {
    if (item.is_null()) continue;
    const auto parsed = json_to_int32(item);
    if (!parsed) return fail(key, "expected an array of 32-bit integers");
    out.push_back(*parsed);
  }
}

}  // namespace mq::core
