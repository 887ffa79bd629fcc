// JSON values for the RocketMQ/fastjson dialect (remoting-protocol.md §1.5 and §4).
//
// parse_json() accepts standard JSON plus what fastjson writes: object keys that are unquoted
// integers ({0:"10.0.0.5:10911"}) and object keys that are objects themselves
// ({{"brokerName":"b","queueId":0,"topic":"T"}:{...}}). Integers are kept exactly as int64;
// a number with a fraction or an exponent is a double. write_json() writes compact JSON with no
// whitespace, as Java does. Objects keep their members in the order parsed or added and nothing
// here sorts them: writers of Java-compatible bodies add members in alphabetical order.
//
// Values are plain data: copyable, movable, not thread-safe to mutate concurrently.
#pragma once

#include "mq/sdk/status.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mq::core {

enum class JsonType : std::uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

// How an object member's key is spelled.
enum class JsonKeyKind : std::uint8_t {
  kString,   // "name": the key holds the unescaped text
  kInteger,  // 0: or "0": (see IntKeyStyle); the key holds canonical decimal text
  kObject,   // {"topic":"T"}: the key holds the compact JSON text of that object
};

// How write_json() spells kInteger keys: standard quoted "0": or fastjson's legacy 0:.
enum class IntKeyStyle : std::uint8_t { kQuoted, kUnquoted };

// Arrays, objects and object keys nested deeper than this fail to parse.
inline constexpr std::size_t kJsonMaxDepth = 64;

struct JsonMember;

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::vector<JsonMember>;

  JsonValue() noexcept = default;  // null

  static JsonValue boolean(bool value);
  static JsonValue integer(std::int64_t value);
  static JsonValue number(double value);
  static JsonValue string(std::string value);
  // (No default arguments here: they would need ~Object while JsonMember is incomplete.)
  static JsonValue array();
  static JsonValue array(Array items);
  static JsonValue object();
  static JsonValue object(Object members);

  JsonType type() const noexcept { return static_cast<JsonType>(value_.index()); }
  bool is_null() const noexcept { return type() == JsonType::kNull; }
  bool is_bool() const noexcept { return type() == JsonType::kBool; }
  bool is_int() const noexcept { return type() == JsonType::kInt; }
  bool is_double() const noexcept { return type() == JsonType::kDouble; }
  bool is_number() const noexcept { return is_int() || is_double(); }
  bool is_string() const noexcept { return type() == JsonType::kString; }
  bool is_array() const noexcept { return type() == JsonType::kArray; }
  bool is_object() const noexcept { return type() == JsonType::kObject; }

  // Typed access. REQUIRES: the matching type (as_double() also takes kInt).
  bool as_bool() const noexcept { return *std::get_if<bool>(&value_); }
  std::int64_t as_int() const noexcept { return *std::get_if<std::int64_t>(&value_); }
  double as_double() const noexcept;
  const std::string& as_string() const noexcept { return *std::get_if<std::string>(&value_); }
  const Array& items() const noexcept { return *std::get_if<Array>(&value_); }
  Array& items() noexcept { return *std::get_if<Array>(&value_); }
  const Object& members() const noexcept { return *std::get_if<Object>(&value_); }
  Object& members() noexcept { return *std::get_if<Object>(&value_); }

  // The member whose key text equals `key`, whichever way the key was spelled (so "0" finds
  // both 0: and "0":). With duplicate keys the last one wins, as in fastjson. nullptr when
  // there is no such member or this is not an object.
  const JsonValue* find(std::string_view key) const noexcept;

  // Builders. REQUIRES: is_array() for push_back, is_object() for the add_* calls.
  // Each returns a reference to the stored value, valid until the container next grows.
  JsonValue& push_back(JsonValue item);
  JsonValue& add(std::string key, JsonValue value);
  JsonValue& add_int_key(std::int64_t key, JsonValue value);
  JsonValue& add_object_key(std::string compact_json, JsonValue value);

 private:
  // The alternatives are in JsonType order, so index() is the type.
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> value_;
};

struct JsonMember {
  std::string key;
  JsonValue value;
  JsonKeyKind key_kind = JsonKeyKind::kString;
};

// Parses exactly one JSON value; whitespace may surround it (a trailing "\n" is common).
// On success the whole input was consumed. On failure returns kCorruption
// "JSON: <what is wrong> at offset <byte offset>". Never reads outside `text`; recursion is
// bounded by `max_depth` containers (object keys included).
// Strings: every escape of RFC 8259, \uXXXX surrogate pairs become one UTF-8 sequence, a lone
// surrogate becomes U+FFFD; raw bytes (including control characters) are kept as they are.
// Numbers: integers that do not fit int64, and doubles outside the double range, fail.
sdk::Result<JsonValue> parse_json(std::string_view text, std::size_t max_depth = kJsonMaxDepth);

struct JsonWriteOptions {
  IntKeyStyle int_keys = IntKeyStyle::kQuoted;
};

// Compact JSON: no whitespace, U+0000..U+001F escaped as \u00XX, '"' and '\' escaped, every
// other byte copied unchanged. Doubles use the shortest text that reads back to the same value
// (always with a '.' or an exponent); NaN and infinities are written as null.
std::string write_json(const JsonValue& value, JsonWriteOptions options = {});
void append_json(const JsonValue& value, std::string& out, JsonWriteOptions options = {});
// Appends `text` as a quoted, escaped JSON string.
void append_json_string(std::string_view text, std::string& out);

// The text a Java client would have sent for this value in a String field: strings as they
// are, integers in plain decimal (never an exponent), doubles with an integral value in the
// int64 range as integers and other doubles in shortest form, booleans as true/false, arrays
// and objects as compact JSON. nullopt for null.
std::optional<std::string> json_to_text(const JsonValue& value);

}  // namespace mq::core
