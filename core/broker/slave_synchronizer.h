// SlaveSynchronizer: a slave's copy of its master's metadata, as RocketMQ's SlaveSynchronize.
//
// sync_all() asks the master (its remoting address, learned from the name servers' answer to
// the slave's registration) for GET_ALL_TOPIC_CONFIG (21), GET_ALL_SUBSCRIPTIONGROUP_CONFIG
// (201), GET_ALL_CONSUMER_OFFSET (43) and GET_ALL_DELAY_OFFSET (45) and replaces the slave's
// own tables with the answers, persisting each one that changed: topics.json,
// subscriptionGroup.json, consumerOffset.json and delayOffset.json under
// <storePathRootDir>/config/. A table whose request or body fails is left as it was; the
// others are still synced. The broker calls it once after the first registration and then
// every slaveSyncInterval (10 s, RocketMQ's constant), on a slave only.
//
// Failures are logged once per change of outcome (a master that is down does not fill the log
// every 10 s); the call reports the first failure to the caller.
// Threads: sync_all() blocks (3 s per request at most); call it from the timer or main
// thread, never a transport I/O thread. Calls must not overlap.
#pragma once

#include "mq/sdk/status.h"

#include "broker/consumer_offset_table.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "config/broker_config.h"
#include "net/remoting_client.h"

#include <cstdint>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace mq::core {

inline constexpr std::int64_t kSlaveSyncTimeoutMs = 3000;

class SlaveSynchronizer {
 public:
  // Every reference must outlive the synchronizer.
  SlaveSynchronizer(const BrokerConfig& config, RemotingClient& client, TopicConfigTable& topics,
                    SubscriptionGroupTable& groups, ConsumerOffsetTable& offsets,
                    std::shared_ptr<spdlog::logger> logger);

  // Syncs the four tables from `master_address` (host:port). kUnavailable when the address is
  // empty; otherwise the first failure (unreachable master, error answer, unreadable body,
  // write error), or OK when all four were applied.
  sdk::Status sync_all(const std::string& master_address);

  // <storePathRootDir>/config/delayOffset.json, the file the delay service reads at start.
  std::string delay_offset_file() const;

 private:
  // The body of a successful answer to `code`, or why there is none.
  sdk::Result<std::string> fetch(const std::string& master_address, std::int32_t code);
  sdk::Status sync_topics(const std::string& master_address);
  sdk::Status sync_groups(const std::string& master_address);
  sdk::Status sync_offsets(const std::string& master_address);
  sdk::Status sync_delay_offsets(const std::string& master_address);

  const BrokerConfig& config_;
  RemotingClient& client_;
  TopicConfigTable& topics_;
  SubscriptionGroupTable& groups_;
  ConsumerOffsetTable& offsets_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string last_offsets_;        // the master's consumer-offset answer last applied
  std::string last_delay_offsets_;  // the delayOffset.json text last written
  std::string last_error_;          // the failure last logged; empty after a clean sync
};

}  // namespace mq::core
