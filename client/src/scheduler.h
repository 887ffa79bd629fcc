// Scheduler: the one background thread of a client. It runs delayed and periodic tasks, one
// at a time, in due order.
//
// Tasks may block on the network for a bounded time (a request with its timeout); that
// delays later tasks, which is acceptable for the client's 5-30 s timers.
// Threads: post()/after()/every() from any thread, the scheduler's own included. stop()
// drops every pending task and joins; REQUIRES: not called from a task. After stop(),
// scheduling calls return false and do nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mq::client {

class Scheduler {
 public:
  Scheduler();
  ~Scheduler();  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  bool post(std::function<void()> task) { return after(0, std::move(task)); }
  bool after(std::int64_t delay_ms, std::function<void()> task);
  // Runs `task` after `initial_delay_ms`, then every `interval_ms` (measured from the end of
  // each run). REQUIRES: interval_ms > 0.
  bool every(std::int64_t initial_delay_ms, std::int64_t interval_ms, std::function<void()> task);
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                                          // guarded by mu_
  std::thread thread_;
};

}  // namespace mq::client
