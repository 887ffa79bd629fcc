#include "config/properties_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <system_error>
#include <utility>

namespace mq::core {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }
bool is_line_end(char c) { return c == '\n' || c == '\r'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads the four hex digits of a `\uXXXX` escape starting at text[pos]; -1 when malformed.
std::int32_t read_u_escape(std::string_view text, std::size_t pos) {
  if (pos + 4 > text.size()) return -1;
  std::int32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const int digit = hex_digit(text[pos + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Turns the raw text of a key or value into its meaning (escapes resolved). With
// `trim_trailing`, trailing whitespace that was not escaped is dropped. Malformed `\u`
// escapes are kept as written and counted in *malformed.
std::string unescape(std::string_view raw, bool trim_trailing, int* malformed) {
  std::string out;
  out.reserve(raw.size());
  std::size_t keep = 0;  // out.size() after the last character that must be kept
  std::size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c != '\\') {
      out += c;
      ++i;
      if (!is_blank(c)) keep = out.size();
      continue;
    }
    if (i + 1 >= raw.size()) {  // a lone trailing backslash means nothing
      ++i;
      continue;
    }
    const char e = raw[i + 1];
    i += 2;
    switch (e) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const std::int32_t unit = read_u_escape(raw, i);
        if (unit < 0) {
          ++*malformed;
          out += "\\u";
          break;
        }
        i += 4;
        std::uint32_t cp = static_cast<std::uint32_t>(unit);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate pairs with an immediately following `\uDC00`..`\uDFFF`.
          std::int32_t low = -1;
          if (i + 1 < raw.size() && raw[i] == '\\' && raw[i + 1] == 'u')
            low = read_u_escape(raw, i + 2);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;  // a low surrogate on its own
        }
        append_utf8(out, cp);
        break;
      }
      default:
        out += e;
        break;
    }
    keep = out.size();
  }
  if (trim_trailing) out.resize(keep);
  return out;
}

// Consumes one line ending (LF, CRLF or CR) at text[pos], if there is one.
std::size_t skip_line_end(std::string_view text, std::size_t pos) {
  if (pos < text.size() && text[pos] == '\r') {
    ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
  } else if (pos < text.size() && text[pos] == '\n') {
    ++pos;
  }
  return pos;
}

// True when `segment` ends in an odd number of backslashes (the line continues).
bool ends_in_continuation(std::string_view segment) {
  std::size_t count = 0;
  for (std::size_t i = segment.size(); i > 0 && segment[i - 1] == '\\'; --i) ++count;
  return count % 2 == 1;
}

}  // namespace

std::string entry_location(const PropertyEntry& entry) {
  if (entry.line <= 0) return entry.file;
  return entry.file + ":" + std::to_string(entry.line);
}

sdk::Result<PropertiesFile> PropertiesFile::load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    const std::string reason = std::error_code(err, std::generic_category()).message();
    if (err == ENOENT || err == ENOTDIR) {
      return sdk::Status(sdk::StatusCode::kNotFound, "cannot read " + path + ": " + reason);
    }
    return sdk::Status(sdk::StatusCode::kIoError, "cannot read " + path + ": " + reason);
  }
  if (S_ISDIR(st.st_mode)) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot read " + path + ": it is a directory, not a properties file");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    return sdk::Status(
        sdk::StatusCode::kIoError,
        "cannot read " + path + ": " + std::error_code(err, std::generic_category()).message());
  }
  std::string text;
  char buffer[16384];
  bool too_big = false;
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    text.append(buffer, n);
    if (text.size() > kMaxFileBytes) {
      too_big = true;
      break;
    }
    if (n < sizeof buffer) break;
  }
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (too_big) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot read " + path + ": larger than " +
                           std::to_string(kMaxFileBytes / (1024 * 1024)) +
                           " MiB; is it really a properties file?");
  }
  if (failed) {
    return sdk::Status(
        sdk::StatusCode::kIoError,
        "cannot read " + path + ": " + std::error_code(err, std::generic_category()).message());
  }
  return parse(text, path);
}

