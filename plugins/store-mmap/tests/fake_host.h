// HostServices for tests: a logger that keeps lines (and echoes warnings to stderr), counters
// and gauges in a map, a clock that can be pinned, and timers that never fire.
#pragma once

#include "mq/sdk/host_services.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mq::store_mmap::testing {

class FakeLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    std::lock_guard lock(mu_);
    try {
      lines_.emplace_back(message);
    } catch (...) {
    }
    if (level >= sdk::LogLevel::kWarn) {
      std::fprintf(stderr, "[store-mmap] %.*s\n", static_cast<int>(message.size()), message.data());
    }
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

class FakeMetrics final : public sdk::Metrics {
 public:
  void add(std::string_view counter, std::int64_t delta) noexcept override {
    std::lock_guard lock(mu_);
    values_[std::string(counter)] += delta;
  }
  void set(std::string_view gauge, std::int64_t value) noexcept override {
    std::lock_guard lock(mu_);
    values_[std::string(gauge)] = value;
  }
  std::int64_t get(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = values_.find(name);
    return it == values_.end() ? 0 : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> values_;
};

// Wall time is real unless pinned with set_now_ms(); steady time is always real.
class FakeClock final : public sdk::Clock {
 public:
  std::int64_t now_ms() const noexcept override {
    const std::int64_t pinned = pinned_ms_.load();
    if (pinned >= 0) return pinned;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t steady_ns() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void set_now_ms(std::int64_t ms) noexcept { pinned_ms_.store(ms); }

 private:
  std::atomic<std::int64_t> pinned_ms_{-1};
};

class FakeTimers final : public sdk::Timers {
 public:
  sdk::TimerId every(std::int64_t, std::function<void()>) noexcept override { return 0; }
  sdk::TimerId after(std::int64_t, std::function<void()>) noexcept override { return 0; }
  void cancel(sdk::TimerId) noexcept override {}
};

class FakeHost final : public sdk::HostServices {
 public:
  sdk::Logger& logger() noexcept override { return logger_; }
  sdk::Metrics& metrics() noexcept override { return metrics_; }
  const sdk::Clock& clock() noexcept override { return clock_; }
  sdk::Timers& timers() noexcept override { return timers_; }

  FakeLogger logger_;
  FakeMetrics metrics_;
  FakeClock clock_;
  FakeTimers timers_;
};

}  // namespace mq::store_mmap::testing
