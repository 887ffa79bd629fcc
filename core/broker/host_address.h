// Conversions between "ip:port" text (a channel's peer, brokerIP1:listenPort) and the
// sdk::HostAddress a stored record carries.
#pragma once

#include "mq/sdk/stored_record.h"

#include <optional>
#include <string>
#include <string_view>

namespace mq::core {

// Parses "1.2.3.4:5" or "[::1]:5". nullopt for anything else (a unix: peer, say).
std::optional<sdk::HostAddress> parse_host_address(std::string_view text);
// The address, or 127.0.0.1:0 when `text` is not an IP address with a port.
sdk::HostAddress host_address_or_loopback(std::string_view text);
std::string format_host_address(const sdk::HostAddress& address);

}  // namespace mq::core
