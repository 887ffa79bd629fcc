#include "common/timer_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace mq::core {
namespace {

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(TimerServiceTest, PeriodicTimerRepeatsUntilCancelled) {
  TimerService timers;
  std::atomic<int> runs{0};
  auto id = timers.every(5, [&] { ++runs; });
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(wait_until([&] { return runs.load() >= 3; }, std::chrono::seconds(5)));
  timers.cancel(id);
  int after_cancel = runs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), after_cancel);
}

TEST(TimerServiceTest, OneShotRunsOnce) {
  TimerService timers;
  std::atomic<int> runs{0};
  timers.after(1, [&] { ++runs; });
  ASSERT_TRUE(wait_until([&] { return runs.load() == 1; }, std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(runs.load(), 1);
}

TEST(TimerServiceTest, CancelWaitsForARunningCallback) {
  TimerService timers;
  std::atomic<bool> inside{false}, finished{false};
  auto id = timers.after(0, [&] {
    inside = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finished = true;
  });
  ASSERT_TRUE(wait_until([&] { return inside.load(); }, std::chrono::seconds(5)));
  timers.cancel(id);
  EXPECT_TRUE(finished.load());
}

TEST(TimerServiceTest, CancelFromInsideTheCallbackDoesNotDeadlock) {
  TimerService timers;
  std::atomic<int> runs{0};
  sdk::TimerId id = 0;
  std::atomic<bool> ready{false};
  id = timers.every(1, [&] {
    while (!ready) std::this_thread::yield();
    ++runs;
    timers.cancel(id);
  });
  ready = true;
  ASSERT_TRUE(wait_until([&] { return runs.load() >= 1; }, std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(runs.load(), 1);
}

TEST(TimerServiceTest, StoppedServiceRefusesNewTimers) {
  TimerService timers;
  timers.stop();
  EXPECT_EQ(timers.every(10, [] {}), 0u);
}

}  // namespace
}  // namespace mq::core
