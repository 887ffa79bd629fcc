// BrokerController: a running broker, wired from its parts. It owns no protocol logic itself:
// the store, transports and replication policy are plugins; requests go to BrokerProcessor;
// topics live in TopicConfigTable; name-server registration in NameServerRegistrar.
//
// Lifecycle (main thread): start() opens the store, loads topics, starts replication, listens
// on every transport, registers with the name servers and schedules re-registration;
// shutdown() unregisters, stops the transports (no more requests), then replication, then the
// store. shutdown() is idempotent and run by the destructor.
#pragma once

#include "broker/broker_plugins.h"
#include "broker/broker_processor.h"
#include "broker/name_server_registrar.h"
#include "broker/topic_config_table.h"
#include "common/timer_service.h"
#include "config/broker_config.h"
#include "net/remoting_client.h"
#include "net/remoting_server.h"

#include <memory>
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
  std::unique_ptr<RemotingClient> client_;
  std::unique_ptr<NameServerRegistrar> registrar_;
  std::unique_ptr<BrokerProcessor> processor_;
  std::unique_ptr<RemotingServer> server_;
  TimerService timers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace mq::core
