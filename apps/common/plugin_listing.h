// The `mqbroker --plugins` table: every plugin in the plugin directory with its seam, name,
// version and ABI, and which ones the current properties select.
#pragma once

#include "config/broker_config.h"
#include "plugin_host/plugin_host.h"

#include <string>

namespace mq::apps {

std::string format_plugin_listing(const core::PluginHost& host, const core::BrokerConfig& config);

}  // namespace mq::apps
