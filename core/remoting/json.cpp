#include "remoting/json.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <utility>

namespace mq::core {

// ---- JsonValue ----------------------------------------------------------------------------

JsonValue JsonValue::boolean(bool value) {
  JsonValue out;
  out.value_ = value;
  return out;
}

JsonValue JsonValue::integer(std::int64_t value) {
  JsonValue out;
  out.value_ = value;
  return out;
}

JsonValue JsonValue::number(double value) {
  JsonValue out;
  out.value_ = value;
  return out;
}

JsonValue JsonValue::string(std::string value) {
  JsonValue out;
  out.value_ = std::move(value);
  return out;
}

JsonValue JsonValue::array() { return array(Array()); }

JsonValue JsonValue::object() { return object(Object()); }

JsonValue JsonValue::array(Array items) {
  JsonValue out;
  out.value_ = std::move(items);
  return out;
}

JsonValue JsonValue::object(Object members) {
  JsonValue out;
  out.value_ = std::move(members);
  return out;
}

double JsonValue::as_double() const noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&value_)) return static_cast<double>(*i);
  return *std::get_if<double>(&value_);
}

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
  const auto* object = std::get_if<Object>(&value_);
  if (object == nullptr) return nullptr;
  for (auto it = object->rbegin(); it != object->rend(); ++it) {
    if (it->key == key) return &it->value;
  }
  return nullptr;
}

JsonValue& JsonValue::push_back(JsonValue item) {
  auto& array = items();
  array.push_back(std::move(item));
  return array.back();
}

JsonValue& JsonValue::add(std::string key, JsonValue value) {
  auto& object = members();
  object.push_back(JsonMember{std::move(key), std::move(value), JsonKeyKind::kString});
  return object.back().value;
}

JsonValue& JsonValue::add_int_key(std::int64_t key, JsonValue value) {
  auto& object = members();
  object.push_back(JsonMember{std::to_string(key), std::move(value), JsonKeyKind::kInteger});
  return object.back().value;
}

JsonValue& JsonValue::add_object_key(std::string compact_json, JsonValue value) {
  auto& object = members();
  object.push_back(JsonMember{std::move(compact_json), std::move(value), JsonKeyKind::kObject});
  return object.back().value;
}

// ---- Parser -------------------------------------------------------------------------------

namespace {

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Recursive descent with an explicit depth bound. Every method returns false after recording
// the first error; the caller then unwinds without touching the input again.
class Parser {
 public:
  Parser(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  sdk::Result<JsonValue> run() {
    JsonValue value;
    skip_whitespace();
    if (!parse_value(value, 0)) return error();
    skip_whitespace();
    if (pos_ != text_.size()) {
      fail("unexpected text after the value");
      return error();
    }
    return value;
  }

 private:
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  char peek() const noexcept { return text_[pos_]; }

  bool fail(std::string_view what) {
    if (error_.empty()) {
      error_ = what;
      error_offset_ = pos_;
    }
    return false;
  }

  sdk::Status error() const {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "JSON: " + error_ + " at offset " + std::to_string(error_offset_));
  }

