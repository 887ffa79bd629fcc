// What the core hands a plugin: a logger into the broker's log, metrics, a clock and timers.
//
// Host services are handed in through create(), never reached for: a plugin has no global to
// call. The HostServices object outlives every object the plugin creates with it.
// Thread-safety: every method here may be called from any thread.
#pragma once

#include "mq/sdk/abi.h"

#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace mq::sdk {

enum class LogLevel : std::uint32_t { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4 };

// Writes into the broker's log files and console, tagged with the plugin's name.
class MQ_SDK_API Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
  virtual bool enabled(LogLevel level) const noexcept = 0;

  // Formats by streaming every argument: logger.info("listening on ", addr, " backlog ", n).
  template <typename... Args>
  void info(const Args&... args) noexcept {
    write(LogLevel::kInfo, args...);
  }
  template <typename... Args>
  void warn(const Args&... args) noexcept {
    write(LogLevel::kWarn, args...);
  }
  template <typename... Args>
  void error(const Args&... args) noexcept {
    write(LogLevel::kError, args...);
  }
  template <typename... Args>
  void debug(const Args&... args) noexcept {
    write(LogLevel::kDebug, args...);
  }

 private:
  template <typename... Args>
  void write(LogLevel level, const Args&... args) noexcept {
    if (!enabled(level)) return;
    try {
      std::ostringstream out;
      (out << ... << args);
      log(level, out.str());
    } catch (...) {
      log(level, "<log message lost: formatting failed>");
    }
  }
};

// Counters and gauges shown by `mqadmin brokerStatus`. Names are dotted ("store.append.bytes").
class MQ_SDK_API Metrics {
 public:
  virtual ~Metrics() = default;
  virtual void add(std::string_view counter, std::int64_t delta) noexcept = 0;
  virtual void set(std::string_view gauge, std::int64_t value) noexcept = 0;
};

// Time, injectable in tests.
class MQ_SDK_API Clock {
 public:
  virtual ~Clock() = default;
  // Wall clock, milliseconds since the Unix epoch (message timestamps).
  virtual std::int64_t now_ms() const noexcept = 0;
  // Monotonic clock, nanoseconds from an arbitrary start (deadlines, latencies).
  virtual std::int64_t steady_ns() const noexcept = 0;
};

using TimerId = std::uint64_t;

// Periodic and one-shot callbacks on the host's timer thread.
// A callback must not block; long work belongs on the plugin's own threads.
// Every timer of a plugin is cancelled by the host before the plugin's library is released,
// but a plugin should cancel its own in stop().
class MQ_SDK_API Timers {
 public:
  virtual ~Timers() = default;
  // Runs `callback` every `interval_ms` (first run after one interval). Returns 0 on failure.
  virtual TimerId every(std::int64_t interval_ms, std::function<void()> callback) noexcept = 0;
  // Runs `callback` once after `delay_ms`. Returns 0 on failure.
  virtual TimerId after(std::int64_t delay_ms, std::function<void()> callback) noexcept = 0;
  // Cancels a timer. On return the callback is not running and will not run again, unless
  // cancel() is called from inside that callback.
  virtual void cancel(TimerId id) noexcept = 0;
};

class MQ_SDK_API HostServices {
 public:
  virtual ~HostServices() = default;
  virtual Logger& logger() noexcept = 0;
  virtual Metrics& metrics() noexcept = 0;
  virtual const Clock& clock() noexcept = 0;
  virtual Timers& timers() noexcept = 0;
};

}  // namespace mq::sdk
