// The key index behind lookup_by_key: "topic#key" for every KEYS word and the UNIQ_KEY of each
// record, spread over IndexFiles in storePathIndex named by the 20-digit physical offset of
// their first record. A new file starts when the last one is full.
//
// Like the consume queues it is derived data: recovery re-indexes records after end_offset(),
// and lookups re-check every record they return (the store does), so stale entries are harmless.
// Threads: every method may be called from any thread; one mutex serialises them.
#pragma once

#include "index_file.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mq::store_mmap {

class MessageIndex {
 public:
  MessageIndex(std::string directory, std::int32_t slot_count, std::int32_t entry_limit);

  // Opens the index files on disk. An unreadable file is dropped with its keys.
  sdk::Status load(std::vector<std::string>* dropped) noexcept;
  // Commit-log end of the last indexed record (0 when nothing is indexed).
  std::int64_t end_offset() const noexcept;
  // Recovery: records at or after `log_end` are no longer in the log.
  void clamp_end_offset(std::int64_t log_end) noexcept;

  // Indexes the record at `physical_offset` under each space-separated word of `keys` and
  // under `unique_key`. Records that end at or before end_offset() are already indexed.
  sdk::Status add(std::string_view topic, std::string_view keys, std::string_view unique_key,
                  std::int64_t physical_offset, std::int32_t size,
                  std::int64_t store_time_ms) noexcept;

  // Physical offsets of records indexed under topic#key stored about within [begin_ms, end_ms]
  // (to the second), newest first, at most `max`.
  std::vector<std::int64_t> lookup(std::string_view topic, std::string_view key, std::size_t max,
                                   std::int64_t begin_ms, std::int64_t end_ms) const;

  sdk::Status flush() noexcept;
  // Deletes files whose every record lies below `log_min`, never the newest.
  int delete_files_below(std::int64_t log_min) noexcept;

  // Hash of the index key "topic#key" (non-negative, as RocketMQ's).
  static std::int32_t key_hash(std::string_view topic, std::string_view key) noexcept;

 private:
  sdk::Status add_key(std::string_view topic, std::string_view key, std::int64_t physical_offset,
                      std::int64_t store_time_ms, std::int64_t record_end);

  // Constant after construction.
  const std::string directory_;
  const std::int32_t slot_count_;
  const std::int32_t entry_limit_;

  mutable std::mutex mu_;
  struct Named {
    std::int64_t first_offset;
    std::unique_ptr<IndexFile> file;
  };
  std::vector<Named> files_;  // guarded by mu_, oldest first
};

}  // namespace mq::store_mmap
