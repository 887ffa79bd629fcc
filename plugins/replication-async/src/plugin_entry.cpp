// The replication-async plugin: descriptor and factory. The only file that knows the policy is
// loaded as a plugin.
#include "async_master_policy.h"
#include "replication_options_check.h"

#include "mq/sdk/plugin.h"
#include "mq/sdk/replication.h"

#include <memory>

namespace {

const mq::sdk::ConfigKey kKeys[] = {
    {nullptr, mq::sdk::ConfigType::kString, nullptr, nullptr},
};

mq::sdk::Result<std::unique_ptr<mq::replication::AsyncMasterPolicy>> create_policy(
    mq::sdk::HostServices& host, const mq::sdk::PluginConfig& config) {
  auto checked = mq::replication::check_options(config, "replication-async");
  if (!checked) return checked;
  return std::make_unique<mq::replication::AsyncMasterPolicy>(host, *config.replication);
}

}  // namespace

MQ_DEFINE_PLUGIN(mq::sdk::Seam::kReplication, "replication-async", "0.1.0",
                 "ASYNC_MASTER: an append is acknowledged at once and shipped to slaves in the "
                 "background; also the SLAVE follower",
                 kKeys, create_policy)
