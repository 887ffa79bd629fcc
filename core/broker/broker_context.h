// BrokerContext: what every broker request handler may use, handed in by the controller.
//
// The references are to objects the BrokerController owns for its whole running life; the
// handlers keep no state of their own beyond what they are constructed with.
#pragma once

#include "mq/sdk/replication.h"
#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include "broker/broker_stats.h"
#include "config/broker_config.h"

#include <functional>
#include <memory>

namespace spdlog {
class logger;
}

namespace mq::core {

class TopicConfigTable;
class SubscriptionGroupTable;
class ConsumerOffsetTable;
class ConsumerManager;
class ProducerManager;
class PullRequestHoldService;
class RemotingServer;
class ScheduleMessageService;

struct BrokerContext {
  const BrokerConfig& config;
  sdk::MessageStore& store;
  sdk::ReplicationPolicy& replication;
  TopicConfigTable& topics;
  SubscriptionGroupTable& groups;
  ConsumerOffsetTable& offsets;
  ConsumerManager& consumers;
  ProducerManager& producers;
  PullRequestHoldService& held_pulls;
  BrokerStats& stats;
  std::shared_ptr<spdlog::logger> logger;
  sdk::HostAddress store_host;  // brokerIP1:listenPort, written into every record
  // Registers the topic table with the name servers soon, off the calling thread.
  std::function<void()> register_topics_soon;
  // Sends a one-way request to a client connection (NOTIFY_CONSUMER_IDS_CHANGED).
  RemotingServer* server = nullptr;
  // Delay levels: redirects delayed messages and delivers them when due.
  ScheduleMessageService* schedule = nullptr;

  bool is_slave() const noexcept {
    return config.replication.broker_role == sdk::BrokerRole::kSlave;
  }
  bool broker_writable() const noexcept { return (config.broker_permission & 2) != 0; }
  bool broker_readable() const noexcept { return (config.broker_permission & 4) != 0; }
};

}  // namespace mq::core
