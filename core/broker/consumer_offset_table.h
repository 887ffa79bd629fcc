// ConsumerOffsetTable: the consume progress of every (group, topic, queue), persisted as
// <storePathRootDir>/config/consumerOffset.json in RocketMQ's ConsumerOffsetManager JSON
// (remoting-protocol.md §3.7, §4.7):
//
//   {"offsetTable":{"TopicTest@CG":{0:12,1:7}}}
//
// Keys are "<topic>@<group>"; queue ids are fastjson's unquoted integer keys. The same text is
// the body of GET_ALL_CONSUMER_OFFSET (43). Both quoted and unquoted queue ids are read, and a
// Java broker's pretty-printed file loads as well. Entries are written in key order, queues in
// ascending id order.
//
// Offsets are stored exactly as committed: a commit of -1 (ali-ons sends it for "offset 0") is
// kept and returned as -1; the query handler decides what -1 means.
//
// Durability: commit() changes memory only. persist() (the broker calls it every 5 s and at
// stop) writes the whole table with temp file + fsync + rename when anything changed since the
// last successful write, so a crash loses at most the commits since then, as in RocketMQ.
//
// Lifecycle: construct, load() once at start-up, then use. The BrokerConfig must outlive the
// table. Thread-safety: every method may be called from any thread. Commits and queries take
// one mutex briefly; persist() serializes the table under it and writes the file outside it,
// so commits never wait for the disk.
#pragma once

#include "mq/sdk/status.h"

#include "config/broker_config.h"
#include "remoting/json.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

class ConsumerOffsetTable {
 public:
  explicit ConsumerOffsetTable(const BrokerConfig& config);

  // Replaces the table with the file's contents (empty when there is no file).
  // kCorruption naming the file when it is not an offset table (the table is then empty and
  // persist() refuses to overwrite the file until a load() succeeds); kIoError when it cannot
  // be read.
  sdk::Status load();

  // Stores `offset` for the queue (creating the entry). Memory only; see persist().
  // REQUIRES: `topic` contains no '@' (true of every valid topic name), or the entry cannot be
  // told apart from another (topic, group) pair.
  void commit(std::string_view group, std::string_view topic, std::int32_t queue_id,
              std::int64_t offset);

  // The last committed offset, as committed (-1 included); nullopt when the queue never had a
  // commit for this group.
  std::optional<std::int64_t> query(std::string_view group, std::string_view topic,
                                    std::int32_t queue_id) const;

  // queue id -> offset for every queue of `topic` the group committed; empty when none.
  std::map<std::int32_t, std::int64_t> offsets_of(std::string_view group,
                                                  std::string_view topic) const;

  // Groups with committed offsets on `topic`, in name order.
  std::vector<std::string> groups_of_topic(std::string_view topic) const;
  // Topics the group has committed offsets on, in name order.
  std::vector<std::string> topics_of_group(std::string_view group) const;

  // Forget every group's offsets on the topic (topic deleted).
  void remove_topic(std::string_view topic);
  // Forget every offset of the group (group deleted).
  void remove_group(std::string_view group);

  // Replaces the whole table with an offset-table body (a master's GET_ALL_CONSUMER_OFFSET
  // answer on a slave, or an admin restore). kCorruption naming the problem leaves the table
  // unchanged.
  sdk::Status replace_from_json(std::string_view body);

  // Writes the table to file_path() if it changed since the last successful write; OK and no
  // I/O otherwise. On failure (kIoError, or kUnavailable after a failed load()) the table
  // stays dirty and the next call tries again. Concurrent calls are serialized.
  sdk::Status persist();

  // The table in the format above; `int_keys` kQuoted gives standard JSON.
  std::string to_json(IntKeyStyle int_keys = IntKeyStyle::kUnquoted) const;

  // <storePathRootDir>/config/consumerOffset.json
  std::string file_path() const;

 private:
  // "<topic>@<group>" -> queue id -> offset.
  using Table = std::map<std::string, std::map<std::int32_t, std::int64_t>, std::less<>>;

  static sdk::Result<Table> parse(std::string_view text);
  std::string to_json_locked(IntKeyStyle int_keys) const;

  // Constant after construction.
  const BrokerConfig& config_;

  // Lock order: persist_mu_ before mu_.
  std::mutex persist_mu_;                       // held while writing the file
  std::uint64_t persisted_change_ = 0;          // guarded by persist_mu_: change_ on disk
  std::optional<sdk::Status> unreadable_file_;  // guarded by persist_mu_: why load() failed

  mutable std::mutex mu_;
  Table table_;               // guarded by mu_
  std::uint64_t change_ = 0;  // guarded by mu_: bumped by every change to table_
};

}  // namespace mq::core
