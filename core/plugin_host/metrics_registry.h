// MetricsRegistry: named counters and gauges, readable as a snapshot (mqadmin brokerStatus).
// Thread-safety: all methods may be called from any thread.
#pragma once

#include "mq/sdk/host_services.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace mq::core {

class MetricsRegistry final : public sdk::Metrics {
 public:
  void add(std::string_view counter, std::int64_t delta) noexcept override;
  void set(std::string_view gauge, std::int64_t value) noexcept override;
  std::map<std::string, std::int64_t> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t, std::less<>> values_;  // guarded by mu_
};

}  // namespace mq::core
