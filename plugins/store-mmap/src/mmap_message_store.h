// MmapMessageStore: sdk::MessageStore on a RocketMQ-style commit log in mapped files, wiring
// CommitLog, the ConsumeQueues, MessageIndex, GroupCommitter, recovery and retention.
//
// Durability (what is on disk when an append callback fires):
//  - SYNC_FLUSH: OK means every byte of the record(s), and of every record before them in the
//    log, has been msync'ed. kFlushDiskTimeout (with a filled result) means the record is in the
//    log and readable but was not synced within syncFlushTimeout; a later sync will include it.
//  - ASYNC_FLUSH: OK means the record is in the log (page cache) and readable; it reaches the
//    disk within about flushIntervalCommitLog, or is lost by a machine crash before that.
//  - In both modes the record is already dispatched: a read_queue() that starts after the
//    callback fired sees it. Consume queues and the index are flushed lazily and rebuilt from
//    the log by recovery.
// Threads: every public method may be called from any thread. Appends (and apply_replicated)
// serialise on one mutex (RocketMQ's putMessageLock) that covers encoding into the mapped file
// and dispatch; reads never take it. Own threads: the commit-log flusher (GroupCommitter) and
// a housekeeping thread (consume-queue/index flush, checkpoint, disk usage, retention).
// Lifecycle: construct, start() (recover), use, stop() (idempotent; also run by the
// destructor). Views handed out stay valid while their keepalive lives, even after stop().
#pragma once

#include "commit_log.h"
#include "consume_queue.h"
#include "group_commit.h"
#include "message_index.h"
#include "retention.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/store.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>

namespace mq::store_mmap {

class MmapMessageStore final : public sdk::MessageStore {
 public:
  struct Settings {
    sdk::StoreOptions options;
    bool warm_mapped_files = false;                 // mmap.warmMappedFile
    std::int64_t housekeeping_interval_ms = 10000;  // mmap.housekeepingIntervalMs
    // How often the index is synced (mmap.indexFlushIntervalMs). Each sync write-protects every
    // page of its hash table, and the next key stored into each page faults; the index is
    // derived data that recovery rebuilds from the log, so it is synced less often than the
    // consume queues. A stop syncs it.
    std::int64_t index_flush_interval_ms = 10000;
    // Measures disk usage in percent for a path; tests replace it. Default: statvfs.
    std::function<double(const std::string&)> disk_used_percent;
  };

  // What start() found.
  struct RecoveryReportView {
    bool after_crash = false;  // the abort file was present
    // After a crash, the abort file names this boot: the process died but the machine did not,
    // so the page cache kept every store into the index and it was not re-read from its sync.
    bool same_boot = false;
    std::int64_t scanned_from = 0;  // where the log was re-read from
    std::int64_t log_end = 0;
    std::int64_t records = 0;        // records re-read and re-dispatched
    std::int64_t dropped_bytes = 0;  // torn tail cut off
  };

  MmapMessageStore(sdk::HostServices& host, Settings settings);
  MmapMessageStore(const MmapMessageStore&) = delete;
  MmapMessageStore& operator=(const MmapMessageStore&) = delete;
  ~MmapMessageStore() override;

  sdk::Status start() noexcept override;
  void stop() noexcept override;

  void append(const sdk::MessageToAppend& message, sdk::AppendCallback done) noexcept override;
  void append_batch(const std::vector<sdk::MessageToAppend>& messages,
                    sdk::AppendCallback done) noexcept override;
  void append_deferred(const sdk::MessageToAppend& message,
                       sdk::AppendCallback done) noexcept override;
  void append_batch_deferred(const std::vector<sdk::MessageToAppend>& messages,
                             sdk::AppendCallback done) noexcept override;
  void complete_deferred() noexcept override {
    if (pending_waiting_.load(std::memory_order_acquire)) commit_staged();
  }

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

  // ---- for tests and operators -----------------------------------------------------------
  // Commit-log syncs so far.
  std::int64_t sync_count() const noexcept;
  // Measures the disk and runs retention now, as the housekeeping thread does; `force` ignores
  // deleteWhen. Returns how many commit-log files were deleted.
  int run_housekeeping(std::int64_t now_ms, bool force) noexcept;
  // What the last start() found. REQUIRES: start() returned.
  const RecoveryReportView& last_recovery() const noexcept { return recovery_; }

