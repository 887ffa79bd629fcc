// CommandLine: the small option parser every binary uses (RocketMQ-style short options:
// `-c FILE`, `-n ADDR`, `-p`), plus long forms (`--config FILE`).
#pragma once

#include "mq/sdk/status.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::apps {

struct OptionSpec {
  char short_name;        // 'c', or 0 for long-only
  std::string long_name;  // "config"
  bool takes_value;
  std::string value_name;  // "FILE"
  std::string help;
};

class CommandLine {
 public:
  // Parses argv[first..]. Unknown options and missing values fail with a one-line message.
  static sdk::Result<CommandLine> parse(const std::vector<OptionSpec>& specs, int argc,
                                        const char* const* argv, int first = 1);
  static std::string usage(std::string_view program, std::string_view synopsis,
                           const std::vector<OptionSpec>& specs);

  bool has(std::string_view long_name) const;
  std::optional<std::string> value(std::string_view long_name) const;
  // Every value of an option given several times (-o a=1 -o b=2), in order.
  std::vector<std::string> values(std::string_view long_name) const;
  const std::vector<std::string>& positional() const noexcept { return positional_; }

 private:
  std::multimap<std::string, std::string, std::less<>> options_;
  std::vector<std::string> positional_;
};

}  // namespace mq::apps
