// The memory-store plugin: descriptor, configuration keys and factory. The only file of the
// plugin that knows it is a plugin; MemoryMessageStore itself is a plain MessageStore.
#include "memory_message_store.h"

#include "mq/sdk/plugin.h"
#include "mq/sdk/store.h"

#include <cstdint>
#include <memory>
#include <string>

namespace {

// Keys this plugin owns. The broker validates them against the declared type, fills in the
// default when the properties leave a key out, and hands the values over in PluginConfig.
const mq::sdk::ConfigKey kKeys[] = {
    {"memory.maxBytes", mq::sdk::ConfigType::kInt, "67108864",
     "most bytes of records kept in memory; the oldest go first (at least one always stays)"},
    {nullptr, mq::sdk::ConfigType::kString, nullptr, nullptr},
};

mq::sdk::Result<std::unique_ptr<memory_store::MemoryMessageStore>> create_store(
    mq::sdk::HostServices& host, const mq::sdk::PluginConfig& config) {
  if (config.store == nullptr) {
    return mq::sdk::Status(mq::sdk::StatusCode::kInvalidArgument,
                           "memory-store needs the store options");
  }
  memory_store::MemoryMessageStore::Settings settings;
  settings.max_bytes = config.get_int("memory.maxBytes");
  settings.max_message_size = config.store->max_message_size;
  // The same segments and retention the disk stores use, so physical offsets match theirs.
  settings.segment_size = config.store->mapped_file_size_commit_log;
  settings.file_reserved_time_hours = config.store->file_reserved_time_hours;
  settings.delete_when = config.store->delete_when;
  if (settings.segment_size < 64 || settings.segment_size > std::int64_t{1} << 31) {
    return mq::sdk::Status(mq::sdk::StatusCode::kInvalidArgument,
                           "mappedFileSizeCommitLog must be between 64 bytes and 2 GiB, got " +
                               std::to_string(settings.segment_size));
  }
  if (settings.max_bytes <= 0) {
    return mq::sdk::Status(
        mq::sdk::StatusCode::kInvalidArgument,
        "memory.maxBytes must be positive, got " + std::to_string(settings.max_bytes));
  }
  return std::make_unique<memory_store::MemoryMessageStore>(host, settings);
}

}  // namespace

MQ_DEFINE_PLUGIN(mq::sdk::Seam::kStore, "memory-store", "0.1.0",
                 "keeps the most recent messages in memory (an SDK example; nothing is persisted)",
                 kKeys, create_store)
