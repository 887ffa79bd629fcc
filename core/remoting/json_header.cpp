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

// The fast path: one pass over the header as every known client writes it, without building
// a JSON tree. It takes only the plain shapes — keys without escapes, strings without control
// characters or surrogate escapes, integers
// without fraction or exponent, true/false/null, extFields as a flat object, each top-level
// member once — and gives up (false) on anything else, which the full parser then decides. Both
// paths fill `command` the same way for every header the fast one takes.
class SimpleHeaderScanner {
 public:
  explicit SimpleHeaderScanner(std::string_view text) : text_(text) {}

  bool scan(RemotingCommand& command) {
    command.code = 0;
    command.version = 0;
    command.opaque = 0;
    command.flag = 0;
    command.language = LanguageCode::kJava;
    command.remark.reset();
    command.ext_fields.clear();
    unsigned seen = 0;
    if (!consume('{')) return false;
    if (consume('}')) return at_end();
    do {
      std::string_view key;
      if (!string(key, false) || !consume(':')) return false;
      const unsigned bit = bit_of(key);
      if ((seen & bit) != 0) return false;
      seen |= bit;
      if (key == "extFields") {
        if (!ext_fields(command.ext_fields)) return false;
        continue;
      }
      Token value;
      if (!scalar(value)) return false;
      if (key == "code" || key == "version" || key == "opaque" || key == "flag") {
        std::int32_t number = 0;
        if (value.kind == Token::kNull) continue;
        if (value.kind != Token::kInt || !int32(value.text, number)) return false;
        (key == "code"      ? command.code
         : key == "version" ? command.version
         : key == "opaque"  ? command.opaque
                            : command.flag) = number;
      } else if (key == "language") {
        if (value.kind == Token::kString) {
          command.language = language_from_name(value.text);
        } else if (value.kind != Token::kNull) {
          return false;
        }
      } else if (key == "remark") {
        if (value.kind == Token::kString) {
          command.remark = std::string(value.text);
        } else if (value.kind != Token::kNull) {
          return false;
        }
      }
    } while (consume(','));
    return consume('}') && at_end();
  }

 private:
  struct Token {
    enum Kind { kString, kInt, kTrue, kFalse, kNull } kind = kNull;
    std::string_view text;
  };

