// TimerService: periodic and one-shot callbacks on one dedicated thread.
//
// Thread-safety: every method may be called from any thread. Callbacks run one at a time on
// the timer thread and must not block. cancel() waits for a running callback of that timer to
// finish, unless called from inside it. stop() cancels everything and joins the thread.
#pragma once

#include "mq/sdk/host_services.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mq::core {

class TimerService {
 public:
  TimerService();
  ~TimerService();
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  // Returns 0 once stopped or for a non-positive interval.
  sdk::TimerId every(std::int64_t interval_ms, std::function<void()> callback);
  sdk::TimerId after(std::int64_t delay_ms, std::function<void()> callback);
  void cancel(sdk::TimerId id);
  void stop();

 private:
  struct Timer {
    std::int64_t due_ns;
    std::int64_t interval_ns;  // 0 = one-shot
    std::function<void()> callback;
  };
  sdk::TimerId add(std::int64_t delay_ms, std::int64_t interval_ms, std::function<void()> callback);
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable callback_done_;
  std::map<sdk::TimerId, Timer> timers_;  // guarded by mu_
  sdk::TimerId next_id_ = 1;              // guarded by mu_
  sdk::TimerId running_ = 0;              // guarded by mu_: the timer whose callback runs now
  bool stopping_ = false;                 // guarded by mu_
  std::thread thread_;
};

}  // namespace mq::core