  void skip_whitespace() noexcept {
    while (!at_end()) {
      const char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // `depth` is the number of containers around this value.
  bool parse_value(JsonValue& out, std::size_t depth) {
    if (at_end()) return fail("unexpected end of input, expected a value");
    switch (peek()) {
      case '{':
        if (depth >= max_depth_) return fail("nesting deeper than the limit");
        out = JsonValue::object();
        return parse_object(out.members(), depth + 1);
      case '[':
        if (depth >= max_depth_) return fail("nesting deeper than the limit");
        out = JsonValue::array();
        return parse_array(out.items(), depth + 1);
      case '"': {
        std::string text;
        if (!parse_string(text)) return false;
        out = JsonValue::string(std::move(text));
        return true;
      }
      case 't':
        return parse_literal("true", JsonValue::boolean(true), out);
      case 'f':
        return parse_literal("false", JsonValue::boolean(false), out);
      case 'n':
        return parse_literal("null", JsonValue(), out);
      default:
        if (peek() == '-' || is_digit(peek())) return parse_number(out);
        return fail("unexpected character, expected a value");
    }
  }

  bool parse_literal(std::string_view word, JsonValue value, JsonValue& out) {
    if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    out = std::move(value);
    return true;
  }

  // `depth` counts this object.
  bool parse_object(JsonValue::Object& members, std::size_t depth) {
    ++pos_;  // '{'
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_whitespace();
      JsonMember member;
      if (!parse_key(member, depth)) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return fail("expected ':' after an object key");
      ++pos_;
      skip_whitespace();
      if (!parse_value(member.value, depth)) return false;
      members.push_back(std::move(member));
      skip_whitespace();
      if (at_end()) return fail("unexpected end of input inside an object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}' in an object");
    }
  }

  bool parse_key(JsonMember& member, std::size_t depth) {
    if (at_end()) return fail("unexpected end of input, expected an object key");
    const char c = peek();
    if (c == '"') {
      member.key_kind = JsonKeyKind::kString;
      return parse_string(member.key);
    }
    if (c == '-' || is_digit(c)) {
      const std::size_t start = pos_;
      Number key;
      if (!scan_number(key)) return false;
      if (!key.is_integer) {
        pos_ = start;
        return fail("an unquoted object key must be an integer");
      }
      member.key_kind = JsonKeyKind::kInteger;
      member.key = std::to_string(key.integer);
      return true;
    }
    if (c == '{') {
      if (depth >= max_depth_) return fail("nesting deeper than the limit");
      JsonValue key = JsonValue::object();
      if (!parse_object(key.members(), depth + 1)) return false;
      member.key_kind = JsonKeyKind::kObject;
      member.key = write_json(key, JsonWriteOptions{IntKeyStyle::kUnquoted});
      return true;
    }
    return fail("expected an object key");
  }

  // `depth` counts this array.
  bool parse_array(JsonValue::Array& items, std::size_t depth) {
    ++pos_;  // '['
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_whitespace();
      JsonValue item;
      if (!parse_value(item, depth)) return false;
      items.push_back(std::move(item));
      skip_whitespace();
      if (at_end()) return fail("unexpected end of input inside an array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']' in an array");
    }
  }

  bool read_hex4(std::uint32_t& out) {
    if (text_.size() - pos_ < 4) return fail("truncated \\u escape");
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const char c = text_[pos_ + i];
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        pos_ += i;
        return fail("invalid hex digit in a \\u escape");
      }
      value = (value << 4) | digit;
    }
    pos_ += 4;
    out = value;
    return true;
  }

  // At '"'. Appends the unescaped text to `out`.
  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (at_end()) return fail("unterminated string");
      // Copy the run of plain bytes in one go.
      const std::size_t run_start = pos_;
      while (!at_end() && peek() != '"' && peek() != '\\') ++pos_;
      out.append(text_.data() + run_start, pos_ - run_start);
      if (at_end()) return fail("unterminated string");
      if (peek() == '"') {
        ++pos_;
        return true;
      }
      ++pos_;  // backslash
      if (at_end()) return fail("unterminated escape");
      const char escape = peek();
      ++pos_;
      switch (escape) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          if (!parse_unicode_escape(out)) return false;
          break;
        default:
          --pos_;
          return fail("invalid escape character");
      }
    }
  }

  // After "\u". Handles a surrogate pair spelled as two escapes.
  bool parse_unicode_escape(std::string& out) {
    std::uint32_t unit = 0;
    if (!read_hex4(unit)) return false;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      // A high surrogate: combine with a following \uDC00..\uDFFF, otherwise it is alone.
      if (text_.size() - pos_ >= 6 && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
        const std::size_t saved = pos_;
        pos_ += 2;
        std::uint32_t low = 0;
        if (!read_hex4(low)) return false;
        if (low >= 0xDC00 && low <= 0xDFFF) {
          append_utf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
          return true;
        }
        pos_ = saved;  // the next escape is parsed on its own
      }
      append_utf8(kReplacementCharacter, out);
      return true;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      append_utf8(kReplacementCharacter, out);
      return true;
    }
    append_utf8(unit, out);
    return true;
  }

  struct Number {
    bool is_integer = true;  // no fraction and no exponent
    std::int64_t integer = 0;
    double real = 0;
  };

  // Scans the number at pos_ (which starts with '-' or a digit).
  bool scan_number(Number& out) {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (at_end() || !is_digit(peek())) return fail("expected a digit");
    if (peek() == '0' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])) {
      return fail("leading zero in a number");
    }
    // Accumulate the magnitude; remember overflow but keep scanning to find the token's end.
    std::uint64_t magnitude = 0;
    bool overflow = false;
    constexpr std::uint64_t kMaxMagnitude =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
    while (!at_end() && is_digit(peek())) {
      const auto digit = static_cast<std::uint64_t>(peek() - '0');
      if (magnitude > (kMaxMagnitude - digit) / 10) overflow = true;
      if (!overflow) magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    bool is_integer = true;
    if (!at_end() && peek() == '.') {
      is_integer = false;
      ++pos_;
      if (at_end() || !is_digit(peek())) return fail("expected a digit after '.'");
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      is_integer = false;
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (at_end() || !is_digit(peek())) return fail("expected a digit in an exponent");
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (is_integer) {
      if (overflow || (!negative && magnitude == kMaxMagnitude)) {
        pos_ = start;
        return fail("integer does not fit in 64 bits");
      }
      out.is_integer = true;
      out.integer = negative ? static_cast<std::int64_t>(0 - magnitude)
                             : static_cast<std::int64_t>(magnitude);
      return true;
    }
    double value = 0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
      pos_ = start;
      return fail("number out of range");
    }
    out.is_integer = false;
    out.real = value;
    return true;
  }

  bool parse_number(JsonValue& out) {
    Number number;
    if (!scan_number(number)) return false;
    out = number.is_integer ? JsonValue::integer(number.integer) : JsonValue::number(number.real);
    return true;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  std::string error_;
  std::size_t error_offset_ = 0;
};

