// AdaptiveMutex excludes: threads that contend hard (spinning, then sleeping) never lose an
// update, and a condition_variable_any waits on it.
#include "common/adaptive_mutex.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace mq::core {
namespace {

TEST(AdaptiveMutex, ContendingThreadsLoseNoUpdate) {
  AdaptiveMutex mu;
  long counter = 0;  // guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        std::lock_guard lock(mu);
        ++counter;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, 400000);
}

TEST(AdaptiveMutex, TryLockAndConditionVariable) {
  AdaptiveMutex mu;
  ASSERT_TRUE(mu.try_lock());
  std::thread other([&] { EXPECT_FALSE(mu.try_lock()); });
  other.join();
  mu.unlock();

  std::condition_variable_any ready;
  bool flag = false;
  std::thread waker([&] {
    std::lock_guard lock(mu);
    flag = true;
    ready.notify_all();
  });
  {
    std::unique_lock lock(mu);
    ready.wait(lock, [&] { return flag; });
  }
  waker.join();
  EXPECT_TRUE(flag);
}

}  // namespace
}  // namespace mq::core
