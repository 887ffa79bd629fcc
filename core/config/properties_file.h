// PropertiesFile: a RocketMQ/Java-style .properties file, with file and line kept per entry.
//
// Syntax, as java.util.Properties reads it: `key=value` (also `key: value` and `key value`),
// `#` and `!` comment lines, blank lines skipped, leading whitespace skipped. A line ending in
// an odd number of backslashes continues on the next line (whose leading whitespace is
// dropped). Escapes: `\t` `\n` `\r` `\f`, `\uXXXX` (UTF-16, written out as UTF-8), and `\x`
// for any other x means x (so `\=`, `\:`, `\ ` and `\\` put those characters into a key or a
// value). Line endings may be LF, CRLF or CR; a leading UTF-8 byte order mark is skipped.
//
// Where we differ from Java, on purpose: unescaped trailing whitespace of a value is trimmed
// (an invisible trailing blank after `SLAVE` is a classic operator mistake), the file is read
// as UTF-8 bytes rather than ISO-8859-1 (bytes pass through unchanged), and a malformed
// `\uXXXX` is kept as written with a warning instead of failing the whole file.
//
// For a duplicated key the last one wins (as java.util.Properties does) and the earlier ones
// are reported in duplicates(). Any input, including binary junk, parses without crashing.
//
// Thread-safety: a PropertiesFile is a value; const methods may be called concurrently.
#pragma once

#include "mq/sdk/status.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mq::core {

struct PropertyEntry {
  std::string key;
  std::string value;
  std::string file;  // as given to load()/parse(), "<command line>" for -o overrides
  int line = 0;      // 1-based; 0 when the entry did not come from a file line
};

// "broker-a.properties:61", or just the file part ("<command line>") when line is 0.
std::string entry_location(const PropertyEntry& entry);

class PropertiesFile {
 public:
  // Files larger than this are refused by load(): no real properties file comes near it.
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

  // Reads `path`. kNotFound when it does not exist; kIoError when it cannot be read, is a
  // directory or is larger than kMaxFileBytes; messages name the path and the reason.
  static sdk::Result<PropertiesFile> load(const std::string& path);
  // Parses `text` as if it were the contents of `file_name`. Never fails.
  static PropertiesFile parse(std::string_view text, std::string file_name);

  // The name given to load() or parse().
  const std::string& file_name() const noexcept { return file_name_; }
  // The effective entries (last occurrence of each key), in order of first appearance; each
  // carries the line of its last occurrence.
  const std::vector<PropertyEntry>& entries() const noexcept { return entries_; }
  // Earlier occurrences that a later line overrode, in the order they were overridden.
  const std::vector<PropertyEntry>& duplicates() const noexcept { return duplicates_; }
  // Syntax problems that did not stop parsing, one line each ("FILE:LINE: ...").
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  const PropertyEntry* find(std::string_view key) const noexcept;
  // Sets or replaces `key` (used for command-line overrides). A replaced entry keeps its
  // position and is not reported as a duplicate.
  void set(PropertyEntry entry);

 private:
  // Adds an entry read from the file: a repeated key replaces the earlier one, which is moved
  // to duplicates_.
  void add_parsed(PropertyEntry entry);

  std::string file_name_;
  std::vector<PropertyEntry> entries_;
  std::vector<PropertyEntry> duplicates_;
  std::vector<std::string> warnings_;
  // Hashes std::string and std::string_view alike, so find() does not allocate.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> index_;  // key -> entries_
};

// Escapes `text` so that a properties reader gives it back unchanged: backslashes, control
// characters, a leading blank and, for keys, `=`, `:`, `#`, `!` and blanks.
std::string escape_property_text(std::string_view text, bool is_key);

}  // namespace mq::core
