#include "config/broker_config.h"

#include "config/broker_config_keys.h"
#include "config/config_key_parser.h"
#include "config/shared_config_keys.h"

#include <string>
#include <utility>

namespace mq::core {
namespace {

using sdk::BrokerRole;

std::string role_name(BrokerRole role) {
  switch (role) {
    case BrokerRole::kAsyncMaster:
      return "ASYNC_MASTER";
    case BrokerRole::kSyncMaster:
      return "SYNC_MASTER";
    case BrokerRole::kSlave:
      return "SLAVE";
  }
  return "?";
}

// Rules that involve more than one key. Runs after every key has its value; each refusal is
// reported at the line of the key it names (or of the key that caused it when that one was
// left at its default).
sdk::Status check_broker_consistency(BrokerConfig& c, const KeySources& s,
                                     ConfigDiagnostics& diagnostics) {
  namespace k = broker_keys;
  const bool slave = c.replication.broker_role == BrokerRole::kSlave;
  if (slave && c.identity.broker_id == 0) {
    if (s.contains(k::kBrokerId)) {
      return config_error(s.location(k::kBrokerId), s.written_key(k::kBrokerId),
                          {"0", "is the master's id, but brokerRole is SLAVE",
                           "an integer >= 1 when brokerRole=SLAVE"});
    }
    return config_error(s.location(k::kBrokerRole), s.written_key(k::kBrokerRole),
                        {"SLAVE", "needs brokerId >= 1, and brokerId is 0 (the master's id)",
                         "set brokerId to 1 or more for a SLAVE"});
  }
  if (!slave && c.identity.broker_id != 0) {
    diagnostics.warnings.push_back(s.location(k::kBrokerId) + ": " +
                                   std::string(s.written_key(k::kBrokerId)) + ": " +
                                   std::to_string(c.identity.broker_id) +
                                   " with brokerRole=" + role_name(c.replication.broker_role) +
                                   "; a master's id is 0, using 0 as RocketMQ does");
    c.identity.broker_id = 0;
  }
  if (c.replication.ha_listen_port == c.identity.listen_port) {
    return config_error(s.location(k::kHaListenPort), s.written_key(k::kHaListenPort),
                        {std::to_string(c.replication.ha_listen_port), "is the same as listenPort",
                         "1..65535 other than listenPort"});
  }
  const std::int64_t frame_room = c.transport.max_frame_bytes - kMessageOverheadBytes;
  if (c.store.max_message_size > frame_room) {
    const auto key =
        s.contains(k::kMaxMessageSize) ? k::kMaxMessageSize : shared_keys::kFrameMaxLength;
    return config_error(
        s.location(key), s.written_key(key),
        {std::nullopt,
         "maxMessageSize " + std::to_string(c.store.max_message_size) +
             " does not fit in a frame of frameMaxLength " +
             std::to_string(c.transport.max_frame_bytes) + " bytes with " +
             std::to_string(kMessageOverheadBytes) + " bytes of headers",
         "maxMessageSize <= frameMaxLength - " + std::to_string(kMessageOverheadBytes)});
  }
  const std::int64_t record_need = c.store.max_message_size + kMessageOverheadBytes;
  if (c.store.mapped_file_size_commit_log < record_need) {
    const auto key =
        s.contains(k::kMappedFileSizeCommitLog) ? k::kMappedFileSizeCommitLog : k::kMaxMessageSize;
    return config_error(
        s.location(key), s.written_key(key),
        {std::nullopt,
         "a commit log file of " + std::to_string(c.store.mapped_file_size_commit_log) +
             " bytes cannot hold a message of maxMessageSize " +
             std::to_string(c.store.max_message_size) + " plus " +
             std::to_string(kMessageOverheadBytes) + " bytes of record header",
         "mappedFileSizeCommitLog >= maxMessageSize + " + std::to_string(kMessageOverheadBytes)});
  }
  if (auto status = check_transport_consistency(c.transport, s); !status.is_ok()) return status;
  if (c.namesrv_addrs.empty()) {
    diagnostics.warnings.push_back(s.location(k::kNamesrvAddr) +
                                   ": namesrvAddr is empty: the broker registers with no name "
                                   "server, so clients cannot find it");
  }
  c.replication_plugin_explicit = s.contains(k::kReplicationPlugin);
  return sdk::Status::ok();
}

}  // namespace

std::string default_replication_plugin(sdk::BrokerRole role) {
  return role == BrokerRole::kSyncMaster ? "replication-sync" : "replication-async";
}

sdk::Result<BrokerConfig> parse_broker_config(const PropertiesFile* file,
                                              const std::vector<PropertyEntry>& overrides,
                                              const ConfigEnvironment& env,
                                              ConfigDiagnostics& diagnostics) {
  BrokerConfig config;
  config.source_file = file != nullptr ? file->file_name() : std::string();
  KeySources sources;
  sdk::Status status = apply_key_table(broker_key_table(), file, overrides, env.completed(), config,
                                       sources, diagnostics);
  if (!status.is_ok()) return status;
  status = check_broker_consistency(config, sources, diagnostics);
  if (!status.is_ok()) return status;
  return config;
}

sdk::Result<BrokerConfig> parse_broker_config(const PropertiesFile* file,
                                              const std::vector<PropertyEntry>& overrides,
                                              std::vector<std::string>& warnings) {
  ConfigDiagnostics diagnostics;
  auto result = parse_broker_config(file, overrides, ConfigEnvironment::system(), diagnostics);
  for (auto& warning : diagnostics.warnings) warnings.push_back(std::move(warning));
  return result;
}

std::string format_effective_config(const BrokerConfig& config) {
  return format_key_table(broker_key_table(), config);
}

std::vector<ConfigKeyInfo> describe_broker_keys() { return describe_key_table(broker_key_table()); }

}  // namespace mq::core
