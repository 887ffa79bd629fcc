#include "common/command_line.h"

namespace mq::apps {

sdk::Result<CommandLine> CommandLine::parse(const std::vector<OptionSpec>& specs, int argc,
                                            const char* const* argv, int first) {
  CommandLine out;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      out.positional_.emplace_back(arg);
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (arg.substr(0, 2) == "--") {
      std::string_view name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string_view::npos) {
        inline_value = std::string(name.substr(eq + 1));
        name = name.substr(0, eq);
      }
      for (const auto& candidate : specs) {
        if (candidate.long_name == name) spec = &candidate;
      }
    } else if (arg.size() == 2) {
      for (const auto& candidate : specs) {
        if (candidate.short_name == arg[1]) spec = &candidate;
      }
    }
    if (spec == nullptr) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "unknown option '" + std::string(arg) + "' (see -h)");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return sdk::Status(
            sdk::StatusCode::kInvalidArgument,
            "option '" + std::string(arg) + "' needs a value (" + spec->value_name + ")");
      }
    }
    out.options_.emplace(spec->long_name, std::move(value));
  }
  return out;
}

std::string CommandLine::usage(std::string_view program, std::string_view synopsis,
                               const std::vector<OptionSpec>& specs) {
  std::string text = "usage: " + std::string(program) + " " + std::string(synopsis) + "\n";
  for (const auto& spec : specs) {
    std::string left = "  ";
    if (spec.short_name) {
      left += "-";
      left += spec.short_name;
      left += ", ";
    } else {
      left += "    ";
    }
    left += "--" + spec.long_name;
    if (spec.takes_value) left += " " + spec.value_name;
    if (left.size() < 30) left.resize(30, ' ');
    text += left + " " + spec.help + "\n";
  }
  return text;
}

bool CommandLine::has(std::string_view long_name) const { return options_.count(long_name) > 0; }

std::optional<std::string> CommandLine::value(std::string_view long_name) const {
  auto range = options_.equal_range(long_name);
  if (range.first == range.second) return std::nullopt;
  return std::prev(range.second)->second;  // the last one wins
}

std::vector<std::string> CommandLine::values(std::string_view long_name) const {
  std::vector<std::string> out;
  auto range = options_.equal_range(long_name);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

}  // namespace mq::apps