// ---- Writer -------------------------------------------------------------------------------

void append_int(std::int64_t value, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_double(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_value(const JsonValue& value, std::string& out, const JsonWriteOptions& options) {
  switch (value.type()) {
    case JsonType::kNull:
      out += "null";
      return;
    case JsonType::kBool:
      out += value.as_bool() ? "true" : "false";
      return;
    case JsonType::kInt:
      append_int(value.as_int(), out);
      return;
    case JsonType::kDouble:
      append_double(value.as_double(), out);
      return;
    case JsonType::kString:
      append_json_string(value.as_string(), out);
      return;
    case JsonType::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.items()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(item, out, options);
      }
      out.push_back(']');
      return;
    }
    case JsonType::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& member : value.members()) {
        if (!first) out.push_back(',');
        first = false;
        switch (member.key_kind) {
          case JsonKeyKind::kString:
            append_json_string(member.key, out);
            break;
          case JsonKeyKind::kInteger:
            if (options.int_keys == IntKeyStyle::kQuoted) {
              append_json_string(member.key, out);
            } else {
              out += member.key;
            }
            break;
          case JsonKeyKind::kObject:
            out += member.key;
            break;
        }
        out.push_back(':');
        append_value(member.value, out, options);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

sdk::Result<JsonValue> parse_json(std::string_view text, std::size_t max_depth) {
  return Parser(text, max_depth).run();
}

std::string write_json(const JsonValue& value, JsonWriteOptions options) {
  std::string out;
  append_value(value, out, options);
  return out;
}

void append_json(const JsonValue& value, std::string& out, JsonWriteOptions options) {
  append_value(value, out, options);
}

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  std::size_t start = 0;  // the run of bytes that need no escaping, appended in one go
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.data() + start, i - start);
    start = i + 1;
    if (byte == '"' || byte == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(byte));
    } else {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  out.append(text.data() + start, text.size() - start);
  out.push_back('"');
}

std::optional<std::string> json_to_text(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::kNull:
      return std::nullopt;
    case JsonType::kBool:
      return std::string(value.as_bool() ? "true" : "false");
    case JsonType::kInt:
      return std::to_string(value.as_int());
    case JsonType::kDouble: {
      const double d = value.as_double();
      // 2^63 is exactly representable; anything below it in magnitude converts safely.
      constexpr double kLimit = 9223372036854775808.0;
      std::string out;
      if (std::isfinite(d) && std::trunc(d) == d && d < kLimit && d >= -kLimit) {
        append_int(static_cast<std::int64_t>(d), out);
      } else {
        append_double(d, out);
      }
      return out;
    }
    case JsonType::kString:
      return value.as_string();
    case JsonType::kArray:
    case JsonType::kObject:
      return write_json(value, JsonWriteOptions{IntKeyStyle::kUnquoted});
  }
  return std::nullopt;
}

}  // namespace mq::core
