// One topic/queue's consume queue: entry n (20 bytes: physical offset, size, tags code) locates
// the n-th message of the queue in the commit log. Files live in
// storePathConsumeQueue/<topic>/<queueId>/ and hold mappedFileSizeConsumeQueue bytes each.
//
// The consume queue is derived data: recovery can rebuild any suffix of it from the commit log,
// so it is flushed lazily (by the store's housekeeping thread) and never waited for.
// Threads: put()/truncate_after()/load() belong to the store's append lock; readers on any
// thread see an entry once put() has returned. min_offset() moves forward under retention.
#pragma once

#include "mapped_file_queue.h"

#include "mq/sdk/status.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace mq::store_mmap {

struct ConsumeQueueEntry {
  std::int64_t physical_offset = 0;
  std::int32_t size = 0;
  std::int64_t tags_code = 0;
  bool is_blank() const noexcept;
};

class ConsumeQueue {
 public:
  // REQUIRES: file_size is a positive multiple of 20.
  ConsumeQueue(std::string topic, std::int32_t queue_id, std::string directory,
               std::int64_t file_size);

  const std::string& topic() const noexcept { return topic_; }
  std::int32_t queue_id() const noexcept { return queue_id_; }

  // Maps the files and finds the end: the first all-zero entry of the last file.
  sdk::Status load() noexcept;
  // Recovery: drops trailing entries whose record does not end at or before `log_end`.
  sdk::Status truncate_after(std::int64_t log_end) noexcept;
  // Moves min_offset() to the first entry whose record is at or after `log_min` (retention).
  void correct_min_offset(std::int64_t log_min) noexcept;

  // Writes the entry for message `queue_offset`. An offset below max_offset() is already
  // present and ignored; one above it is preceded by blank entries (a queue that starts late,
  // or a gap found in recovery) and reported by `*gap` when not null.
  sdk::Status put(std::int64_t queue_offset, std::int64_t physical_offset, std::int32_t size,
                  std::int64_t tags_code, bool* gap = nullptr) noexcept;

  // One past the last entry; the first readable entry.
  std::int64_t max_offset() const noexcept;
  std::int64_t min_offset() const noexcept { return min_offset_.load(std::memory_order_acquire); }
  // Commit-log end of the last entry's record, or -1 when the queue is empty.
  std::int64_t last_record_end() const noexcept;

  // Entry `queue_offset`, or false when it is not in [first file, max_offset()).
  bool get(std::int64_t queue_offset, ConsumeQueueEntry* out) const noexcept;

  // Entries from `queue_offset` on, up to `max_entries`, all from one file and pinned by `file`.
  // count == 0 when there is none.
  struct Run {
    const std::uint8_t* data = nullptr;
    std::int64_t count = 0;
    std::shared_ptr<MappedFile> file;
    ConsumeQueueEntry at(std::int64_t i) const noexcept;
  };
  Run read(std::int64_t queue_offset, std::int64_t max_entries) const noexcept;

  sdk::Result<std::int64_t> flush() noexcept { return files_.flush(); }
  std::int64_t dirty_bytes() const noexcept { return files_.dirty_bytes(); }
  // Deletes leading files whose every record lies below `log_min`. Returns how many went.
  int delete_files_below(std::int64_t log_min) noexcept;
  // Deletes every file and the queue's directory.
  void destroy() noexcept { files_.destroy_all(); }

 private:
  sdk::Status write_entry(std::int64_t physical_offset, std::int32_t size,
                          std::int64_t tags_code) noexcept;

  // Constant after construction.
  const std::string topic_;
  const std::int32_t queue_id_;

  MappedFileQueue files_;
  std::atomic<std::int64_t> min_offset_{0};
};

}  // namespace mq::store_mmap
