#include "config/config_key_builders.h"

namespace mq::core {

std::string integer_range_text(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) {
    return "an integer >= " + std::to_string(min);
  }
  return std::to_string(min) + ".." + std::to_string(max);
}

std::string join_names(const std::vector<std::string_view>& names, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += separator;
    out += names[i];
  }
  return out;
}

}  // namespace mq::core
