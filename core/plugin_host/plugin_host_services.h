// PluginHostServices: the sdk::HostServices one plugin receives.
//
// Its logger tags every line with the plugin's name and writes into the process log; its
// timers are tracked so that every timer the plugin left behind is cancelled before the
// plugin's library can go (cancel_all()). Lifetime: held by each object the plugin created
// (see plugin_object.h); the TimerService and MetricsRegistry it points to belong to the
// PluginHost, which must outlive every plugin object.
#pragma once

#include "mq/sdk/host_services.h"

#include "common/timer_service.h"
#include "plugin_host/metrics_registry.h"

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace mq::core {

class SystemClock final : public sdk::Clock {
 public:
  std::int64_t now_ms() const noexcept override;
  std::int64_t steady_ns() const noexcept override;
};

class PluginHostServices final : public sdk::HostServices, private sdk::Timers {
 public:
  PluginHostServices(std::unique_ptr<sdk::Logger> logger, MetricsRegistry& metrics,
                     TimerService& timers);

  sdk::Logger& logger() noexcept override { return *logger_; }
  sdk::Metrics& metrics() noexcept override { return metrics_; }
  const sdk::Clock& clock() noexcept override { return clock_; }
  sdk::Timers& timers() noexcept override { return *this; }

  // Cancels every timer this plugin still has.
  void cancel_all() noexcept;

 private:
  sdk::TimerId every(std::int64_t interval_ms, std::function<void()> callback) noexcept override;
  sdk::TimerId after(std::int64_t delay_ms, std::function<void()> callback) noexcept override;
  void cancel(sdk::TimerId id) noexcept override;

  std::unique_ptr<sdk::Logger> logger_;
  MetricsRegistry& metrics_;
  TimerService& timer_service_;
  SystemClock clock_;
  std::mutex mu_;
  std::set<sdk::TimerId> owned_timers_;  // guarded by mu_
};

}  // namespace mq::core
