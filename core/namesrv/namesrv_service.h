// NamesrvService: a running name server: the remoting server on the given transports, the
// request processor, the route tables, and the scan that drops silent brokers every
// scanNotActiveBrokerInterval. Several name servers run side by side and never talk to each
// other. Lifecycle: listen() on each transport, start(), stop(); then stop the transports.
#pragma once

#include "mq/sdk/transport.h"

#include "common/timer_service.h"
#include "config/broker_config.h"
#include "namesrv/namesrv_processor.h"
#include "namesrv/route_info_manager.h"
#include "net/remoting_server.h"

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace mq::core {

class NamesrvService {
 public:
  NamesrvService(NamesrvConfig config, std::shared_ptr<spdlog::logger> logger);
  ~NamesrvService();
  NamesrvService(const NamesrvService&) = delete;
  NamesrvService& operator=(const NamesrvService&) = delete;

  // Listens on `address`; returns the bound address.
  sdk::Result<std::string> listen(sdk::Transport& transport, std::string_view address);
  void start();
  void stop();

  RouteInfoManager& routes() noexcept { return routes_; }

 private:
  NamesrvConfig config_;
  std::shared_ptr<spdlog::logger> logger_;
  RouteInfoManager routes_;
  NamesrvProcessor processor_;
  RemotingServer server_;
  TimerService timers_;
};

}  // namespace mq::core
