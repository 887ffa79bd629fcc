// Checks the replication options a replication plugin's create() receives.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/status.h"

#include <string_view>

namespace mq::replication {

// OK, or kInvalidArgument naming the first option out of range (`plugin` names the plugin):
// the options must be present; a master needs haListenPort in 1..65535; slaveTimeout,
// haSendHeartbeatInterval, haHousekeepingInterval and haTransferBatchSize must be positive and
// haMaxGapNotInSync not negative.
sdk::Status check_options(const sdk::PluginConfig& config, std::string_view plugin);

}  // namespace mq::replication
