// The replication-sync plugin: descriptor and factory. The only file that knows the policy is
// loaded as a plugin.
#include "replication_options_check.h"
#include "sync_master_policy.h"

#include "mq/sdk/plugin.h"
#include "mq/sdk/replication.h"

#include <memory>

namespace {

const mq::sdk::ConfigKey kKeys[] = {
    {nullptr, mq::sdk::ConfigType::kString, nullptr, nullptr},
};

mq::sdk::Result<std::unique_ptr<mq::replication::SyncMasterPolicy>> create_policy(
    mq::sdk::HostServices& host, const mq::sdk::PluginConfig& config) {
  auto checked = mq::replication::check_options(config, "replication-sync");
  if (!checked) return checked;
  return std::make_unique<mq::replication::SyncMasterPolicy>(host, *config.replication);
}

}  // namespace

MQ_DEFINE_PLUGIN(mq::sdk::Seam::kReplication, "replication-sync", "0.1.0",
                 "SYNC_MASTER: an append is acknowledged once a slave has it; also the SLAVE "
                 "follower",
                 kKeys, create_policy)
