// DataVersion: the version stamp of a broker's topic configuration (remoting-protocol.md §4.3,
// §4.4). The nameserver compares it to decide whether a registration changed anything.
//
// JSON: {"counter":12,"timestamp":1700000000000}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace mq::core {

struct DataVersion {
  std::int64_t counter = 0;    // bumped on every change
  std::int64_t timestamp = 0;  // ms since the epoch of the last change

  // A new version after a change at `now_ms` (Java's nextVersion()).
  void next_version(std::int64_t now_ms) noexcept {
    timestamp = now_ms;
    ++counter;
  }

  friend bool operator==(const DataVersion&, const DataVersion&) = default;

  JsonValue to_json_value() const;
  std::string to_json() const;
  // Absent members keep their defaults; on failure returns kCorruption naming the member.
  static sdk::Result<DataVersion> from_json_value(const JsonValue& value);
  static sdk::Result<DataVersion> from_json(std::string_view text);
};

}  // namespace mq::core
