// BrokerProcessor: the broker's request handlers by request code. Codes the broker does not
// serve are answered with REQUEST_CODE_NOT_SUPPORTED, never a dropped connection.
#pragma once

#include "mq/sdk/store.h"

#include "broker/name_server_registrar.h"
#include "broker/topic_config_table.h"
#include "config/broker_config.h"
#include "net/request_processor.h"

#include <functional>
#include <memory>

namespace spdlog {
class logger;
}

namespace mq::core {

class BrokerProcessor final : public RequestProcessor {
 public:
  BrokerProcessor(const BrokerConfig& config, TopicConfigTable& topics, sdk::MessageStore& store,
                  std::shared_ptr<spdlog::logger> logger);

  // Called after a topic was created or changed, to register it with the name servers.
  std::function<void()> on_topics_changed;

  void process(const Channel& channel, RemotingCommand request, Responder respond) override;

 private:
  RemotingCommand runtime_info(const RemotingCommand& request);
  RemotingCommand all_topic_config(const RemotingCommand& request);
  RemotingCommand update_and_create_topic(const RemotingCommand& request);

  const BrokerConfig& config_;
  TopicConfigTable& topics_;
  sdk::MessageStore& store_;
  std::shared_ptr<spdlog::logger> logger_;
  std::int64_t boot_timestamp_ms_;
};

}  // namespace mq::core
