#include "scheduler.h"

#include <memory>

namespace mq::client {

Scheduler::Scheduler() : thread_([this] { run(); }) {}

Scheduler::~Scheduler() { stop(); }

bool Scheduler::after(std::int64_t delay_ms, std::function<void()> task) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  tasks_.emplace(Clock::now() + std::chrono::milliseconds(delay_ms), std::move(task));
  wake_.notify_one();
  return true;
}

bool Scheduler::every(std::int64_t initial_delay_ms, std::int64_t interval_ms,
                      std::function<void()> task) {
  // The repeating wrapper re-arms itself after each run; it owns the task.
  auto shared = std::make_shared<std::function<void()>>(std::move(task));
  auto repeat = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_repeat = repeat;
  *repeat = [this, shared, interval_ms, weak_repeat] {
    (*shared)();
    if (auto self = weak_repeat.lock()) after(interval_ms, [self] { (*self)(); });
  };
  return after(initial_delay_ms, [repeat] { (*repeat)(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  std::multimap<Clock::time_point, std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(tasks_);
  }
}

void Scheduler::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto first = tasks_.begin();
    if (first->first > Clock::now()) {
      wake_.wait_until(lock, first->first);
      continue;
    }
    std::function<void()> task = std::move(first->second);
    tasks_.erase(first);
    lock.unlock();
    task();
    task = nullptr;  // destroy captured state outside the lock
    lock.lock();
  }
}

}  // namespace mq::client
