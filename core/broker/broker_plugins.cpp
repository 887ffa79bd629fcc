#include "broker/broker_plugins.h"

#include <spdlog/logger.h>

namespace mq::core {

sdk::Result<BrokerPlugins> BrokerPlugins::load(PluginHost& host, const BrokerConfig& config,
                                               spdlog::logger& logger) {
  const std::string replication_name =
      config.replication_plugin.empty() ? default_replication_plugin(config.replication.broker_role)
                                        : config.replication_plugin;
  auto store_library = host.load(config.store_plugin, sdk::Seam::kStore, "storePlugin");
  if (!store_library.ok()) return store_library.status();
  std::vector<std::shared_ptr<PluginLibrary>> transport_libraries;
  for (const auto& name : config.transport_plugins) {
    auto library = host.load(name, sdk::Seam::kTransport, "transportPlugins");
    if (!library.ok()) return library.status();
    transport_libraries.push_back(std::move(library).value());
  }
  auto replication_library =
      host.load(replication_name, sdk::Seam::kReplication, "replicationPlugin");
  if (!replication_library.ok()) return replication_library.status();

  std::vector<std::string> warnings;
  if (auto status = host.resolve_keys(config.plugin_entries, warnings); !status) return status;
  for (const auto& warning : warnings) logger.warn("{}", warning);

  BrokerPlugins plugins;
  sdk::PluginConfig store_config;
  store_config.broker = &config.identity;
  store_config.store = &config.store;
  auto store = host.create<sdk::MessageStore>(store_library.value(), std::move(store_config));
  if (!store.ok()) return store.status();
  plugins.store = std::move(store).value();

  for (const auto& library : transport_libraries) {
    sdk::PluginConfig transport_config;
    transport_config.broker = &config.identity;
    transport_config.transport = &config.transport;
    auto transport = host.create<sdk::Transport>(library, std::move(transport_config));
    if (!transport.ok()) return transport.status();
    plugins.transports.push_back(std::move(transport).value());
  }

  sdk::PluginConfig replication_config;
  replication_config.broker = &config.identity;
  replication_config.replication = &config.replication;
  auto replication = host.create<sdk::ReplicationPolicy>(replication_library.value(),
                                                         std::move(replication_config));
  if (!replication.ok()) return replication.status();
  plugins.replication = std::move(replication).value();
  return plugins;
}

}  // namespace mq::core
