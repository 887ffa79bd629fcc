#include "plugin_host/metrics_registry.h"

namespace mq::core {

void MetricsRegistry::add(std::string_view counter, std::int64_t delta) noexcept {
  try {
    std::lock_guard lock(mu_);
    auto it = values_.find(counter);
    if (it == values_.end()) it = values_.emplace(std::string(counter), 0).first;
    it->second += delta;
  } catch (...) {
    // Metrics are best effort; an allocation failure drops the update.
  }
}

void MetricsRegistry::set(std::string_view gauge, std::int64_t value) noexcept {
  try {
    std::lock_guard lock(mu_);
    auto it = values_.find(gauge);
    if (it == values_.end()) {
      values_.emplace(std::string(gauge), value);
    } else {
      it->second = value;
    }
  } catch (...) {
  }
}

std::map<std::string, std::int64_t> MetricsRegistry::snapshot() const {
  std::lock_guard lock(mu_);
  return {values_.begin(), values_.end()};
}

}  // namespace mq::core
