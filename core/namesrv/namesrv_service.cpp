#include "namesrv/namesrv_service.h"

#include <spdlog/logger.h>

#include <chrono>

namespace mq::core {

NamesrvService::NamesrvService(NamesrvConfig config, std::shared_ptr<spdlog::logger> logger)
    : config_(std::move(config)),
      logger_(logger),
      processor_(config_, routes_, logger),
      server_(processor_, logger) {}

NamesrvService::~NamesrvService() { stop(); }

sdk::Result<std::string> NamesrvService::listen(sdk::Transport& transport,
                                                std::string_view address) {
  return server_.listen(transport, address);
}

void NamesrvService::start() {
  timers_.every(config_.scan_not_active_broker_interval_ms, [this] {
    auto now = processor_.now_ms();
    for (const auto& addr : routes_.scan_not_active(now, config_.broker_expired_ms)) {
      logger_->warn("broker {} expired: no registration for {} ms, removed", addr,
                    config_.broker_expired_ms);
    }
  });
}

void NamesrvService::stop() { timers_.stop(); }

}  // namespace mq::core
