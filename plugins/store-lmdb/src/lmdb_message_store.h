// LmdbMessageStore: sdk::MessageStore on one LMDB environment.
//
// The log is a database keyed by physical offset holding the §5.1 records store-mmap would
// write at the same offsets: the store mirrors mappedFileSizeCommitLog segment boundaries
// (a record never spans a boundary; the rest of a segment becomes a filler record), so a
// master on either store can feed a slave on the other with read_log()/apply_replicated().
// Consume-queue entries and the key index live in their own databases (lmdb_env.h).
//
// Durability (what is on disk when an append callback fires):
//  - SYNC_FLUSH: OK means the write transaction holding the record(s) has committed with a
//    sync (LMDB's own durable commit). kFlushDiskTimeout (with a filled result) means it did
//    commit durably, but later than syncFlushTimeout after the append.
//  - ASYNC_FLUSH: OK means the transaction committed without a sync (MDB_NOSYNC); the
//    background thread calls mdb_env_sync every flushIntervalCommitLog. A process crash loses
//    nothing committed; a machine crash may lose the last interval.
//  - In both modes a read that starts after the callback sees the record. LMDB transactions are
//    atomic, so a crash never leaves a torn record or a queue entry without its record.
// Threads: appends are queued and written by one writer thread, which drains every waiting
// append into one write transaction (group commit) and then completes their callbacks; no
// thread waits per request. apply_replicated/delete_topic/retention take the same writer lock.
// Reads run in short read transactions on the caller's thread and return COPIES (the
// keepalive owns the buffer), so no reader pins an LMDB snapshot and the map can grow.
// Lifecycle: construct, start(), use, stop() (idempotent; also run by the destructor).
#pragma once

#include "lmdb_env.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/store.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace mq::store_lmdb {

class LmdbMessageStore final : public sdk::MessageStore {
 public:
  struct Settings {
    sdk::StoreOptions options;
    std::int64_t map_size = 1LL << 30;              // lmdb.mapSize
    std::int64_t max_map_size = 64LL << 30;         // lmdb.maxMapSize
    std::int64_t housekeeping_interval_ms = 10000;  // lmdb.housekeepingIntervalMs
  };

  LmdbMessageStore(sdk::HostServices& host, Settings settings);
  LmdbMessageStore(const LmdbMessageStore&) = delete;
  LmdbMessageStore& operator=(const LmdbMessageStore&) = delete;
  ~LmdbMessageStore() override;

  sdk::Status start() noexcept override;
  void stop() noexcept override;

  void append(const sdk::MessageToAppend& message, sdk::AppendCallback done) noexcept override;
  void append_batch(const std::vector<sdk::MessageToAppend>& messages,
                    sdk::AppendCallback done) noexcept override;

  sdk::QueueReadResult read_queue(std::string_view topic, std::int32_t queue_id,
                                  sdk::QueueOffset offset, std::int32_t max_messages,
                                  std::int64_t max_bytes,
                                  const sdk::TagFilter& filter) noexcept override;
  sdk::QueueOffset min_offset(std::string_view topic, std::int32_t queue_id) noexcept override;
  sdk::QueueOffset max_offset(std::string_view topic, std::int32_t queue_id) noexcept override;
  sdk::QueueOffset offset_by_time(std::string_view topic, std::int32_t queue_id,
                                  std::int64_t timestamp_ms) noexcept override;
  std::int64_t store_time(std::string_view topic, std::int32_t queue_id,
                          sdk::QueueOffset offset) noexcept override;
  sdk::Result<RecordView> read_at(sdk::PhysicalOffset offset) noexcept override;
  sdk::Result<std::vector<RecordView>> lookup_by_key(std::string_view topic, std::string_view key,
                                                     std::int32_t max, std::int64_t begin_ms,
                                                     std::int64_t end_ms) noexcept override;
  sdk::Status delete_topic(std::string_view topic) noexcept override;

  sdk::PhysicalOffset log_end() const noexcept override;
  sdk::PhysicalOffset durable_end() const noexcept override;
  sdk::Result<RecordView> read_log(sdk::PhysicalOffset from,
                                   std::int64_t max_bytes) noexcept override;
  sdk::Status apply_replicated(sdk::PhysicalOffset at, sdk::ByteView records) noexcept override;

