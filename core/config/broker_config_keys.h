// The broker's key table: every broker.properties key the core knows, declared once in
// broker_config_keys.cpp. Internal to the config layer (and its tests).
#pragma once

#include "config/broker_config.h"
#include "config/config_key_table.h"

#include <string_view>

namespace mq::core {

// Names the cross-key checks in broker_config.cpp refer to; the table declares the same keys
// with these constants.
namespace broker_keys {
inline constexpr std::string_view kBrokerId = "brokerId";
inline constexpr std::string_view kBrokerIP1 = "brokerIP1";
inline constexpr std::string_view kNamesrvAddr = "namesrvAddr";
inline constexpr std::string_view kListenPort = "listenPort";
inline constexpr std::string_view kHaListenPort = "haListenPort";
inline constexpr std::string_view kBrokerRole = "brokerRole";
inline constexpr std::string_view kReplicationPlugin = "replicationPlugin";
inline constexpr std::string_view kStorePathRootDir = "storePathRootDir";
inline constexpr std::string_view kMappedFileSizeCommitLog = "mappedFileSizeCommitLog";
inline constexpr std::string_view kMaxMessageSize = "maxMessageSize";
}  // namespace broker_keys

// The sealed table, built on first use. Safe to call from any thread.
const KeyTable<BrokerConfig>& broker_key_table();

}  // namespace mq::core
