// BrokerConfig: every broker.properties key the core owns, typed, with RocketMQ 4.9 names and
// defaults, parsed and validated once at start-up.
//
// Each key is declared once, in broker_config_keys.cpp (namesrv_config_keys.cpp for the name
// server; shared_config_keys.h for keys both have): name, legacy aliases, default,
// description, validator. A bad value is one line `FILE:LINE: KEY: what is wrong; allowed:
// ...` (`<command line>: KEY: ...` for an override); an unknown key is a warning naming the
// closest known key. Keys containing a '.' belong to plugins ("lmdb.mapSize") and are kept
// aside in plugin_entries for the loader to validate against the selected plugins' declared
// keys (resolve_plugin_keys).
//
// Paths are kept as written: a relative path (storePathRootDir=./data/store) is resolved by
// the operating system against the working directory the process was started in.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/status.h"

#include "config/config_diagnostics.h"
#include "config/config_environment.h"
#include "config/config_key_info.h"
#include "config/properties_file.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mq::core {

// Bytes a request frame needs besides the message body (length prefixes, the remoting header
// with up to 32 KiB of message properties, topic and flags), and a stored record besides the
// body. maxMessageSize must leave this much room in a frame and in a commit log file.
inline constexpr std::int64_t kMessageOverheadBytes = 64 * 1024;
// The frame limit RocketMQ clients use (com.rocketmq.remoting.frameMaxLength).
inline constexpr std::int64_t kDefaultFrameMaxBytes = 16 * 1024 * 1024;
// Largest maxMessageSize accepted: a default-sized frame minus the overhead.
inline constexpr std::int64_t kMaxMessageSizeLimit = kDefaultFrameMaxBytes - kMessageOverheadBytes;

struct BrokerConfig {
  // Where the values came from ("broker-a.properties", or empty for built-in defaults).
  std::string source_file;

  sdk::BrokerIdentity identity;  // brokerClusterName, brokerName, brokerId, brokerIP1,
                                 // listenPort
  std::string broker_ip2;        // brokerIP2 (HA address a slave dials; default brokerIP1)
  std::vector<std::string> namesrv_addrs;  // namesrvAddr, split on ';', host names resolved
  sdk::StoreOptions store;
  sdk::TransportOptions transport;
  sdk::ReplicationOptions replication;  // broker_role, ha_listen_port (listenPort + 1) ...

  bool auto_create_topic_enable = true;                       // autoCreateTopicEnable
  bool auto_create_subscription_group = true;                 // autoCreateSubscriptionGroup
  std::int32_t default_topic_queue_nums = 8;                  // defaultTopicQueueNums
  std::int32_t broker_permission = 6;                         // brokerPermission
  bool long_polling_enable = true;                            // longPollingEnable
  bool slave_read_enable = false;                             // slaveReadEnable
  bool offset_check_in_slave = false;                         // offsetCheckInSlave
  std::int32_t access_message_in_memory_max_ratio = 40;       // accessMessageInMemoryMaxRatio
  bool notify_consumer_ids_changed_enable = true;             // notifyConsumerIdsChangedEnable
  std::int64_t register_name_server_period_ms = 30000;        // registerNameServerPeriod
  bool force_register = true;                                 // forceRegister
  std::int64_t slave_sync_interval_ms = 10000;                // slaveSyncInterval (our key)
  bool trace_topic_enable = false;                            // traceTopicEnable
  std::int64_t default_query_max_num = 32;                    // defaultQueryMaxNum
  std::int64_t max_transfer_count_on_message_in_memory = 32;  // maxTransferCountOnMessageInMemory
  std::int64_t max_transfer_bytes_on_message_in_memory =
      262144;  // maxTransferBytesOnMessageInMemory
  std::string message_delay_level = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

  // Plugin selection (our keys).
  std::string store_plugin = "store-mmap";                      // storePlugin
  std::vector<std::string> transport_plugins{"transport-tcp"};  // transportPlugins
  std::string replication_plugin;            // replicationPlugin; default follows brokerRole
  bool replication_plugin_explicit = false;  // true when set in the file or on the command line
  std::string plugin_dir;                    // pluginDir; empty = next to the executable
  std::string unix_socket_dir = "/tmp";      // unixSocketDir (with transport-uds)

  // Logging (our keys).
  std::string log_dir;             // logDir; default $HOME/logs/rocketmqlogs
  std::string log_level = "info";  // logLevel: trace, debug, info, warn, error

