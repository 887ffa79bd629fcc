// BrokerController: a running broker, wired from its parts. It owns no protocol logic itself:
// the store, transports and replication policy are plugins; requests go to BrokerProcessor;
// topics, groups and offsets live in their tables; name-server registration in
// NameServerRegistrar; delayed messages in ScheduleMessageService.
//
// Lifecycle (main thread): start() opens the store and the tables, starts replication and
// the delay service, listens on listenPort (and the fast port listenPort - 2, which Java
// clients up to 4.4 use) on every TCP transport, registers with the name servers and
// schedules the periodic work; a slave then takes its master's topics, groups, consumer and
// delay offsets (SlaveSynchronizer) once and every 10 s. shutdown() unregisters, answers held
// pulls, stops the transports (no more requests), then the delay service, saves the offsets, and
// stops replication and the store. shutdown() is idempotent and run by the destructor.
#pragma once

#include "broker/broker_context.h"
#include "broker/broker_plugins.h"
#include "broker/broker_processor.h"
#include "broker/broker_stats.h"
#include "broker/consumer_manager.h"
#include "broker/consumer_offset_table.h"
#include "broker/name_server_registrar.h"
#include "broker/producer_manager.h"
#include "broker/pull_request_hold_service.h"
#include "broker/schedule_message_service.h"
#include "broker/slave_synchronizer.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "common/timer_service.h"
#include "config/broker_config.h"
#include "net/remoting_client.h"
#include "net/remoting_server.h"

#include <memory>
#include <optional>
#include <vector>

namespace spdlog {
class logger;
}

namespace mq::core {

class BrokerController {
 public:
  // `config` must outlive the controller.
  BrokerController(const BrokerConfig& config, BrokerPlugins plugins,
                   std::shared_ptr<spdlog::logger> logger);
  ~BrokerController();
  BrokerController(const BrokerController&) = delete;
  BrokerController& operator=(const BrokerController&) = delete;

  // Fails with one line for the operator (the store cannot open, the port is taken ...).
  sdk::Status start();
  void shutdown();

 private:
  const BrokerConfig& config_;
  BrokerPlugins plugins_;
  std::shared_ptr<spdlog::logger> logger_;
  TopicConfigTable topics_;
  SubscriptionGroupTable groups_;
  ConsumerOffsetTable offsets_;
  ConsumerManager consumers_;
  ProducerManager producers_;
  PullRequestHoldService held_pulls_;
  BrokerStats stats_;
  std::unique_ptr<BrokerContext> context_;
  std::unique_ptr<ScheduleMessageService> schedule_;
  std::unique_ptr<RemotingClient> client_;
  std::unique_ptr<NameServerRegistrar> registrar_;
  std::unique_ptr<SlaveSynchronizer> slave_sync_;  // slaves only
  std::unique_ptr<BrokerProcessor> processor_;
  std::unique_ptr<RemotingServer> server_;
  TimerService timers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace mq::core
