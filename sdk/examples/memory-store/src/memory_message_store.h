// MemoryMessageStore: a MessageStore that keeps the most recent records in memory.
//
// The log is a sequence of whole stored records (RocketMQ 4.x layout, mq/sdk/stored_record.h),
// each in its own immutable buffer, at contiguous physical offsets. Consume queues and the key
// index point into it by physical offset.
//
// Layout: the log is cut into segments of mappedFileSizeCommitLog bytes, like the files of
// store-mmap and the segments of store-lmdb, so the three give the same physical offsets. A
// record (or a batch) never spans a segment: when it does not fit with 8 bytes to spare, an
// end-of-segment filler (TOTALSIZE = the bytes left, MAGICCODE = kBlankMagic) takes the rest
// and the record starts the next segment. Only the filler's 8-byte header is kept in memory;
// read_log() pads it with zeros, as the filler reads from a disk store.
//
// Retention: when the log holds more than `max_bytes`, the oldest records go, together with
// their queue entries and index keys, so a queue's min offset moves forward exactly as
// retention moves it in a disk store. And as in a disk store, a whole segment other than the
// last one goes once it was last written fileReservedTime hours ago, during the deleteWhen
// hours (checked every second on the host's timer).
//
// Durability: nothing survives a restart. A record is "durable" as soon as it is in the log
// (durable_end() == log_end()), so SYNC_FLUSH appends complete at once, with OK.
// Threads: every method may be called from any thread; one reader-writer lock guards all state.
// append() completes its callback inline, after the lock is released. The retention check
// runs on the host's timer thread, cancelled by stop().
// Ownership: readers get views into record buffers plus a keepalive that pins them, so a record
// dropped by retention stays readable for as long as a reader holds its view.
#pragma once

#include "mq/sdk/host_services.h"
#include "mq/sdk/store.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace memory_store {

class MemoryMessageStore final : public mq::sdk::MessageStore {
 public:
  struct Settings {
    std::int64_t max_bytes = 64LL * 1024 * 1024;  // memory.maxBytes
    std::int64_t max_message_size = 4LL * 1024 * 1024;
    std::int64_t segment_size = 1024LL * 1024 * 1024;  // mappedFileSizeCommitLog
    std::int64_t file_reserved_time_hours = 72;        // fileReservedTime
    std::string delete_when = "04";                    // deleteWhen
  };

  MemoryMessageStore(mq::sdk::HostServices& host, Settings settings);
  ~MemoryMessageStore() override;

  mq::sdk::Status start() noexcept override;
  void stop() noexcept override;

  void append(const mq::sdk::MessageToAppend& message,
              mq::sdk::AppendCallback done) noexcept override;
  void append_batch(const std::vector<mq::sdk::MessageToAppend>& messages,
                    mq::sdk::AppendCallback done) noexcept override;

  mq::sdk::QueueReadResult read_queue(std::string_view topic, std::int32_t queue_id,
                                      mq::sdk::QueueOffset offset, std::int32_t max_messages,
                                      std::int64_t max_bytes,
                                      const mq::sdk::TagFilter& filter) noexcept override;
  mq::sdk::QueueOffset min_offset(std::string_view topic, std::int32_t queue_id) noexcept override;
  mq::sdk::QueueOffset max_offset(std::string_view topic, std::int32_t queue_id) noexcept override;
  mq::sdk::QueueOffset offset_by_time(std::string_view topic, std::int32_t queue_id,
                                      std::int64_t timestamp_ms) noexcept override;
  std::int64_t store_time(std::string_view topic, std::int32_t queue_id,
                          mq::sdk::QueueOffset offset) noexcept override;

  mq::sdk::Result<RecordView> read_at(mq::sdk::PhysicalOffset offset) noexcept override;
  mq::sdk::Result<std::vector<RecordView>> lookup_by_key(std::string_view topic,
                                                         std::string_view key, std::int32_t max,
                                                         std::int64_t begin_ms,
                                                         std::int64_t end_ms) noexcept override;
  mq::sdk::Status delete_topic(std::string_view topic) noexcept override;

