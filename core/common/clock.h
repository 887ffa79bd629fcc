// The two clocks the core reads: wall time for timestamps that leave the process (message and
// data-version timestamps, expiry of silent peers) and steady time for deadlines.
#pragma once

#include <chrono>
#include <cstdint>

namespace mq::core {

// Milliseconds since the Unix epoch.
inline std::int64_t wall_clock_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Nanoseconds of a monotonic clock with an arbitrary start.
inline std::int64_t steady_clock_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace mq::core
