// ConfigKeyInfo: one declared key as documentation and listings show it.
#pragma once

#include <string>
#include <vector>

namespace mq::core {

struct ConfigKeyInfo {
  std::string name;
  std::vector<std::string> legacy_aliases;  // accepted with a warning
  std::vector<std::string> synonyms;        // accepted silently
  std::string type;                         // int, bool, string, enum, list, path, ignored
  std::string default_value;                // the value, or how it is derived ("listenPort + 1")
  std::string allowed;                      // what errors say is allowed
  std::string description;
  std::string ignored_reason;  // non-empty for RocketMQ keys accepted and ignored
};

}  // namespace mq::core
