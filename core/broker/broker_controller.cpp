#include "broker/broker_controller.h"

#include "broker/host_address.h"
#include "common/clock.h"
#include "net/local_socket.h"

#include <spdlog/logger.h>

#include <algorithm>
#include <chrono>

namespace mq::core {
namespace {

constexpr std::int64_t kOffsetPersistIntervalMs = 5000;
constexpr std::int64_t kClientScanIntervalMs = 10000;
constexpr std::int64_t kClientExpiredMs = 120000;
constexpr std::int64_t kHeldPullCheckIntervalMs = 1000;

}  // namespace

BrokerController::BrokerController(const BrokerConfig& config, BrokerPlugins plugins,
                                   std::shared_ptr<spdlog::logger> logger)
    : config_(config),
      plugins_(std::move(plugins)),
      logger_(std::move(logger)),
      topics_(config),
      groups_(config),
      offsets_(config) {}

BrokerController::~BrokerController() { shutdown(); }

sdk::Status BrokerController::start() {
  if (auto status = plugins_.store->start(); !status) {
    return sdk::Status(status.code(), "the store did not start: " + status.message());
  }
  if (auto status = topics_.load(); !status) return status;
  if (auto status = groups_.load(); !status) return status;
  if (auto status = offsets_.load(); !status) return status;

  std::vector<sdk::Transport*> transports;
  for (auto& transport : plugins_.transports) transports.push_back(transport.get());
  client_ = std::make_unique<RemotingClient>(transports);
  registrar_ = std::make_unique<NameServerRegistrar>(config_, topics_, *client_, logger_);

  context_ = std::unique_ptr<BrokerContext>(new BrokerContext{
      config_, *plugins_.store, *plugins_.replication, topics_, groups_, offsets_, consumers_,
      producers_, held_pulls_, stats_, logger_,
      host_address_or_loopback(registrar_->broker_address()),
      // Registration blocks; never on the I/O thread that handled the request.
      [this] { timers_.after(0, [this] { registrar_->register_all(); }); }, nullptr, nullptr});
  schedule_ = std::make_unique<ScheduleMessageService>(*context_);
  context_->schedule = schedule_.get();
  processor_ = std::make_unique<BrokerProcessor>(*context_);
  server_ = std::make_unique<RemotingServer>(*processor_, logger_);
  context_->server = server_.get();

  if (auto status = plugins_.replication->start(*plugins_.store); !status) {
    return sdk::Status(status.code(), "replication did not start: " + status.message());
  }
  if (!context_->is_slave()) {
    if (auto status = schedule_->start(); !status) return status;
  }

  for (auto& transport : plugins_.transports) {
    if (transport->scheme() == "unix") {
      // Local clients reach this broker through its socket (core/net/local_socket.h).
      const std::string address =
          local_socket_address(config_.unix_socket_dir, config_.identity.listen_port);
      auto bound = server_->listen(*transport, address);
      if (!bound.ok()) {
        return sdk::Status(bound.status().code(),
                           "cannot listen on " + address + ": " + bound.status().message());
      }
      logger_->info("listening on {}", bound.value());
      continue;
    }
    if (transport->scheme() != "tcp") continue;
    for (int port : {config_.identity.listen_port, config_.identity.listen_port - 2}) {
      if (port <= 0) continue;
      const std::string address = "0.0.0.0:" + std::to_string(port);
      auto bound = server_->listen(*transport, address);
      if (!bound.ok()) {
        return sdk::Status(bound.status().code(),
                           "cannot listen on " + address + ": " + bound.status().message());
      }
      logger_->info("listening on {}", bound.value());
    }
  }
  started_ = true;

  timers_.every(kOffsetPersistIntervalMs, [this] {
    if (auto status = offsets_.persist(); !status) {
      logger_->error("cannot save consumer offsets: {}", status.message());
    }
  });
  timers_.every(kClientScanIntervalMs, [this] {
    const auto now = wall_clock_ms();
    std::set<std::string> changed;
    for (const auto& [group, channel] : consumers_.scan_not_active(now, kClientExpiredMs)) {
      logger_->warn("consumer {} of group {} silent for {} ms, removed", channel.peer, group,
                    kClientExpiredMs);
      changed.insert(group);
    }
    for (const auto& group : changed) processor_->clients().notify_consumer_ids_changed(group);
    producers_.scan_not_active(now, kClientExpiredMs);
  });
  timers_.every(kHeldPullCheckIntervalMs, [this] {
    held_pulls_.check(wall_clock_ms(), [this](const std::string& topic, std::int32_t queue) {
      return plugins_.store->max_offset(topic, queue).value();
    });
  });

  if (!config_.namesrv_addrs.empty()) {
    const int accepted = registrar_->register_all();
    logger_->info("registered with {} of {} name servers as {}", accepted,
                  config_.namesrv_addrs.size(), registrar_->broker_address());
    if (config_.identity.broker_id != 0 && !registrar_->master_ha_address().empty()) {
      plugins_.replication->set_master_address(registrar_->master_ha_address());
    }
    if (context_->is_slave()) {
      slave_sync_ = std::make_unique<SlaveSynchronizer>(config_, *client_, topics_, groups_,
                                                        offsets_, logger_);
      // The first sync runs off the main thread so a master that is down cannot delay the
      // start; later ones follow every 10 s on the same timer thread (they never overlap).
      auto sync = [this] { (void)slave_sync_->sync_all(registrar_->master_address()); };
      timers_.after(0, sync);
      timers_.every(config_.slave_sync_interval_ms, sync);
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
  held_pulls_.release_all();
  client_.reset();
  for (auto& transport : plugins_.transports) transport->stop();
  if (schedule_) schedule_->stop();
  if (started_) {
    if (auto status = offsets_.persist(); !status) {
      logger_->error("cannot save consumer offsets: {}", status.message());
    }
  }
  if (plugins_.replication) plugins_.replication->stop();
  if (plugins_.store) plugins_.store->stop();
  server_.reset();
}

}  // namespace mq::core
