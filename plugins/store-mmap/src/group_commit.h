// The commit-log flusher: one thread that makes appended bytes durable, and the waiters of
// SYNC_FLUSH appends.
//
// SYNC_FLUSH: an append registers a waiter keyed by the end offset of its records
// (wait_durable). The thread takes every waiter present, syncs once (msync of every dirty page
// of the log), and completes with OK each waiter whose end is now durable — one sync for the
// whole group. A waiter still not durable `sync_flush_timeout_ms` after it registered completes
// with kFlushDiskTimeout (its records stay in the log). Timeouts are checked between syncs, so
// a single sync that blocks longer than the timeout delays them until it returns.
// ASYNC_FLUSH: no waiters; the thread syncs every `interval_ms` when at least `least_bytes` are
// dirty, and at least every `thorough_interval_ms` when anything is.
// A failed sync is sticky: failed() turns true, waiters complete with kFlushDiskTimeout, and
// the store refuses further appends (what reached the disk is unknown).
//
// Lifecycle: start() launches the thread; stop() syncs a last time, completes every waiter and
// joins. Completions run on the flusher thread, or inline in wait_durable() when the end is
// already durable, and must not block.
#pragma once

#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mq::store_mmap {

class GroupCommitter {
 public:
  struct Options {
    bool sync_flush = false;
    std::int64_t sync_flush_timeout_ms = 5000;
    std::int64_t interval_ms = 500;
    std::int64_t least_bytes = 4 * 4096;
    std::int64_t thorough_interval_ms = 10000;
  };
  // Makes every published byte durable; returns the durable end offset.
  using FlushFunction = std::function<sdk::Result<std::int64_t>()>;
  using DirtyBytesFunction = std::function<std::int64_t()>;
  // OK once durable, else kFlushDiskTimeout.
  using Completion = std::function<void(const sdk::Status&)>;

  GroupCommitter(Options options, FlushFunction flush, DirtyBytesFunction dirty_bytes,
                 std::int64_t durable_end, const sdk::Clock& clock, sdk::Metrics& metrics,
                 sdk::Logger& logger);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  ~GroupCommitter();

  void start();
  void stop() noexcept;

  // SYNC_FLUSH: completes `done` once every byte below `end` is durable (see the file comment).
  void wait_durable(std::int64_t end, Completion done) noexcept;

  std::int64_t durable_end() const noexcept { return durable_end_.load(std::memory_order_acquire); }
  // Syncs performed so far (also counted in the metric "store.commitlog.syncs").
  std::int64_t sync_count() const noexcept { return syncs_.load(std::memory_order_relaxed); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }

 private:
  struct Waiter {
    std::int64_t deadline_ns;
    Completion done;
  };
  void run() noexcept;
  void sync_once() noexcept;
  // Completes waiters that are durable or expired. REQUIRES: `lock` holds mu_; releases it
  // while completions run.
  void complete_ready(std::unique_lock<std::mutex>& lock, bool all) noexcept;

  // Constant after construction.
  const Options options_;
  const FlushFunction flush_;
  const DirtyBytesFunction dirty_bytes_;
  const sdk::Clock& clock_;
  sdk::Metrics& metrics_;
  sdk::Logger& logger_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<std::int64_t, Waiter> waiters_;  // guarded by mu_, keyed by end offset
  bool stopping_ = false;                        // guarded by mu_
  bool exited_ = false;  // guarded by mu_: the flusher completed its last waiters and left
  std::thread thread_;

  std::atomic<std::int64_t> durable_end_;
  std::atomic<std::int64_t> syncs_{0};
  std::atomic<bool> failed_{false};
  std::int64_t last_sync_ns_ = 0;  // flusher thread only
};

}  // namespace mq::store_mmap
