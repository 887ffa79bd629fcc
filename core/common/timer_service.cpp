#include "common/timer_service.h"

#include "common/clock.h"

#include <chrono>
#include <limits>

namespace mq::core {
TimerService::TimerService() : thread_([this] { run(); }) {}

TimerService::~TimerService() { stop(); }

sdk::TimerId TimerService::every(std::int64_t interval_ms, std::function<void()> callback) {
  if (interval_ms <= 0) return 0;
  return add(interval_ms, interval_ms, std::move(callback));
}

sdk::TimerId TimerService::after(std::int64_t delay_ms, std::function<void()> callback) {
  return add(delay_ms < 0 ? 0 : delay_ms, 0, std::move(callback));
}

sdk::TimerId TimerService::add(std::int64_t delay_ms, std::int64_t interval_ms,
                               std::function<void()> callback) {
  std::lock_guard lock(mu_);
  if (stopping_ || !callback) return 0;
  sdk::TimerId id = next_id_++;
  timers_.emplace(id, Timer{steady_clock_ns() + delay_ms * 1'000'000, interval_ms * 1'000'000,
                            std::move(callback)});
  wake_.notify_one();
  return id;
}

void TimerService::cancel(sdk::TimerId id) {
  std::unique_lock lock(mu_);
  timers_.erase(id);
  if (std::this_thread::get_id() == thread_.get_id()) return;  // from inside a callback
  callback_done_.wait(lock, [&] { return running_ != id; });
}

void TimerService::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    timers_.clear();
    wake_.notify_all();
  }
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

void TimerService::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::int64_t next_due = std::numeric_limits<std::int64_t>::max();
    sdk::TimerId next_id = 0;
    for (const auto& [id, timer] : timers_) {
      if (timer.due_ns < next_due) {
        next_due = timer.due_ns;
        next_id = id;
      }
    }
    if (next_id == 0) {
      wake_.wait(lock);
      continue;
    }
    const std::int64_t now = steady_clock_ns();
    if (next_due > now) {
      wake_.wait_for(lock, std::chrono::nanoseconds(next_due - now));
      continue;
    }
    auto it = timers_.find(next_id);
    std::function<void()> callback = it->second.callback;
    if (it->second.interval_ns > 0) {
      it->second.due_ns = now + it->second.interval_ns;
    } else {
      timers_.erase(it);
    }
    running_ = next_id;
    lock.unlock();
    try {
      callback();
    } catch (...) {
      // A timer callback must not throw; swallow rather than kill the timer thread.
    }
    lock.lock();
    running_ = 0;
    callback_done_.notify_all();
  }
}

}  // namespace mq::core
