// AdaptiveMutex: a mutex for short critical sections that two busy threads share on every
// request (the client's table of pending calls). It spins briefly before sleeping: when the
// holder is running on the other core it lets go within a few hundred nanoseconds, far less
// than a futex sleep and wake-up (tens of microseconds on a virtual machine).
//
// Meets Lockable (std::lock_guard, std::unique_lock, std::condition_variable_any).
#pragma once

#include <atomic>

namespace mq::core {

class AdaptiveMutex {
 public:
  void lock() noexcept {
    int expected = kUnlocked;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire)) return;
    for (int spin = 0; spin < kSpins; ++spin) {
      pause();
      expected = kUnlocked;
      if (state_.load(std::memory_order_relaxed) == kUnlocked &&
          state_.compare_exchange_weak(expected, kLocked, std::memory_order_acquire)) {
        return;
      }
    }
    // Contended: mark it so unlock() wakes a sleeper, and sleep until it is free.
    while (state_.exchange(kContended, std::memory_order_acquire) != kUnlocked) {
      state_.wait(kContended, std::memory_order_relaxed);
    }
  }

  bool try_lock() noexcept {
    int expected = kUnlocked;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire);
  }

  void unlock() noexcept {
    if (state_.exchange(kUnlocked, std::memory_order_release) == kContended) state_.notify_one();
  }

 private:
  static constexpr int kUnlocked = 0;
  static constexpr int kLocked = 1;     // held, nobody sleeping
  static constexpr int kContended = 2;  // held, maybe someone sleeping
  static constexpr int kSpins = 200;

  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  std::atomic<int> state_{kUnlocked};
};

}  // namespace mq::core
