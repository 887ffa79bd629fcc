#include "config/config_values.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace mq::core {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string quote_value(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::optional<std::int64_t> parse_int64(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;  // "+-5"
  }
  if (text.empty() || text == "-") return std::nullopt;
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) noexcept {
  if (equals_ignore_case(text, "true")) return true;
  if (equals_ignore_case(text, "false")) return false;
  return std::nullopt;
}

std::optional<double> parse_double(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  // from_chars would accept "inf" and "nan"; a decimal number starts with a digit, a point or
  // a minus sign followed by one of those.
  const std::string_view digits = text.front() == '-' ? text.substr(1) : text;
  if (digits.empty() ||
      !((digits.front() >= '0' && digits.front() <= '9') || digits.front() == '.')) {
    return std::nullopt;
  }
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_double(double value) {
  std::array<char, 64> buffer{};
  auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc()) return "0";
  return std::string(buffer.data(), ptr);
}

bool is_valid_plugin_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_host_name(std::string_view host) noexcept {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') {
    return false;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool is_ipv4_literal(std::string_view text) noexcept {
  if (text.empty() || text.size() > 15) return false;
  char buffer[16] = {};
  text.copy(buffer, text.size());
  in_addr addr{};
  return ::inet_pton(AF_INET, buffer, &addr) == 1;
}

std::string_view trim_blanks(std::string_view text) noexcept {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_trimmed(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  for (;;) {
    const std::size_t at = text.find(separator);
    items.push_back(trim_blanks(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return items;
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::optional<HostPort> parse_host_port(std::string_view text, std::string& problem) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    problem = "has no ':port'";
    return std::nullopt;
  }
  const std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.empty()) {
    problem = "has no host before ':'";
    return std::nullopt;
  }
  if (!is_valid_host_name(host)) {
    problem = "has " + quote_value(host) + ", which is not a host name or IPv4 address";
    return std::nullopt;
  }
  const auto port = parse_int64(port_text);
  if (!port) {
    problem = "has port " + quote_value(port_text) + ", which is not an integer";
    return std::nullopt;
  }
  if (*port < 1 || *port > 65535) {
    problem = "has port " + std::to_string(*port) + ", which is out of range";
    return std::nullopt;
  }
  HostPort out;
  out.host = std::string(host);
  out.port = static_cast<std::int32_t>(*port);
  return out;
}

}  // namespace mq::core
