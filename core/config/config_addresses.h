// Address-valued keys: brokerIP1/brokerIP2 (one IPv4 address) and namesrvAddr (a ';'-separated
// list of host:port). Host names are resolved to IPv4 once, at start-up, through the
// ConfigEnvironment, so every later log line and registration shows the address used.
#pragma once

#include "config/config_environment.h"
#include "config/config_key_table.h"

#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

inline constexpr std::string_view kIpv4Allowed =
    "an IPv4 address, or a host name that resolves to one";
inline constexpr std::string_view kNamesrvAddrAllowed =
    "host:port items separated by ';' (port 1..65535, host an IPv4 address or a resolvable "
    "name, or unix:/path of a local name server), or empty";

// An IPv4 literal is kept; a host name is resolved. On success stores the dotted quad in `out`.
Assigned assign_ipv4(std::string_view text, const ConfigEnvironment& env, std::string& out);

// "a:9876;b:9876" -> {"10.0.0.1:9876", "10.0.0.2:9876"}. Blank items (a trailing ';') are
// skipped; an address listed twice is kept once, with a warning. Empty text gives an empty
// list. On success replaces `out`.
Assigned assign_namesrv_addr(std::string_view text, const ConfigEnvironment& env,
                             std::vector<std::string>& out);

}  // namespace mq::core
