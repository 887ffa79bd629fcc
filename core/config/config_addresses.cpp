#include "config/config_addresses.h"

#include "config/config_values.h"

#include <algorithm>

namespace mq::core {

Assigned assign_ipv4(std::string_view text, const ConfigEnvironment& env, std::string& out) {
  if (is_ipv4_literal(text)) {
    out = std::string(text);
    return Assigned::ok();
  }
  if (!is_valid_host_name(text)) {
    return Assigned::refuse(text, "is not an IPv4 address or host name", std::string(kIpv4Allowed));
  }
  auto resolved = env.resolve_ipv4(std::string(text));
  if (!resolved.ok()) {
    return Assigned::refuse(
        text, "does not resolve to an IPv4 address (" + resolved.status().message() + ")",
        std::string(kIpv4Allowed));
  }
  out = std::move(resolved).value();
  return Assigned::ok();
}

Assigned assign_namesrv_addr(std::string_view text, const ConfigEnvironment& env,
                             std::vector<std::string>& out) {
  const std::string allowed(kNamesrvAddrAllowed);
  std::vector<std::string> addresses;
  std::string repeated;
  for (const std::string_view item : split_trimmed(text, ';')) {
    if (item.empty()) continue;
    // A name server on this host reached over its Unix socket (transport-uds).
    if (item.rfind("unix:/", 0) == 0) {
      addresses.emplace_back(item);
      continue;
    }
    std::string problem;
    auto host_port = parse_host_port(item, problem);
    if (!host_port) return Assigned::refuse(item, std::move(problem), allowed);
    std::string ip;
    if (is_ipv4_literal(host_port->host)) {
      ip = host_port->host;
    } else {
      auto resolved = env.resolve_ipv4(host_port->host);
      if (!resolved.ok()) {
        return Assigned::refuse(item,
                                "has host " + quote_value(host_port->host) +
                                    ", which does not resolve to an IPv4 address (" +
                                    resolved.status().message() + ")",
                                allowed);
      }
      ip = std::move(resolved).value();
    }
    std::string address = ip + ":" + std::to_string(host_port->port);
    if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) {
      repeated += (repeated.empty() ? "" : ", ") + address;
      continue;
    }
    addresses.push_back(std::move(address));
  }
  out = std::move(addresses);
  if (!repeated.empty())
    return Assigned::adjusted("lists " + repeated + " more than once; using it once");
  return Assigned::ok();
}

}  // namespace mq::core
