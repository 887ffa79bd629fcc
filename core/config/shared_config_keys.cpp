#include "config/shared_config_keys.h"

#include "config/config_values.h"

#include <algorithm>

namespace mq::core {

std::optional<ValueProblem> parse_plugin_list(std::string_view text,
                                              std::vector<std::string>& out) {
  const std::string allowed = "comma-separated plugin names of [a-z0-9_-]+";
  std::vector<std::string> names;
  for (const std::string_view item : split_trimmed(text, ',')) {
    if (item.empty()) {
      if (text.find_first_not_of(" \t\f,") == std::string_view::npos) {
        return ValueProblem{std::string(text), "names no plugin", allowed};
      }
      return ValueProblem{std::string(text), "has an empty item", allowed};
    }
    if (!is_valid_plugin_name(item)) {
      return ValueProblem{std::string(text),
                          "has " + quote_value(item) + ", which is not a plugin name", allowed};
    }
    if (std::find(names.begin(), names.end(), item) != names.end()) {
      return ValueProblem{std::string(text), "names " + quote_value(item) + " twice", allowed};
    }
    names.emplace_back(item);
  }
  out = std::move(names);
  return std::nullopt;
}

std::optional<std::string> normalize_log_level(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    if (lower == level) return lower;
  }
  return std::nullopt;
}

sdk::Status check_transport_consistency(const sdk::TransportOptions& transport,
                                        const KeySources& sources) {
  if (transport.write_queue_limit_bytes >= transport.max_frame_bytes) return sdk::Status::ok();
  const auto key = sources.contains(shared_keys::kWriteQueueLimitBytes)
                       ? shared_keys::kWriteQueueLimitBytes
                       : shared_keys::kFrameMaxLength;
  return config_error(
      sources.location(key), sources.written_key(key),
      {std::nullopt,
       "writeQueueLimitBytes " + std::to_string(transport.write_queue_limit_bytes) +
           " is smaller than frameMaxLength " + std::to_string(transport.max_frame_bytes),
       "writeQueueLimitBytes >= frameMaxLength"});
}

std::string default_log_dir(const ConfigEnvironment& env) {
  return join_path(env.home_dir(), "logs/rocketmqlogs");
}

}  // namespace mq::core