PropertiesFile PropertiesFile::parse(std::string_view text, std::string file_name) {
  PropertiesFile out;
  out.file_name_ = file_name;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    while (pos < text.size() && is_blank(text[pos])) ++pos;
    if (pos >= text.size()) break;
    if (is_line_end(text[pos])) {  // blank line
      pos = skip_line_end(text, pos);
      ++line;
      continue;
    }
    if (text[pos] == '#' || text[pos] == '!') {  // comments never continue
      while (pos < text.size() && !is_line_end(text[pos])) ++pos;
      pos = skip_line_end(text, pos);
      ++line;
      continue;
    }

    // Gather one logical line, joining continued natural lines.
    const int first_line = line;
    std::string logical;
    for (;;) {
      const std::size_t start = pos;
      while (pos < text.size() && !is_line_end(text[pos])) ++pos;
      std::string_view segment = text.substr(start, pos - start);
      const bool at_end = pos >= text.size();
      pos = skip_line_end(text, pos);
      if (!at_end) ++line;
      if (!ends_in_continuation(segment)) {
        logical.append(segment);
        break;
      }
      segment.remove_suffix(1);
      logical.append(segment);
      if (at_end) break;
      while (pos < text.size() && is_blank(text[pos])) ++pos;
    }

    // Split into key and value as java.util.Properties does.
    std::size_t key_end = 0;
    std::size_t value_start = logical.size();
    bool has_separator = false;
    bool escaped = false;
    for (; key_end < logical.size(); ++key_end) {
      const char c = logical[key_end];
      if (!escaped && (c == '=' || c == ':')) {
        value_start = key_end + 1;
        has_separator = true;
        break;
      }
      if (!escaped && is_blank(c)) {
        value_start = key_end + 1;
        break;
      }
      escaped = (c == '\\') ? !escaped : false;
    }
    while (value_start < logical.size()) {
      const char c = logical[value_start];
      if (!is_blank(c)) {
        if (has_separator || (c != '=' && c != ':')) break;
        has_separator = true;
      }
      ++value_start;
    }

    int malformed = 0;
    PropertyEntry entry;
    entry.key = unescape(std::string_view(logical).substr(0, key_end), false, &malformed);
    entry.value = unescape(std::string_view(logical).substr(value_start), true, &malformed);
    entry.file = file_name;
    entry.line = first_line;
    if (malformed > 0) {
      out.warnings_.push_back(entry_location(entry) +
                              ": malformed \\uXXXX escape (four hex digits expected); kept as "
                              "written");
    }
    out.add_parsed(std::move(entry));
  }
  return out;
}

void PropertiesFile::add_parsed(PropertyEntry entry) {
  auto it = index_.find(entry.key);
  if (it == index_.end()) {
    index_.emplace(entry.key, entries_.size());
    entries_.push_back(std::move(entry));
    return;
  }
  duplicates_.push_back(std::move(entries_[it->second]));
  entries_[it->second] = std::move(entry);
}

const PropertyEntry* PropertiesFile::find(std::string_view key) const noexcept {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

void PropertiesFile::set(PropertyEntry entry) {
  auto it = index_.find(entry.key);
  if (it == index_.end()) {
    index_.emplace(entry.key, entries_.size());
    entries_.push_back(std::move(entry));
    return;
  }
  entries_[it->second] = std::move(entry);
}

std::string escape_property_text(std::string_view text, bool is_key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (byte < 0x20 || byte == 0x7F) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      continue;
    }
    const bool edge_blank = c == ' ' && (i == 0 || i + 1 == text.size());
    const bool key_special =
        is_key && (c == '=' || c == ':' || c == ' ' || (i == 0 && (c == '#' || c == '!')));
    if (edge_blank || key_special) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace mq::core