 private:
  // `defer`: leave the records staged for complete_deferred() (see "staged appends").
  void append_messages(std::span<const sdk::MessageToAppend> messages, sdk::AppendCallback& done,
                       bool defer) noexcept;
  sdk::Status validate(std::span<const sdk::MessageToAppend> messages,
                       std::int64_t* total_bytes) const;
  std::shared_ptr<ConsumeQueue> find_queue(std::string_view topic, std::int32_t queue_id) const;
  sdk::Result<std::shared_ptr<ConsumeQueue>> queue_for_write(std::string_view topic,
                                                             std::int32_t queue_id);
  // Adds a stored record to its consume queue and the index. REQUIRES: append_mu_ held, or
  // start() running.
  sdk::Status dispatch(const sdk::record::StoredRecord& record, std::int64_t physical_offset,
                       std::int64_t tags_code, std::string_view keys, std::string_view unique_key);
  sdk::Status dispatch_stored(const sdk::record::StoredRecord& record,
                              std::int64_t physical_offset);
  sdk::Status load_consume_queues();
  std::vector<std::shared_ptr<ConsumeQueue>> all_queues() const;
  // Flushes the consume queues (and the index when `flush_index`), then writes the checkpoint.
  sdk::Status checkpoint(bool flush_index) noexcept;
  void housekeeping_loop() noexcept;
  void check_disk() noexcept;
  sdk::Result<std::int64_t> store_time_at(std::int64_t physical_offset) const noexcept;

  // ---- staged appends ----------------------------------------------------------------------
  // An append is encoded, staged in the commit log and dispatched to its consume queue and the
  // index under append_mu_; its callback waits in pending_ until commit_staged() has written
  // the staged records to the log (one pwrite() for all of them) and made them readable. A
  // plain append commits at once. A deferred one waits for complete_deferred(), which the
  // broker calls at the end of each batch of requests a transport read, so that one write
  // serves the batch; kStagedBytesLimit bytes waiting are written at once, and the commit
  // thread writes whatever was left waiting kBackstopMs at the latest. A reader that finds
  // records dispatched but not yet written writes them first (make_readable), so a read never
  // misses an acknowledged record.
  struct PendingAppend {
    sdk::AppendCallback done;
    sdk::AppendResult result;
  };
  static constexpr std::int64_t kBackstopMs = 10;
  static constexpr std::int64_t kStagedBytesLimit = 256 << 10;
  // Writes what is staged and completes its appends (with the error when the write fails).
  // Takes commit_mu_ then append_mu_; REQUIRES: neither held.
  void commit_staged() noexcept;
  // Completes one written append: SYNC_FLUSH waits for the group commit first.
  void complete(PendingAppend& append, const sdk::Status& written) noexcept;
  // Called after the caller has loaded the queue or index positions it reads up to: every entry
  // it can see was dispatched after staged_end_ covered its record.
  void make_readable() noexcept {
    if (staged_end_.load(std::memory_order_acquire) > commit_log_.end_offset()) {
      commit_staged();
    }
  }
  void commit_loop() noexcept;
  void stop_commit_thread() noexcept;
  // Constant after construction.
  sdk::HostServices& host_;
  const Settings settings_;
  const RetentionPolicy retention_;
  const std::string commit_log_dir_;
  const std::string consume_queue_dir_;
  const std::string index_dir_;
  const std::string checkpoint_path_;
  const std::string abort_path_;

  CommitLog commit_log_;
  MessageIndex index_;
  std::unique_ptr<GroupCommitter> committer_;  // set by start()
  RecoveryReportView recovery_;

  // Serialises appends, replication applies, delete_topic and lifecycle changes.
  std::mutex append_mu_;
  bool started_ = false;  // guarded by append_mu_
  bool stopped_ = false;  // guarded by append_mu_
  std::atomic<bool> serving_{false};
  std::atomic<bool> disk_full_{false};
  // Commit-log end of the last dispatched record (written under append_mu_).
  std::atomic<std::int64_t> dispatched_end_{0};
  // Commit-log end of the last staged record, stored before its entries are dispatched, so a
  // reader that sees an entry also sees that its record may still be staged.
  std::atomic<std::int64_t> staged_end_{0};
  std::vector<PendingAppend> pending_;        // guarded by append_mu_
  std::atomic<bool> pending_waiting_{false};  // pending_ is not empty (set under append_mu_)
  // A commit-log write failed: appends are refused until a restart recovers the log.
  std::atomic<bool> write_failed_{false};

  // Taken before append_mu_, never while holding it: one commit_staged() at a time, in order.
  std::mutex commit_mu_;
  CommitLog::Staged in_flight_;  // guarded by commit_mu_; its buffer is reused

  std::mutex commit_wake_mu_;
  std::condition_variable commit_wake_;
  bool commit_stop_ = false;  // guarded by commit_wake_mu_
  std::thread commit_thread_;
  std::atomic<bool> commit_thread_running_{false};

  // topic -> queue id -> queue. Readers share, queue creation and deletion are exclusive.
  mutable std::shared_mutex queues_mu_;
  std::map<std::string, std::map<std::int32_t, std::shared_ptr<ConsumeQueue>>, std::less<>> queues_;

  std::mutex housekeeping_mu_;
  std::condition_variable housekeeping_wake_;
  bool housekeeping_stop_ = false;  // guarded by housekeeping_mu_
  std::thread housekeeping_thread_;
  std::int64_t last_checkpoint_[3] = {-1, -1, -1};  // housekeeping thread (and stop) only
  std::int64_t index_flushed_ = 0;  // every record below is durably indexed; as last_checkpoint_
};

}  // namespace mq::store_mmap
