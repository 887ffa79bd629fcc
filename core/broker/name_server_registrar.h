// NameServerRegistrar: keeps this broker registered with every name server of namesrvAddr.
//
// register_all() sends REGISTER_BROKER (the whole topic table, JSON body with its CRC32) to
// every name server in parallel and waits for all answers (6 s each, as RocketMQ); the broker
// calls it at start, every registerNameServerPeriod and after a topic is created.
// unregister_all() sends UNREGISTER_BROKER at a clean stop. A slave learns its master's
// address and HA address from the answers (see master_ha_address()).
// Threads: both calls block; call them from the main or timer thread, never an I/O thread.
#pragma once

#include "broker/topic_config_table.h"
#include "config/broker_config.h"
#include "net/remoting_client.h"

#include <memory>
#include <mutex>
#include <string>

namespace spdlog {
class logger;
}

namespace mq::core {

class NameServerRegistrar {
 public:
  NameServerRegistrar(const BrokerConfig& config, TopicConfigTable& topics, RemotingClient& client,
                      std::shared_ptr<spdlog::logger> logger);

  // Returns how many name servers accepted the registration.
  int register_all();
  void unregister_all();

  std::string broker_address() const;     // brokerIP1:listenPort, what clients dial
  std::string ha_server_address() const;  // brokerIP2:haListenPort
  std::string master_ha_address() const;  // learned from the name servers (slaves only)
  std::string master_address() const;

 private:
  const BrokerConfig& config_;
  TopicConfigTable& topics_;
  RemotingClient& client_;
  std::shared_ptr<spdlog::logger> logger_;
  mutable std::mutex mu_;
  std::string master_ha_address_;  // guarded by mu_
  std::string master_address_;     // guarded by mu_
};

}  // namespace mq::core
