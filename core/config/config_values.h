// The value syntaxes broker.properties uses (integers, booleans, host:port lists, plugin
// names ...), parsed strictly: a value either means exactly one thing or is refused. Shared by
// the core key table and the plugin key resolver.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

// `text` in single quotes, with control bytes shown as \xNN, so an error about a line of
// binary junk is still one line.
std::string quote_value(std::string_view text);

// A decimal 64-bit integer with an optional sign, as Java's Long.parseLong accepts it
// ("-12", "+7"). Nothing else: no blanks, no units, no hex. nullopt when malformed or out of
// the int64 range.
std::optional<std::int64_t> parse_int64(std::string_view text) noexcept;

// "true" or "false" in any case, as Java's Boolean.parseBoolean reads them; unlike Java,
// anything else is refused (nullopt) instead of meaning false.
std::optional<bool> parse_bool(std::string_view text) noexcept;

// A finite decimal number ("0.75", "-1e3", "+2"). nullopt for anything else, NaN and infinity
// included.
std::optional<double> parse_double(std::string_view text) noexcept;

// The text of a double that parse_double() reads back as the same value.
std::string format_double(double value);

// True for a plugin name: one or more of [a-z0-9_-]. Names are turned into file names, so
// nothing else is allowed.
bool is_valid_plugin_name(std::string_view name) noexcept;

// True for a host name or IPv4 literal as we accept them: 1..253 characters of letters,
// digits, '-', '_' and '.', not starting or ending with '.'.
bool is_valid_host_name(std::string_view host) noexcept;

// True for a dotted-quad IPv4 address ("10.0.0.7").
bool is_ipv4_literal(std::string_view text) noexcept;

// Splits on `separator`, trimming blanks around each item; empty items are kept.
std::vector<std::string_view> split_trimmed(std::string_view text, char separator);

// Text without leading and trailing blanks (space, tab, form feed).
std::string_view trim_blanks(std::string_view text) noexcept;

// `dir` + "/" + `name`, without doubling a slash `dir` already ends with.
std::string join_path(std::string_view dir, std::string_view name);

struct HostPort {
  std::string host;
  std::int32_t port = 0;
};

// Parses "host:port" with port 1..65535. On failure returns nullopt and sets `problem` to what
// is wrong, phrased to follow the quoted item ("has no ':port'").
std::optional<HostPort> parse_host_port(std::string_view text, std::string& problem);

}  // namespace mq::core
