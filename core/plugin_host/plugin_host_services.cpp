#include "plugin_host/plugin_host_services.h"

#include <chrono>

namespace mq::core {

std::int64_t SystemClock::now_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t SystemClock::steady_ns() const noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

PluginHostServices::PluginHostServices(std::unique_ptr<sdk::Logger> logger,
                                       MetricsRegistry& metrics, TimerService& timers)
    : logger_(std::move(logger)), metrics_(metrics), timer_service_(timers) {}

sdk::TimerId PluginHostServices::every(std::int64_t interval_ms,
                                       std::function<void()> callback) noexcept {
  try {
    auto id = timer_service_.every(interval_ms, std::move(callback));
    if (id != 0) {
      std::lock_guard lock(mu_);
      owned_timers_.insert(id);
    }
    return id;
  } catch (...) {
    return 0;
  }
}

sdk::TimerId PluginHostServices::after(std::int64_t delay_ms,
                                       std::function<void()> callback) noexcept {
  try {
    auto id = timer_service_.after(delay_ms, std::move(callback));
    if (id != 0) {
      std::lock_guard lock(mu_);
      owned_timers_.insert(id);
    }
    return id;
  } catch (...) {
    return 0;
  }
}

void PluginHostServices::cancel(sdk::TimerId id) noexcept {
  {
    std::lock_guard lock(mu_);
    owned_timers_.erase(id);
  }
  try {
    timer_service_.cancel(id);
  } catch (...) {
  }
}

void PluginHostServices::cancel_all() noexcept {
  std::set<sdk::TimerId> ids;
  {
    std::lock_guard lock(mu_);
    ids.swap(owned_timers_);
  }
  for (auto id : ids) {
    try {
      timer_service_.cancel(id);
    } catch (...) {
    }
  }
}

}  // namespace mq::core
