#include "broker/host_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace mq::core {

std::optional<sdk::HostAddress> parse_host_address(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return std::nullopt;
  }
  sdk::HostAddress address;
  address.port = port;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    std::string ip(host.substr(1, host.size() - 2));
    in6_addr v6{};
    if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return std::nullopt;
    // An IPv4-mapped address is stored as IPv4, which every client can read.
    static const std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, kMapped, 12) == 0) {
      std::memcpy(address.ip, v6.s6_addr + 12, 4);
      address.ip_length = 4;
    } else {
      std::memcpy(address.ip, v6.s6_addr, 16);
      address.ip_length = 16;
    }
    return address;
  }
  std::string ip(host);
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) != 1) return std::nullopt;
  std::memcpy(address.ip, &v4.s_addr, 4);
  address.ip_length = 4;
  return address;
}

sdk::HostAddress host_address_or_loopback(std::string_view text) {
  if (auto parsed = parse_host_address(text)) return *parsed;
  sdk::HostAddress loopback;
  loopback.ip[0] = 127;
  loopback.ip[3] = 1;
  loopback.ip_length = 4;
  return loopback;
}

std::string format_host_address(const sdk::HostAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ip_length == 16) {
    inet_ntop(AF_INET6, address.ip, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(address.port);
  }
  inet_ntop(AF_INET, address.ip, text, sizeof(text));
  return std::string(text) + ":" + std::to_string(address.port);
}

}  // namespace mq::core
