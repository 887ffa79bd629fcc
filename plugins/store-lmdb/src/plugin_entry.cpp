// The store-lmdb plugin: descriptor, configuration keys and factory. The only file that knows
// the store is loaded as a plugin.
#include "lmdb_message_store.h"

#include "mq/sdk/plugin.h"
#include "mq/sdk/store.h"

#include <memory>

namespace {

const mq::sdk::ConfigKey kKeys[] = {
    {"lmdb.mapSize", mq::sdk::ConfigType::kInt, "1073741824",
     "initial LMDB map size in bytes; doubled when full, up to lmdb.maxMapSize"},
    {"lmdb.maxMapSize", mq::sdk::ConfigType::kInt, "68719476736",
     "largest LMDB map size in bytes; when full at this size appends fail with DiskFull"},
    {"lmdb.housekeepingIntervalMs", mq::sdk::ConfigType::kInt, "10000",
     "how often disk usage is measured and expired log segments are deleted, in ms"},
    {nullptr, mq::sdk::ConfigType::kString, nullptr, nullptr},
};

mq::sdk::Result<std::unique_ptr<mq::store_lmdb::LmdbMessageStore>> create_store(
    mq::sdk::HostServices& host, const mq::sdk::PluginConfig& config) {
  if (config.store == nullptr) {
    return mq::sdk::Status(mq::sdk::StatusCode::kInvalidArgument,
                           "store-lmdb needs the store options");
  }
  mq::store_lmdb::LmdbMessageStore::Settings settings;
  settings.options = *config.store;
  settings.map_size = config.get_int("lmdb.mapSize");
  settings.max_map_size = config.get_int("lmdb.maxMapSize");
  if (settings.map_size <= 0 || settings.max_map_size < settings.map_size) {
    return mq::sdk::Status(mq::sdk::StatusCode::kInvalidArgument,
                           "lmdb.mapSize must be positive and not above lmdb.maxMapSize");
  }
  const std::int64_t interval = config.get_int("lmdb.housekeepingIntervalMs");
  if (interval > 0) settings.housekeeping_interval_ms = interval;
  return std::make_unique<mq::store_lmdb::LmdbMessageStore>(host, std::move(settings));
}

}  // namespace

MQ_DEFINE_PLUGIN(mq::sdk::Seam::kStore, "store-lmdb", "0.1.0",
                 "message store on LMDB: the log, consume queues and key index as databases", kKeys,
                 create_store)
