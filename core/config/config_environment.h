// ConfigEnvironment: what the config layer asks of the machine (host name, home directory,
// local address, name resolution, environment variables) to compute defaults and check
// host names. Tests hand in a fake so that parsing is deterministic and needs no network.
#pragma once

#include "mq/sdk/status.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mq::core {

struct ConfigEnvironment {
  // The machine's host name (brokerName's default). Never empty.
  std::function<std::string()> host_name;
  // The user's home directory ($HOME, else the password database, else "."). Never empty.
  std::function<std::string()> home_dir;
  // The first IPv4 address of an interface that is up and not loopback, else "127.0.0.1"
  // (brokerIP1's default).
  std::function<std::string()> first_ipv4;
  // Resolves `host` (a name or an IPv4 literal) to a dotted-quad IPv4 address. Fails with
  // kNotFound whose message is the resolver's reason ("Name or service not known").
  std::function<sdk::Result<std::string>(const std::string& host)> resolve_ipv4;
  // An environment variable, or nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> get_env;

  // The real machine: gethostname, $HOME, getifaddrs, getaddrinfo (AF_INET), getenv.
  static ConfigEnvironment system();

  // A copy in which every member left empty is taken from system(), so a partly filled fake
  // never leaves a null function to call.
  ConfigEnvironment completed() const;
};

}  // namespace mq::core
