#include "page_preparer.h"

#include <pthread.h>

namespace mq::store_mmap {

bool PagePreparer::start() noexcept {
  std::lock_guard lock(mu_);
  if (running_) return true;
  try {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "mq-page-prep");
    running_ = true;
    return true;
  } catch (...) {
    return false;
  }
}

void PagePreparer::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    stopping_ = true;
    running_ = false;
    target_.reset();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PagePreparer::wrote(const std::shared_ptr<MappedFile>& file, std::int64_t position) noexcept {
  if (file.get() == requested_file_ && position + ahead_ / 2 <= requested_end_) return;
  if (file->prepared_position() >= file->size()) return;
  requested_file_ = file.get();
  requested_end_ = position + ahead_;
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    target_ = file;
    target_end_ = requested_end_;
  }
  wake_.notify_one();
}

void PagePreparer::run() noexcept {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || target_ != nullptr; });
    if (stopping_) return;
    std::shared_ptr<MappedFile> file = std::move(target_);
    target_.reset();
    const std::int64_t end = target_end_;
    lock.unlock();
    file->prepare(end, step_);
    file.reset();
    lock.lock();
  }
}

}  // namespace mq::store_mmap
