#include "group_commit.h"

#include <chrono>
#include <vector>

namespace mq::store_mmap {

GroupCommitter::GroupCommitter(Options options, FlushFunction flush, DirtyBytesFunction dirty_bytes,
                               std::int64_t durable_end, const sdk::Clock& clock,
                               sdk::Metrics& metrics, sdk::Logger& logger)
    : options_(options),
      flush_(std::move(flush)),
      dirty_bytes_(std::move(dirty_bytes)),
      clock_(clock),
      metrics_(metrics),
      logger_(logger),
      durable_end_(durable_end) {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::start() {
  last_sync_ns_ = clock_.steady_ns();
  thread_ = std::thread([this] { run(); });
}

void GroupCommitter::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::wait_durable(std::int64_t end, Completion done) noexcept {
  std::unique_lock lock(mu_);
  if (failed()) {
    lock.unlock();
    done(sdk::Status(sdk::StatusCode::kFlushDiskTimeout, "an earlier disk sync failed"));
    return;
  }
  if (end <= durable_end()) {
    lock.unlock();
    done(sdk::Status::ok());
    return;
  }
  std::multimap<std::int64_t, Waiter>::iterator registered;
  try {
    const std::int64_t deadline = clock_.steady_ns() + options_.sync_flush_timeout_ms * 1000000;
    registered = waiters_.emplace(end, Waiter{deadline, std::move(done)});
  } catch (...) {
    lock.unlock();
    done(sdk::Status(sdk::StatusCode::kFlushDiskTimeout, "out of memory while waiting for sync"));
    return;
  }
  if (exited_) {
    // The flusher is gone (stop() raced with this append): sync inline so the waiter still
    // completes exactly once.
    Completion late = std::move(registered->second.done);
    waiters_.erase(registered);
    lock.unlock();
    auto flushed = flush_();
    late(flushed.ok() && flushed.value() >= end ? sdk::Status::ok()
                                                : sdk::Status(sdk::StatusCode::kFlushDiskTimeout,
                                                              "the store stopped before the sync"));
    return;
  }
  lock.unlock();
  wake_.notify_one();
}

void GroupCommitter::sync_once() noexcept {
  auto flushed = flush_();
  syncs_.fetch_add(1, std::memory_order_relaxed);
  metrics_.add("store.commitlog.syncs", 1);
  last_sync_ns_ = clock_.steady_ns();
  if (flushed.ok()) {
    if (flushed.value() > durable_end()) {
      durable_end_.store(flushed.value(), std::memory_order_release);
    }
  } else if (!failed_.exchange(true)) {
    logger_.error("commit log sync failed, refusing further appends: ",
                  flushed.status().to_string());
  }
}

void GroupCommitter::complete_ready(std::unique_lock<std::mutex>& lock, bool all) noexcept {
  std::vector<std::pair<Completion, sdk::Status>> ready;
  const std::int64_t now = clock_.steady_ns();
  const std::int64_t durable = durable_end();
  try {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->first <= durable) {
        ready.emplace_back(std::move(it->second.done), sdk::Status::ok());
      } else if (all || failed() || it->second.deadline_ns <= now) {
        ready.emplace_back(std::move(it->second.done),
                           sdk::Status(sdk::StatusCode::kFlushDiskTimeout,
                                       failed() ? "the disk sync failed"
                                                : "not synced to disk within syncFlushTimeout"));
      } else {
        ++it;
        continue;
      }
      it = waiters_.erase(it);
    }
  } catch (...) {
    // Out of memory building the list: complete what was collected, the rest next round.
  }
  lock.unlock();
  for (auto& [done, status] : ready) done(status);
  lock.lock();
}

void GroupCommitter::run() noexcept {
  std::unique_lock lock(mu_);
  while (true) {
    if (options_.sync_flush) {
      if (waiters_.empty() && !stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms));
      }
      const bool stopping = stopping_;
      const bool waiting = !waiters_.empty();
      lock.unlock();
      if (waiting || dirty_bytes_() > 0) sync_once();
      lock.lock();
      complete_ready(lock, stopping);
      if (stopping) {
        exited_ = true;
        break;
      }
    } else {
      if (!stopping_) wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms));
      const bool stopping = stopping_;
      lock.unlock();
      const std::int64_t dirty = dirty_bytes_();
      const bool thorough =
          clock_.steady_ns() - last_sync_ns_ >= options_.thorough_interval_ms * 1000000;
      if (dirty > 0 && (stopping || thorough || dirty >= options_.least_bytes)) sync_once();
      lock.lock();
      if (stopping) {
        exited_ = true;
        break;
      }
    }
  }
}

}  // namespace mq::store_mmap
