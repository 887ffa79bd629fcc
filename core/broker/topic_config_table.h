// TopicConfigTable: the broker's topics, persisted as <storePathRootDir>/config/topics.json
// in RocketMQ's TopicConfigSerializeWrapper JSON (so existing tools can read it).
//
// On first start it holds the system topics a RocketMQ 4.9 broker registers (TBW102 when
// autoCreateTopicEnable, SELF_TEST_TOPIC, BenchmarkTest, the cluster and broker names,
// OFFSET_MOVED_EVENT, SCHEDULE_TOPIC_XXXX, <cluster>_REPLY_TOPIC). Every change bumps the
// DataVersion and is written to disk (temp file + fsync + rename) before the call returns.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include "mq/sdk/status.h"

#include "config/broker_config.h"
#include "remoting/topic_config.h"

#include <mutex>
#include <optional>
#include <string>

namespace mq::core {

class TopicConfigTable {
 public:
  explicit TopicConfigTable(const BrokerConfig& config);

  // Reads the file if present (a corrupt file is an error naming it), then adds missing system
  // topics.
  sdk::Status load();

  std::optional<TopicConfig> find(std::string_view topic) const;
  // Creates or replaces a topic and persists the table.
  sdk::Status upsert(const TopicConfig& topic);
  sdk::Status remove(std::string_view topic);
  TopicConfigSerializeWrapper snapshot() const;

  // Slave metadata sync: makes the table `table` (topics and DataVersion, as RocketMQ's slave
  // takes its master's) plus any missing system topic, and persists. Returns false and writes
  // nothing when that is what the table already held; true after a replacement; kIoError when
  // the write failed (the new table is kept in memory either way).
  sdk::Result<bool> replace_all(const TopicConfigSerializeWrapper& table);

  std::string file_path() const;

 private:
  sdk::Status persist_locked() const;
  void add_system_topics_locked();

  const BrokerConfig& config_;
  mutable std::mutex mu_;
  TopicConfigSerializeWrapper table_;  // guarded by mu_
};

// RocketMQ's topic-name rule: 1..127 characters from [A-Za-z0-9%|_-].
bool valid_topic_name(std::string_view topic);

// The broker's own topics no client may send to (§3.2: SCHEDULE_TOPIC_XXXX, the transaction
// topics, SELF_TEST_TOPIC, OFFSET_MOVED_EVENT).
bool is_no_send_topic(std::string_view topic);

}  // namespace mq::core
