// What the binaries share: reading the properties file with command-line overrides, printing
// one-line errors, and creating transport plugins.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include "config/properties_file.h"
#include "plugin_host/plugin_host.h"

#include <memory>
#include <string>
#include <vector>

namespace mq::apps {

// Exit codes: 0 fine, 1 runtime failure, 2 bad configuration, bad plugin or bad usage.
inline constexpr int kExitRuntimeError = 1;
inline constexpr int kExitConfigError = 2;

// Prints "<program>: <message>" on stderr as one line.
void print_error(std::string_view program, std::string_view message);

// Loads `path` when given; otherwise returns nullptr with an OK status.
sdk::Result<std::unique_ptr<core::PropertiesFile>> load_properties(
    const std::optional<std::string>& path);

// Turns `-o key=value` strings into override entries from "<command line>".
sdk::Result<std::vector<core::PropertyEntry>> parse_overrides(
    const std::vector<std::string>& items);

// Loads and creates each named transport plugin with `options`.
sdk::Result<std::vector<core::PluginObject<sdk::Transport>>> create_transports(
    core::PluginHost& host, const std::vector<std::string>& names,
    const sdk::TransportOptions& options, const sdk::BrokerIdentity* broker);

// The listen address a transport gets: "ip:port" for tcp, the host's socket
// unix:<unix_socket_dir>/rocketmq-<port>.sock for unix (core/net/local_socket.h).
sdk::Result<std::string> listen_address_for(const sdk::Transport& transport, const std::string& ip,
                                            std::int32_t port, const std::string& unix_socket_dir);

}  // namespace mq::apps
