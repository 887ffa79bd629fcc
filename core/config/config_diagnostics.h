// ConfigDiagnostics: what parsing a configuration had to say besides success or the one-line
// error: warnings the operator should act on and notes worth an info-level log line.
#pragma once

#include <string>
#include <vector>

namespace mq::core {

struct ConfigDiagnostics {
  // Unknown keys (with the closest known key), legacy spellings, duplicated keys, values that
  // were adjusted (clamped or rounded as RocketMQ does), syntax oddities. One line each,
  // starting with "FILE:LINE: ".
  std::vector<std::string> warnings;
  // RocketMQ keys accepted for compatibility and ignored (each with the reason), and file
  // values replaced by command-line overrides. One line each.
  std::vector<std::string> notes;
};

}  // namespace mq::core
