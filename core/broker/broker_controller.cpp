#include "broker/broker_controller.h"

#include <spdlog/logger.h>

#include <algorithm>

namespace mq::core {

BrokerController::BrokerController(const BrokerConfig& config, BrokerPlugins plugins,
                                   std::shared_ptr<spdlog::logger> logger)
    : config_(config), plugins_(std::move(plugins)), logger_(std::move(logger)), topics_(config) {}

BrokerController::~BrokerController() { shutdown(); }

sdk::Status BrokerController::start() {
  if (auto status = plugins_.store->start(); !status) {
    return sdk::Status(status.code(), "the store did not start: " + status.message());
  }
  if (auto status = topics_.load(); !status) return status;

  std::vector<sdk::Transport*> transports;
  for (auto& transport : plugins_.transports) transports.push_back(transport.get());
  client_ = std::make_unique<RemotingClient>(transports);
  registrar_ = std::make_unique<NameServerRegistrar>(config_, topics_, *client_, logger_);
  processor_ = std::make_unique<BrokerProcessor>(config_, topics_, *plugins_.store, logger_);
  processor_->on_topics_changed = [this] {
    // Registration blocks; never do it on the I/O thread that handled the request.
    timers_.after(0, [this] { registrar_->register_all(); });
  };

  if (auto status = plugins_.replication->start(*plugins_.store); !status) {
    return sdk::Status(status.code(), "replication did not start: " + status.message());
  }

  server_ = std::make_unique<RemotingServer>(*processor_, logger_);
  for (auto& transport : plugins_.transports) {
    if (transport->scheme() != "tcp") continue;
    const std::string address = "0.0.0.0:" + std::to_string(config_.identity.listen_port);
    auto bound = server_->listen(*transport, address);
    if (!bound.ok()) {
      return sdk::Status(bound.status().code(),
                         "cannot listen on " + address + ": " + bound.status().message());
    }
    logger_->info("listening on {}", bound.value());
  }
  started_ = true;

  if (!config_.namesrv_addrs.empty()) {
    const int accepted = registrar_->register_all();
    logger_->info("registered with {} of {} name servers as {}", accepted,
                  config_.namesrv_addrs.size(), registrar_->broker_address());
    if (config_.identity.broker_id != 0 && !registrar_->master_ha_address().empty()) {
      plugins_.replication->set_master_address(registrar_->master_ha_address());
    }
    const auto period =
        std::clamp<std::int64_t>(config_.register_name_server_period_ms, 10000, 60000);
    timers_.every(period, [this] {
      registrar_->register_all();
      if (config_.identity.broker_id != 0 && !registrar_->master_ha_address().empty()) {
        plugins_.replication->set_master_address(registrar_->master_ha_address());
      }
    });
  } else {
    logger_->warn("namesrvAddr is empty: clients cannot find this broker through a name server");
  }
  return sdk::Status::ok();
}

void BrokerController::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  timers_.stop();
  if (started_ && registrar_ && !config_.namesrv_addrs.empty()) registrar_->unregister_all();
  client_.reset();
  for (auto& transport : plugins_.transports) transport->stop();
  if (plugins_.replication) plugins_.replication->stop();
  if (plugins_.store) plugins_.store->stop();
  server_.reset();
}

}  // namespace mq::core
