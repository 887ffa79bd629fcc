#include "config/config_checks.h"

#include "config/config_values.h"

#include <cstdint>

namespace mq::core {
namespace {

// What is wrong with the first byte of `text` that `ok` refuses, or nullopt.
template <typename Pred>
std::optional<std::string> first_bad_character(std::string_view text, Pred ok) {
  for (const char c : text) {
    if (!ok(c)) return "contains " + quote_value(std::string_view(&c, 1));
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::string> check_broker_name(std::string_view text) {
  if (text.empty()) return "is empty";
  if (text.size() > 127) return "is longer than 127 characters";
  return first_bad_character(text, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '_' || c == '-' || c == '%' || c == '|';
  });
}

std::optional<std::string> check_optional_path(std::string_view text) {
  return first_bad_character(text, [](char c) { return c != '\0' && c != '\n' && c != '\r'; });
}

std::optional<std::string> check_path(std::string_view text) {
  if (text.empty()) return "is empty";
  return check_optional_path(text);
}

std::optional<std::string> check_delete_when(std::string_view text) {
  if (text.empty()) return "is empty";
  for (const std::string_view hour : split_trimmed(text, ';')) {
    if (hour.empty() || hour.size() > 2 || !is_digit(hour[0]) ||
        (hour.size() == 2 && !is_digit(hour[1]))) {
      return "has " + quote_value(hour) + ", which is not an hour";
    }
    const int value = hour.size() == 1 ? hour[0] - '0' : (hour[0] - '0') * 10 + (hour[1] - '0');
    if (value > 23) return "has " + quote_value(hour) + ", which is not an hour";
  }
  return std::nullopt;
}

std::optional<std::string> check_delay_levels(std::string_view text) {
  std::size_t levels = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view level = text.substr(pos, end - pos);
    pos = end;
    const char unit = level.back();
    const auto amount = parse_int64(level.substr(0, level.size() - 1));
    if ((unit != 's' && unit != 'm' && unit != 'h' && unit != 'd') || !amount || *amount < 1 ||
        *amount > 1000000 || !is_digit(level.front())) {
      return "has " + quote_value(level) + ", which is not a duration";
    }
    ++levels;
  }
  if (levels == 0) return "is empty";
  if (levels > 100) return "has more than 100 levels";
  return std::nullopt;
}

std::optional<std::string> check_plugin_name(std::string_view text) {
  if (text.empty()) return "is empty";
  if (!is_valid_plugin_name(text)) return "is not a plugin name";
  return std::nullopt;
}

std::optional<std::string> check_ipv4(std::string_view text) {
  if (!is_ipv4_literal(text)) return "is not an IPv4 address";
  return std::nullopt;
}

std::optional<std::string> check_optional_host_port(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string problem;
  if (!parse_host_port(text, problem)) return problem;
  return std::nullopt;
}

}  // namespace mq::core
