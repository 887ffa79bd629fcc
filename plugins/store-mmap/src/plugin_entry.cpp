// The store-mmap plugin: descriptor, configuration keys and factory. The only file that knows
// the store is loaded as a plugin.
#include "mmap_message_store.h"

#include "mq/sdk/plugin.h"
#include "mq/sdk/store.h"

#include <memory>

namespace {

const mq::sdk::ConfigKey kKeys[] = {
    {"mmap.warmMappedFile", mq::sdk::ConfigType::kBool, "false",
     "touch every page of a new commit-log file when it is created (fewer page faults later)"},
    {"mmap.housekeepingIntervalMs", mq::sdk::ConfigType::kInt, "10000",
     "how often disk usage is measured and expired files are deleted, in ms"},
    {"mmap.indexFlushIntervalMs", mq::sdk::ConfigType::kInt, "10000",
     "how often the message index is synced, in ms (a machine crash re-indexes from the last "
     "sync; a process crash does not)"},
    {nullptr, mq::sdk::ConfigType::kString, nullptr, nullptr},
};

mq::sdk::Result<std::unique_ptr<mq::store_mmap::MmapMessageStore>> create_store(
    mq::sdk::HostServices& host, const mq::sdk::PluginConfig& config) {
  if (config.store == nullptr) {
    return mq::sdk::Status(mq::sdk::StatusCode::kInvalidArgument,
                           "store-mmap needs the store options");
  }
  mq::store_mmap::MmapMessageStore::Settings settings;
  settings.options = *config.store;
  settings.warm_mapped_files = config.get_bool("mmap.warmMappedFile");
  const std::int64_t interval = config.get_int("mmap.housekeepingIntervalMs");
  if (interval > 0) settings.housekeeping_interval_ms = interval;
  const std::int64_t index_interval = config.get_int("mmap.indexFlushIntervalMs");
  if (index_interval > 0) settings.index_flush_interval_ms = index_interval;
  return std::make_unique<mq::store_mmap::MmapMessageStore>(host, std::move(settings));
}

}  // namespace

MQ_DEFINE_PLUGIN(mq::sdk::Seam::kStore, "store-mmap", "0.1.0",
                 "RocketMQ-style commit log in memory-mapped segment files", kKeys, create_store)