  mq::sdk::PhysicalOffset log_end() const noexcept override;
  mq::sdk::PhysicalOffset durable_end() const noexcept override;
  mq::sdk::Result<RecordView> read_log(mq::sdk::PhysicalOffset from,
                                       std::int64_t max_bytes) noexcept override;
  mq::sdk::Status apply_replicated(mq::sdk::PhysicalOffset at,
                                   mq::sdk::ByteView records) noexcept override;

 private:
  using Buffer = std::vector<std::uint8_t>;

  // One record of the log, or an end-of-segment filler: then `bytes` holds only its 8-byte
  // header, `size` is the bytes it takes in the log, and `queue_key` is empty (a filler
  // belongs to no queue).
  struct LogEntry {
    std::int64_t offset = 0;
    std::int64_t size = 0;
    bool filler = false;
    std::shared_ptr<const Buffer> bytes;
    std::string queue_key;
    std::vector<std::string> index_keys;
  };
  // A segment of the log that holds at least one entry, and when it was last written.
  struct Segment {
    std::int64_t start = 0;
    std::int64_t last_write_ms = 0;
  };
  // One consume-queue entry.
  struct QueueEntry {
    std::int64_t physical_offset = 0;
    std::int64_t tags_code = 0;
    std::int64_t store_timestamp_ms = 0;
  };
  // A consume queue: entries[i] has queue offset base + i.
  struct Queue {
    std::int64_t base = 0;
    std::deque<QueueEntry> entries;
    std::int64_t end() const noexcept { return base + static_cast<std::int64_t>(entries.size()); }
  };

  // Adds a record already encoded at log_end_ to the log, its queue and the index.
  // REQUIRES: mu_ held exclusively.
  void add_locked(std::shared_ptr<const Buffer> bytes, std::string_view topic,
                  std::int32_t queue_id, std::int64_t queue_offset, std::int64_t tags_code,
                  std::int64_t store_timestamp_ms, std::string_view keys,
                  std::string_view unique_key);
  // Ends the current segment with a filler at log_end_. REQUIRES: mu_ held exclusively.
  void add_filler_locked(std::int64_t size);
  // Notes a write at log_end_ in its segment. REQUIRES: mu_ held exclusively.
  void touch_segment_locked();
  // Drops the oldest log entry with its queue entry and index keys, and the segments left
  // empty. REQUIRES: mu_ held exclusively, log_ not empty.
  void drop_oldest_locked();
  // Drops the oldest records while the log is above max_bytes. REQUIRES: mu_ held exclusively.
  void enforce_retention_locked();
  // The timer's check: drops segments older than fileReservedTime during a deleteWhen hour.
  void expire_segments() noexcept;
  bool is_delete_hour(std::int64_t now_ms) const noexcept;
  // The log entry starting exactly at `offset`, or nullptr. REQUIRES: mu_ held.
  const LogEntry* find_locked(std::int64_t offset) const noexcept;
  const Queue* find_queue_locked(std::string_view topic, std::int32_t queue_id) const;

  static std::string queue_key(std::string_view topic, std::int32_t queue_id);
  static std::string index_key(std::string_view topic, std::string_view key);

  mq::sdk::HostServices& host_;
  const Settings settings_;

  std::vector<int> delete_hours_;  // from deleteWhen
  mq::sdk::TimerId retention_timer_ = 0;

  mutable std::shared_mutex mu_;
  bool running_ = false;
  std::deque<LogEntry> log_;
  std::deque<Segment> segments_;    // oldest first; covers every entry of log_
  std::int64_t log_end_ = 0;        // next physical offset
  std::int64_t log_bytes_ = 0;      // bytes held in log_ (a filler counts its header)
  std::int64_t last_store_ms_ = 0;  // store times never go backwards
  std::map<std::string, Queue, std::less<>> queues_;
  std::unordered_map<std::string, std::deque<std::int64_t>> index_;  // key -> physical offsets
};

}  // namespace memory_store
