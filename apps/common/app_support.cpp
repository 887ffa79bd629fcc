#include "common/app_support.h"

#include "net/local_socket.h"

#include <cstdio>

namespace mq::apps {

void print_error(std::string_view program, std::string_view message) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(program.size()), program.data(),
               static_cast<int>(message.size()), message.data());
}

sdk::Result<std::unique_ptr<core::PropertiesFile>> load_properties(
    const std::optional<std::string>& path) {
  if (!path) return std::unique_ptr<core::PropertiesFile>();
  auto file = core::PropertiesFile::load(*path);
  if (!file.ok()) return file.status();
  return std::make_unique<core::PropertiesFile>(std::move(file).value());
}

sdk::Result<std::vector<core::PropertyEntry>> parse_overrides(
    const std::vector<std::string>& items) {
  std::vector<core::PropertyEntry> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "-o expects key=value, got '" + item + "'");
    }
    out.push_back(
        core::PropertyEntry{item.substr(0, eq), item.substr(eq + 1), "<command line>", 0});
  }
  return out;
}

sdk::Result<std::vector<core::PluginObject<sdk::Transport>>> create_transports(
    core::PluginHost& host, const std::vector<std::string>& names,
    const sdk::TransportOptions& options, const sdk::BrokerIdentity* broker) {
  std::vector<core::PluginObject<sdk::Transport>> out;
  for (const auto& name : names) {
    auto library = host.load(name, sdk::Seam::kTransport, "transportPlugins");
    if (!library.ok()) return library.status();
    sdk::PluginConfig config;
    config.transport = &options;
    config.broker = broker;
    auto transport = host.create<sdk::Transport>(library.value(), std::move(config));
    if (!transport.ok()) return transport.status();
    out.push_back(std::move(transport).value());
  }
  return out;
}

sdk::Result<std::string> listen_address_for(const sdk::Transport& transport, const std::string& ip,
                                            std::int32_t port, const std::string& unix_socket_dir) {
  if (transport.scheme() == "tcp") return ip + ":" + std::to_string(port);
  if (transport.scheme() == "unix") return core::local_socket_address(unix_socket_dir, port);
  return sdk::Status(sdk::StatusCode::kInvalidArgument, "transport scheme '" +
                                                            std::string(transport.scheme()) +
                                                            "' has no listen address configured");
}

}  // namespace mq::apps
