// BrokerPlugins: the plugin objects a broker runs on, loaded and created in the safe order.
//
// load() opens every selected plugin (storePlugin, transportPlugins, replicationPlugin),
// validates every plugin key of the properties against what those plugins declare, and only
// then creates the objects, so a bad key never leaves a half-started broker. Every failure is
// one line for the operator. The BrokerConfig passed in must outlive the objects (plugins
// keep pointers to its option structs).
#pragma once

#include "mq/sdk/replication.h"
#include "mq/sdk/store.h"
#include "mq/sdk/transport.h"

#include "config/broker_config.h"
#include "plugin_host/plugin_host.h"

#include <vector>

namespace spdlog {
class logger;
}

namespace mq::core {

struct BrokerPlugins {
  PluginObject<sdk::MessageStore> store;
  std::vector<PluginObject<sdk::Transport>> transports;
  PluginObject<sdk::ReplicationPolicy> replication;

  static sdk::Result<BrokerPlugins> load(PluginHost& host, const BrokerConfig& config,
                                         spdlog::logger& logger);
};

}  // namespace mq::core