  // Measures the disk and runs retention now; `force` ignores deleteWhen. Returns how many
  // log segments were deleted.
  int run_housekeeping(std::int64_t now_ms, bool force) noexcept;
  std::int64_t map_size() const noexcept { return map_size_.load(); }

 private:
  // One append (or batch) waiting for the writer: records encoded with placeholder offsets.
  struct Pending {
    std::vector<std::uint8_t> bytes;  // the records back to back
    std::vector<std::uint32_t> sizes;
    std::string topic;
    std::int32_t queue_id = 0;
    std::vector<std::int64_t> tags_codes;
    std::vector<std::string> index_keys;  // per record: space-separated keys + unique key
    sdk::AppendCallback done;
    std::int64_t enqueued_ns = 0;
    sdk::AppendResult result;
  };
  struct QueueState {
    std::int64_t min = 0;
    std::int64_t max = 0;
  };
  using QueueMap = std::map<std::string, std::map<std::int32_t, QueueState>, std::less<>>;
  // Staged changes of one write transaction, applied after it commits.
  struct Staged {
    std::int64_t log_end = 0;
    std::map<std::pair<std::string, std::int32_t>, QueueState> queues;
  };

  void append_messages(std::span<const sdk::MessageToAppend> messages,
                       sdk::AppendCallback& done) noexcept;
  void writer_loop() noexcept;
  void background_loop() noexcept;
  // Writes `batch` in one transaction, growing the map when it is full.
  sdk::Status write_batch(std::vector<Pending>& batch);
  sdk::Status write_batch_once(std::vector<Pending>& batch, Staged& staged, int* rc_out);
  sdk::Status grow_map();
  // Puts a log record (or a filler header) and its queue/index entries. REQUIRES: write txn.
  int put_filler(MDB_txn* txn, std::int64_t at, std::int64_t size);
  int put_queue_entry(MDB_txn* txn, std::string_view topic, std::int32_t queue_id,
                      std::int64_t queue_offset, std::int64_t physical_offset, std::int32_t size,
                      std::int64_t tags_code);
  int put_index_keys(MDB_txn* txn, std::string_view topic, std::string_view keys,
                     std::int64_t physical_offset, std::int64_t store_ms);
  QueueState staged_queue(const Staged& staged, const std::string& topic,
                          std::int32_t queue_id) const;
  void apply_staged(const Staged& staged);
  sdk::Status load_state();
  bool find_queue(std::string_view topic, std::int32_t queue_id, QueueState* out) const;
  sdk::Status check_disk() noexcept;
  // Copies the message record at `offset`; kNotFound for none or a filler.
  sdk::Result<RecordView> copy_record(MDB_txn* txn, std::int64_t offset) const;
  std::int64_t record_store_time(MDB_txn* txn, std::int64_t offset) const;
  std::int64_t segment_size() const noexcept {
    return settings_.options.mapped_file_size_commit_log;
  }

  // Constant after construction.
  sdk::HostServices& host_;
  const Settings settings_;
  const std::string env_dir_;
  const bool sync_flush_;
  std::vector<int> delete_hours_;

  Env env_;
  std::atomic<std::int64_t> map_size_{0};
  // Shared by every transaction; exclusive while the map is resized (LMDB requires that no
  // transaction of the process is active then).
  mutable std::shared_mutex map_mu_;

  // The writer's lock: log placement, queue offsets and every write transaction.
  std::mutex write_mu_;
  std::atomic<std::int64_t> log_end_{0};
  std::atomic<std::int64_t> durable_end_{0};
  std::atomic<std::int64_t> log_min_{0};

  mutable std::shared_mutex queues_mu_;
  QueueMap queues_;

  std::mutex pending_mu_;
  std::condition_variable pending_wake_;
  std::deque<Pending> pending_;  // guarded by pending_mu_
  bool stopping_ = false;        // guarded by pending_mu_
  std::thread writer_thread_;

  std::mutex background_mu_;
  std::condition_variable background_wake_;
  bool background_stop_ = false;  // guarded by background_mu_
  std::thread background_thread_;

  std::mutex lifecycle_mu_;
  bool started_ = false;  // guarded by lifecycle_mu_
  bool stopped_ = false;  // guarded by lifecycle_mu_
  std::atomic<bool> serving_{false};
  std::atomic<bool> disk_full_{false};
  std::atomic<bool> failed_{false};  // a commit or sync failed: appends refused
};

}  // namespace mq::store_lmdb
