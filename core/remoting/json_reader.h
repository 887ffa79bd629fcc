// JsonFieldReader: typed reads of an object's members for the body parsers (§4), in one place
// that decides which JSON types a Java (fastjson) field would have accepted.
//
// Usage: construct over the value that should be an object, read each field, then check
// status(). Absent and null members leave the target unchanged, so it keeps its default, as a
// Java field would. The first member of an unusable type records a kCorruption status naming
// "<context>.<key>"; every later read is then skipped.
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

class JsonFieldReader {
 public:
  // Records a failure at once when `object` is not a JSON object.
  JsonFieldReader(const JsonValue& object, std::string_view context);

  // Strings accept any scalar (json_to_text); int fields accept integers, integral doubles
  // and decimal strings in range; bool fields accept booleans, "true"/"false" in any case,
  // and the integers 1/0.
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, std::optional<std::string>& out);
  void read(std::string_view key, std::int64_t& out);
  void read(std::string_view key, std::int32_t& out);
  void read(std::string_view key, bool& out);
  // Arrays: every item converted as for the scalar field above; null items are skipped.
  // The items are appended to `out`.
  void read(std::string_view key, std::vector<std::string>& out);
  void read(std::string_view key, std::vector<std::int32_t>& out);

  // The member named `key` unless it is absent or null (or an earlier read failed).
  const JsonValue* member(std::string_view key) const;

  // Records a failure found by the caller's own checks ("<context>.<key>: <what>").
  void fail(std::string_view key, std::string_view what);

  bool ok() const noexcept { return status_.is_ok(); }
  const sdk::Status& status() const noexcept { return status_; }

 private:
  const JsonValue& object_;
  std::string context_;
  sdk::Status status_;
};

// Conversions shared by JsonFieldReader and the codec. Each returns nullopt when `value` is
// of a type or range that the target cannot take.
std::optional<std::int64_t> json_to_int64(const JsonValue& value);
std::optional<bool> json_to_bool(const JsonValue& value);
// Appends the items of an array of strings or numbers as text; null items are skipped.
// Returns false, with `out` partly filled, when `value` is not such an array.
bool json_to_string_list(const JsonValue& value, std::vector<std::string>& out);
// Parses a whole string as a decimal int64 (an optional '+' or '-', then digits).
std::optional<std::int64_t> parse_decimal_int64(std::string_view text) noexcept;

}  // namespace mq::core
