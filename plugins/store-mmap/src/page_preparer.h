// PagePreparer: one thread that keeps the pages ahead of the commit-log writer prepared
// (MappedFile::prepare), so the writer's stores do not take page-cache allocation faults.
//
// Threads: wrote() belongs to the single writer (the store's append lock); the preparation
// runs on the preparer's own thread. stop() joins it; wrote() after stop() does nothing.
#pragma once

#include "mapped_file.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace mq::store_mmap {

class PagePreparer {
 public:
  // Keeps `ahead_bytes` prepared past the write position, `step_bytes` per pwrite().
  PagePreparer(std::int64_t ahead_bytes, std::int64_t step_bytes) noexcept
      : ahead_(ahead_bytes), step_(step_bytes) {}
  ~PagePreparer() { stop(); }
  PagePreparer(const PagePreparer&) = delete;
  PagePreparer& operator=(const PagePreparer&) = delete;

  // Starts the thread; false when it cannot be started (the writer then takes the faults).
  bool start() noexcept;
  void stop() noexcept;

  // The writer has written `file` up to `position`. Wakes the thread once per half of the
  // distance ahead, so the common call is two comparisons.
  void wrote(const std::shared_ptr<MappedFile>& file, std::int64_t position) noexcept;

 private:
  void run() noexcept;

  const std::int64_t ahead_;
  const std::int64_t step_;

  // Writer-only: the last request made, to skip the lock when nothing new is needed.
  const MappedFile* requested_file_ = nullptr;
  std::int64_t requested_end_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<MappedFile> target_;  // guarded by mu_: the file to prepare next
  std::int64_t target_end_ = 0;         // guarded by mu_
  bool running_ = false;                // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::thread thread_;
};

}  // namespace mq::store_mmap