  static unsigned bit_of(std::string_view key) {
    static constexpr std::string_view kKeys[] = {
        "code",     "version", "opaque",    "flag",
        "language", "remark",  "extFields", "serializeTypeCurrentRPC"};
    for (unsigned i = 0; i < std::size(kKeys); ++i) {
      if (kKeys[i] == key) return 1u << i;
    }
    return 0;  // unknown members are ignored, so a repeat does not matter
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }
  // A string without control characters. Plain strings are views into the text; a string with
  // escapes is decoded into `scratch_` (valid until the next string). Surrogate escapes and
  // unknown escapes are left to the general parser.
  bool string(std::string_view& out, bool escapes_allowed = true) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    const std::size_t begin = ++pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        out = text_.substr(begin, pos_ - begin);
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!escapes_allowed) return false;
        scratch_.assign(text_.data() + begin, pos_ - begin);
        return escaped_rest(out);
      }
      if (c < 0x20) return false;
      ++pos_;
    }
    return false;
  }
  bool escaped_rest(std::string_view& out) {
    while (pos_ < text_.size()) {
      // The run of characters up to the next quote, escape or control character, in one go.
      std::size_t run = pos_;
      while (run < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      scratch_.append(text_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= text_.size()) return false;
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') {
        out = scratch_;
        return true;
      }
      if (c < 0x20) return false;
      // c is the backslash of an escape.
      if (pos_ >= text_.size()) return false;
      switch (text_[pos_++]) {
        case '"':
          scratch_.push_back('"');
          break;
        case '\\':
          scratch_.push_back('\\');
          break;
        case '/':
          scratch_.push_back('/');
          break;
        case 'b':
          scratch_.push_back('\b');
          break;
        case 'f':
          scratch_.push_back('\f');
          break;
        case 'n':
          scratch_.push_back('\n');
          break;
        case 'r':
          scratch_.push_back('\r');
          break;
        case 't':
          scratch_.push_back('\t');
          break;
        case 'u': {
          std::uint32_t unit = 0;
          for (int i = 0; i < 4; ++i, ++pos_) {
            if (pos_ >= text_.size()) return false;
            const char h = text_[pos_];
            const int digit = h >= '0' && h <= '9'   ? h - '0'
                              : h >= 'a' && h <= 'f' ? h - 'a' + 10
                              : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                     : -1;
            if (digit < 0) return false;
            unit = unit * 16 + static_cast<std::uint32_t>(digit);
          }
          if (unit >= 0xD800 && unit <= 0xDFFF) return false;
          if (unit < 0x80) {
            scratch_.push_back(static_cast<char>(unit));
          } else if (unit < 0x800) {
            scratch_.push_back(static_cast<char>(0xC0 | (unit >> 6)));
            scratch_.push_back(static_cast<char>(0x80 | (unit & 0x3F)));
          } else {
            scratch_.push_back(static_cast<char>(0xE0 | (unit >> 12)));
            scratch_.push_back(static_cast<char>(0x80 | ((unit >> 6) & 0x3F)));
            scratch_.push_back(static_cast<char>(0x80 | (unit & 0x3F)));
          }
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  bool scalar(Token& out) {
    skip_space();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '"') {
      out.kind = Token::kString;
      return string(out.text);
    }
    if (c == 't') return (out.kind = Token::kTrue, word("true"));
    if (c == 'f') return (out.kind = Token::kFalse, word("false"));
    if (c == 'n') return (out.kind = Token::kNull, word("null"));
    // -?(0|[1-9][0-9]*), at most 18 digits, not "-0": its text is what std::to_string gives.
    const std::size_t begin = pos_;
    if (text_[pos_] == '-') ++pos_;
    const std::size_t digits = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    const std::size_t count = pos_ - digits;
    if (count == 0 || count > 18 || (text_[digits] == '0' && (count > 1 || digits > begin))) {
      return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return false;
    }
    out.kind = Token::kInt;
    out.text = text_.substr(begin, pos_ - begin);
    return true;
  }
  static bool int32(std::string_view text, std::int32_t& out) {
    std::int64_t value = 0;
    const bool negative = text.front() == '-';
    for (char c : text.substr(negative ? 1 : 0)) value = value * 10 + (c - '0');
    if (negative) value = -value;
    if (value < std::numeric_limits<std::int32_t>::min() ||
        value > std::numeric_limits<std::int32_t>::max()) {
      return false;
    }
    out = static_cast<std::int32_t>(value);
    return true;
  }
  bool ext_fields(ExtFields& out) {
    skip_space();
    if (word("null")) return true;
    if (!consume('{')) return false;
    if (consume('}')) return true;
    do {
      std::string_view key;
      Token value;
      if (!string(key, false) || !consume(':') || !scalar(value)) return false;
      switch (value.kind) {
        case Token::kNull:
          out.erase(key);  // a later null overrides an earlier value, as in a Java map
          break;
        case Token::kTrue:
          out.insert_or_assign(key, std::string("true"));
          break;
        case Token::kFalse:
          out.insert_or_assign(key, std::string("false"));
          break;
        default:
          out.insert_or_assign(key, std::string(value.text));
      }
    } while (consume(','));
    return consume('}');
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string scratch_;
};

}  // namespace

sdk::Status decode_json_header(std::string_view text, RemotingCommand& command) {
  if (SimpleHeaderScanner(text).scan(command)) return sdk::Status::ok();
  return decode_json_header_general(text, command);
}

sdk::Status decode_json_header_general(std::string_view text, RemotingCommand& command) {
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
