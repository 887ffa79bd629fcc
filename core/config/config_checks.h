// Validators for the text-valued keys (names, paths, schedules) shared by the broker and
// name-server key tables. Each returns what is wrong with the value, phrased to follow the
// quoted value ("contains ' '"), or nullopt when it is acceptable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mq::core {

// brokerClusterName, brokerName: 1..127 characters of A-Z a-z 0-9 . _ - % | (they also name
// topics the broker registers).
inline constexpr std::string_view kBrokerNameAllowed =
    "1 to 127 characters from A-Z a-z 0-9 . _ - % |";
std::optional<std::string> check_broker_name(std::string_view text);

// A file or directory path: not empty, no NUL or line-break bytes.
inline constexpr std::string_view kPathAllowed =
    "a path (a relative one is taken from the working directory)";
std::optional<std::string> check_path(std::string_view text);

// A path that may also be empty (pluginDir: empty means "next to the executable").
std::optional<std::string> check_optional_path(std::string_view text);

// deleteWhen: hours of the day, "04" or "04;16" (each 0..23, one or two digits).
inline constexpr std::string_view kDeleteWhenAllowed =
    "hours of the day 00..23 separated by ';', such as 04 or 04;16";
std::optional<std::string> check_delete_when(std::string_view text);

// messageDelayLevel: blank-separated durations of 1..3600 seconds, minutes, hours or days
// ("1s 5s 1m 2h 1d"), at most 100 levels.
inline constexpr std::string_view kDelayLevelAllowed =
    "durations such as 1s 5s 1m 2h 1d separated by blanks";
std::optional<std::string> check_delay_levels(std::string_view text);

// A plugin name, [a-z0-9_-]+.
inline constexpr std::string_view kPluginNameAllowed = "a plugin name of [a-z0-9_-]+";
std::optional<std::string> check_plugin_name(std::string_view text);

// An IPv4 literal.
std::optional<std::string> check_ipv4(std::string_view text);

// "host:port" with port 1..65535, or empty.
inline constexpr std::string_view kHostPortAllowed = "host:port with port 1..65535";
std::optional<std::string> check_optional_host_port(std::string_view text);

}  // namespace mq::core