  // Entries whose key contains '.', for the selected plugins.
  std::vector<PropertyEntry> plugin_entries;
};

struct NamesrvConfig {
  std::string source_file;
  std::string listen_address = "0.0.0.0";   // listenAddress (our key; bind address)
  std::int32_t listen_port = 9876;          // listenPort
  std::int64_t broker_expired_ms = 120000;  // brokerChannelExpiredTime (silent broker drop)
  std::int64_t scan_not_active_broker_interval_ms = 10000;  // scanNotActiveBrokerInterval
  bool order_message_enable = false;                        // orderMessageEnable
  sdk::TransportOptions transport;
  std::vector<std::string> transport_plugins{"transport-tcp"};  // transportPlugins
  std::string plugin_dir;                                       // pluginDir
  std::string unix_socket_dir = "/tmp";                         // unixSocketDir
  std::string log_dir;             // logDir; default $HOME/logs/rocketmqlogs
  std::string log_level = "info";  // logLevel
  std::vector<PropertyEntry> plugin_entries;
};

// Parses and validates. `file` may be null (built-in defaults). `overrides` are applied after
// the file (command-line -n, -o key=value; an empty `file` field reads as "<command line>").
// Every warning (unknown key and its closest known key, legacy alias used, duplicated key,
// value clamped as RocketMQ does) is appended to `warnings`.
// Fails with kInvalidArgument whose message is exactly the one line to show the operator.
// Uses the real machine for defaults and name resolution (ConfigEnvironment::system()).
sdk::Result<BrokerConfig> parse_broker_config(const PropertiesFile* file,
                                              const std::vector<PropertyEntry>& overrides,
                                              std::vector<std::string>& warnings);
sdk::Result<NamesrvConfig> parse_namesrv_config(const PropertiesFile* file,
                                                const std::vector<PropertyEntry>& overrides,
                                                std::vector<std::string>& warnings);

// The same, with the machine seam explicit and info-level notes kept (RocketMQ keys accepted
// and ignored, each with its reason; values replaced by overrides) in diagnostics.notes.
sdk::Result<BrokerConfig> parse_broker_config(const PropertiesFile* file,
                                              const std::vector<PropertyEntry>& overrides,
                                              const ConfigEnvironment& env,
                                              ConfigDiagnostics& diagnostics);
sdk::Result<NamesrvConfig> parse_namesrv_config(const PropertiesFile* file,
                                                const std::vector<PropertyEntry>& overrides,
                                                const ConfigEnvironment& env,
                                                ConfigDiagnostics& diagnostics);

// The replication plugin a role implies: SYNC_MASTER -> replication-sync, ASYNC_MASTER and
// SLAVE -> replication-async (its follower side serves both).
std::string default_replication_plugin(sdk::BrokerRole role);

// `key=value` lines of every core key with its effective value, sorted by key, as `-p` prints,
// followed by the plugin entries as written (sorted). The output reads back as a properties
// file that gives the same configuration.
std::string format_effective_config(const BrokerConfig& config);
std::string format_effective_config(const NamesrvConfig& config);

// Every declared key, RocketMQ keys accepted and ignored included, in declaration order: for
// documentation and key listings.
std::vector<ConfigKeyInfo> describe_broker_keys();
std::vector<ConfigKeyInfo> describe_namesrv_keys();

// Validates `entries` (plugin keys from the file) against the keys a plugin declares and
// returns every declared key's value, defaults filled in. Entries the plugin does not declare
// are skipped here (see warn_undeclared_plugin_keys). Errors use the one-line format
// (`FILE:LINE: lmdb.mapSize: 'abc' is not an integer; allowed: ...`); a declared default that
// does not parse as its type fails with kInvalidArgument naming "<plugin default>".
// `declared` may be null (no keys).
sdk::Result<std::map<std::string, sdk::ConfigValue, std::less<>>> resolve_plugin_keys(
    const sdk::ConfigKey* declared, const std::vector<PropertyEntry>& entries);

// Appends a warning for each entry that none of the `declared` key lists (one per loaded
// plugin; null lists allowed) declares, naming the closest declared key when one is close:
// `FILE:LINE: unknown plugin key 'lmdb.mapSiz' ignored; did you mean 'lmdb.mapSize'?`.
void warn_undeclared_plugin_keys(const std::vector<const sdk::ConfigKey*>& declared,
                                 const std::vector<PropertyEntry>& entries,
                                 std::vector<std::string>& warnings);

}  // namespace mq::core
