// SubscriptionGroupTable: the broker's consumer groups and their settings, persisted as
// <storePathRootDir>/config/subscriptionGroup.json in RocketMQ 4.9's SubscriptionGroupWrapper
// JSON, so existing tools can read it (and this broker reads a Java broker's file):
//
//   {"dataVersion":{"counter":3,"timestamp":1700000000000},
//    "subscriptionGroupTable":{"CG":{"brokerId":0,"consumeBroadcastEnable":true,...}}}
//
// After load() it holds the system groups a 4.9 broker has (kSystemSubscriptionGroups).
// Every change bumps the DataVersion and is written to disk (temp file + fsync + rename)
// before the call returns. A failed write keeps the change in memory and reports the error;
// persist() retries it.
//
// Lifecycle: construct, load() once at start-up, then use. The BrokerConfig must outlive the
// table. Thread-safety: every method may be called from any thread (one mutex; file writes
// happen under it, and are rare: only when a group is created, changed or removed).
#pragma once

#include "mq/sdk/status.h"

#include "config/broker_config.h"
#include "remoting/data_version.h"
#include "remoting/json.h"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

// One consumer group's settings (Java SubscriptionGroupConfig), with RocketMQ's defaults.
struct SubscriptionGroupConfig {
  std::string group_name;
  bool consume_enable = true;            // false: pulls are refused (NO_PERMISSION)
  bool consume_from_min_enable = true;   // carried for Java compatibility
  bool consume_broadcast_enable = true;  // false: BROADCASTING consumers are refused
  std::int32_t retry_queue_nums = 1;     // queues of %RETRY%<group>
  std::int32_t retry_max_times = 16;     // reconsume attempts before the DLQ
  std::int64_t broker_id = 0;            // which broker id consumers normally pull from
  std::int64_t which_broker_when_consume_slowly = 1;  // suggested when a consumer lags
  bool notify_consumer_ids_changed_enable = true;     // send NOTIFY_CONSUMER_IDS_CHANGED (40)

  friend bool operator==(const SubscriptionGroupConfig&, const SubscriptionGroupConfig&) = default;

  // Java's JSON, keys in alphabetical order: brokerId, consumeBroadcastEnable, consumeEnable,
  // consumeFromMinEnable, groupName, notifyConsumerIdsChangedEnable, retryMaxTimes,
  // retryQueueNums, whichBrokerWhenConsumeSlowly.
  JsonValue to_json_value() const;
  std::string to_json() const;
  // Absent members keep their defaults; unknown members (5.x's groupSysFlag,
  // consumeTimeoutMinute, ...) are ignored. kCorruption naming the member on a wrong type.
  static sdk::Result<SubscriptionGroupConfig> from_json_value(const JsonValue& value);
  static sdk::Result<SubscriptionGroupConfig> from_json(std::string_view text);
};

// The groups SubscriptionGroupManager of RocketMQ 4.9 creates at start-up, with default
// settings.
inline constexpr std::array<std::string_view, 8> kSystemSubscriptionGroups = {
    "TOOLS_CONSUMER",  "FILTERSRV_CONSUMER",    "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
    "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER",  "CID_RMQ_SYS_TRANS",
};
// Groups with this prefix are system groups and are created on demand even when
// autoCreateSubscriptionGroup is false (Java MixAll.isSysConsumerGroup).
inline constexpr std::string_view kSystemConsumerGroupPrefix = "CID_RMQ_SYS_";

class SubscriptionGroupTable {
 public:
  explicit SubscriptionGroupTable(const BrokerConfig& config);

  // Replaces the table with the file's contents when the file exists (a Java broker's
  // pretty-printed file is accepted), then adds the missing system groups and, if it added
  // any, persists. kCorruption naming the file when it cannot be parsed, kIoError when it
  // cannot be read or written. After a failed read or parse the table holds only the system
  // groups and every write is refused (kUnavailable) until a load() succeeds, so the file
  // is never overwritten with less than it held.
  sdk::Status load();

  // The group's settings, or nullopt when the group is unknown.
  std::optional<SubscriptionGroupConfig> find(std::string_view group) const;

  // find(), and when the group is unknown and either autoCreateSubscriptionGroup is true or
  // the name starts with kSystemConsumerGroupPrefix: creates it with default settings, bumps
  // the DataVersion, persists, and returns it. nullopt when the group is unknown and may not
  // be created, or the name is empty. A failed write does not fail the call: the group exists
  // in memory and the write is retried by the next change or persist().
  std::optional<SubscriptionGroupConfig> find_or_create(std::string_view group);

  // Creates or replaces the group (keyed by config.group_name), bumps the DataVersion and
  // persists. kInvalidArgument for an empty group name (nothing changes); kIoError when the
  // write fails, kUnavailable after a failed load() (either way the change stays in memory).
  sdk::Status upsert(const SubscriptionGroupConfig& config);

  // Removes the group if present (bumping the DataVersion and persisting); removing an
  // unknown group is OK and writes nothing. Write failures as for upsert().
  sdk::Status remove(std::string_view group);

  // Slave metadata sync: replaces every group and the DataVersion with those of `body` (a
  // master's GET_ALL_SUBSCRIPTIONGROUP_CONFIG answer, the format of to_json()), keeps the
  // system groups, and persists. Returns false and writes nothing when the table already
  // held exactly that; true after a replacement. kCorruption naming the problem leaves the
  // table unchanged; write failures as for upsert() (the new table stays in memory).
  sdk::Result<bool> replace_from_json(std::string_view body);

  // Writes the file if a change since the last successful write has not reached it yet;
  // OK and no I/O otherwise. Write failures as for upsert().
  sdk::Status persist();

  // {"dataVersion":{...},"subscriptionGroupTable":{"g":{...}}}: the file's contents, and the
  // body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201). Groups in name order.
  std::string to_json() const;

  DataVersion data_version() const;
  // Every group's settings, in name order.
  std::vector<SubscriptionGroupConfig> snapshot() const;

  // <storePathRootDir>/config/subscriptionGroup.json
  std::string file_path() const;

 private:
  using Table = std::map<std::string, SubscriptionGroupConfig, std::less<>>;

  // Parses the file format into `table` and `version` (both cleared first, and left empty on
  // failure). kCorruption naming the problem, without the file name.
  static sdk::Status parse_table(std::string_view text, Table& table, DataVersion& version);
  std::string to_json_locked() const;
  sdk::Status persist_locked();
  // Bumps the DataVersion, marks the table dirty and persists.
  sdk::Status changed_locked();

  // Constant after construction.
  const BrokerConfig& config_;

  mutable std::mutex mu_;
  Table table_;                                 // guarded by mu_
  DataVersion data_version_;                    // guarded by mu_
  bool dirty_ = false;                          // guarded by mu_: a change has not reached the file
  std::optional<sdk::Status> unreadable_file_;  // guarded by mu_: why load() failed
};

}  // namespace mq::core
