// Configuration a plugin receives: the typed options of its seam and its own declared keys.
//
// The core parses broker.properties once, validates every key (RocketMQ's own and each loaded
// plugin's) before any plugin is created, and hands each plugin a PluginConfig. A plugin never
// sees the raw file. Names in comments are the RocketMQ 4.9 property names.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace mq::sdk {

// ---------------------------------------------------------------------------------------------
// Keys a plugin declares in its descriptor. The core validates values against `type` and fills
// in `default_value` when the key is absent. Names are namespaced by the plugin
// ("lmdb.mapSize").
enum class ConfigType : std::uint32_t {
  kString = 0,
  kInt = 1,   // 64-bit signed decimal
  kBool = 2,  // true / false
  kDouble = 3,
};

struct ConfigKey {
  const char* name;  // nullptr ends a key list
  ConfigType type;
  const char* default_value;  // text, parsed like a value from the file
  const char* description;    // one line, shown by -p and mqadmin plugins
};

// A validated value of a declared key.
struct ConfigValue {
  ConfigType type = ConfigType::kString;
  std::string text;  // as written (or the default)
  std::int64_t int_value = 0;
  bool bool_value = false;
  double double_value = 0.0;
};

// ---------------------------------------------------------------------------------------------
// Seam-wide options, owned and validated by the core.

enum class FlushDiskType : std::uint32_t { kAsyncFlush = 0, kSyncFlush = 1 };
enum class BrokerRole : std::uint32_t { kAsyncMaster = 0, kSyncMaster = 1, kSlave = 2 };

// Who this broker is; every plugin receives it.
struct BrokerIdentity {
  std::string cluster_name;          // brokerClusterName
  std::string broker_name;           // brokerName
  std::int64_t broker_id = 0;        // brokerId: 0 master, > 0 slave
  std::string broker_ip;             // brokerIP1
  std::int32_t listen_port = 10911;  // listenPort
};

// Options of the storage seam.
struct StoreOptions {
  std::string store_path_root_dir;       // storePathRootDir
  std::string store_path_commit_log;     // storePathCommitLog (default root/commitlog)
  std::string store_path_consume_queue;  // storePathConsumeQueue (default root/consumequeue)
  std::string store_path_index;          // storePathIndex (default root/index)
  std::string store_checkpoint;          // storeCheckpoint (default root/checkpoint)
  std::string abort_file;                // abortFile (default root/abort)
  std::int64_t mapped_file_size_commit_log = 1024LL * 1024 * 1024;  // mappedFileSizeCommitLog
  std::int64_t mapped_file_size_consume_queue = 300000LL * 20;      // mappedFileSizeConsumeQueue
  FlushDiskType flush_disk_type = FlushDiskType::kAsyncFlush;       // flushDiskType
  std::int64_t flush_interval_commit_log_ms = 500;                  // flushIntervalCommitLog
  std::int64_t flush_commit_log_least_pages = 4;                    // flushCommitLogLeastPages
  std::int64_t flush_commit_log_thorough_interval_ms = 10000;  // flushCommitLogThoroughInterval
  std::int64_t flush_interval_consume_queue_ms = 1000;         // flushIntervalConsumeQueue
  std::int64_t flush_consume_queue_least_pages = 2;            // flushConsumeQueueLeastPages
  std::int64_t flush_consume_queue_thorough_interval_ms =
      60000;                                        // flushConsumeQueueThoroughInterval
  std::int64_t sync_flush_timeout_ms = 5000;        // syncFlushTimeout
  std::string delete_when = "04";                   // deleteWhen ("04" or "04;16")
  std::int64_t file_reserved_time_hours = 72;       // fileReservedTime
  std::int64_t disk_max_used_space_ratio = 75;      // diskMaxUsedSpaceRatio (percent)
  std::int64_t max_message_size = 4 * 1024 * 1024;  // maxMessageSize (bytes)
  bool message_index_enable = true;                 // messageIndexEnable
  std::int64_t max_hash_slot_num = 5000000;         // maxHashSlotNum
  std::int64_t max_index_num = 20000000;            // maxIndexNum
};

// Options of the transport seam.
struct TransportOptions {
  std::int64_t max_frame_bytes = 16 * 1024 * 1024;  // frameMaxLength, including the prefix
  std::int64_t idle_timeout_ms = 120000;            // serverChannelMaxIdleTimeSeconds * 1000
  std::int64_t write_queue_limit_bytes = 64 * 1024 * 1024;  // per connection, then backpressure
  std::int64_t connect_timeout_ms = 3000;                   // connectTimeoutMillis
  std::int64_t io_threads = 1;                              // serverSelectorThreads
};

// Options of the replication seam.
struct ReplicationOptions {
  BrokerRole broker_role = BrokerRole::kAsyncMaster;  // brokerRole
  std::int32_t ha_listen_port = 10912;                // haListenPort (listenPort + 1)
  std::string ha_master_address;                      // haMasterAddress (slaves; else learned)
  std::int64_t slave_timeout_ms = 3000;               // slaveTimeout (syncFlushTimeout in < 4.9.3)
  std::int64_t ha_max_gap_not_in_sync = 256LL * 1024 * 1024;  // haMaxGapNotInSync (bytes)
  std::int64_t ha_send_heartbeat_interval_ms = 5000;          // haSendHeartbeatInterval
  std::int64_t ha_housekeeping_interval_ms = 20000;           // haHousekeepingInterval
  std::int64_t ha_transfer_batch_size = 32 * 1024;            // haTransferBatchSize (bytes)
};

// Everything a plugin's create() receives. Exactly one of store/transport/replication is set,
// matching the plugin's seam; the pointees live as long as the plugin's objects.
struct PluginConfig {
  std::string plugin_name;
  const BrokerIdentity* broker = nullptr;
  const StoreOptions* store = nullptr;
  const TransportOptions* transport = nullptr;
  const ReplicationOptions* replication = nullptr;
  // Every key the plugin declared, validated, defaults filled in. Keyed by full name.
  std::map<std::string, ConfigValue, std::less<>> keys;

  // Typed access to declared keys. A key that was not declared (a bug in the plugin) reads as
  // the type's zero value.
  std::int64_t get_int(std::string_view key) const noexcept {
    auto it = keys.find(key);
    return it == keys.end() ? 0 : it->second.int_value;
  }
  bool get_bool(std::string_view key) const noexcept {
    auto it = keys.find(key);
    return it != keys.end() && it->second.bool_value;
  }
  double get_double(std::string_view key) const noexcept {
    auto it = keys.find(key);
    return it == keys.end() ? 0.0 : it->second.double_value;
  }
  std::string_view get_string(std::string_view key) const noexcept {
    auto it = keys.find(key);
    return it == keys.end() ? std::string_view() : std::string_view(it->second.text);
  }
};

}  // namespace mq::sdk
