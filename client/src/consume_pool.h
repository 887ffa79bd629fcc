// ConsumePool: the few threads that run a push consumer's listener.
//
// Threads: submit() from any thread. stop() lets running tasks finish, drops queued ones and
// joins; REQUIRES: not called from a pool thread. After stop(), submit() returns false.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mq::client {

class ConsumePool {
 public:
  explicit ConsumePool(std::size_t threads);
  ~ConsumePool();  // stop()
  ConsumePool(const ConsumePool&) = delete;
  ConsumePool& operator=(const ConsumePool&) = delete;

  bool submit(std::function<void()> task);
  void stop();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace mq::client
