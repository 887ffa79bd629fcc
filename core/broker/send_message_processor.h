// SendMessageProcessor: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320)
// and CONSUMER_SEND_MSG_BACK (36) (remoting-protocol.md §3.2, §3.8, §5).
//
// Checks run in RocketMQ's order (topic name, reserved topics, topic existence with
// auto-creation from the default topic, queue id, retry/DLQ redirection, sizes), then the
// message is built into the stored layout's fields and handed to the MessageWriter. The
// response carries msgId (offset message id; comma-joined for a batch), queueId, queueOffset,
// MSG_REGION and TRACE_ON on every stored outcome (codes 0, 10, 11, 12).
#pragma once

#include "broker/broker_context.h"
#include "broker/message_writer.h"
#include "net/request_processor.h"
#include "remoting/topic_config.h"

#include <optional>
#include <string>

namespace mq::core {

class SendMessageProcessor {
 public:
  explicit SendMessageProcessor(BrokerContext& context);

  void send(const Channel& channel, RemotingCommand request, Responder respond);
  void send_back(const Channel& channel, RemotingCommand request, Responder respond);

  // The topic's config, creating it when RocketMQ would: a %RETRY% topic, or any topic when
  // autoCreateTopicEnable and `default_topic` allows inheriting. nullopt when it may not.
  std::optional<TopicConfig> find_or_create_topic(const std::string& topic,
                                                  const std::string& default_topic,
                                                  std::int32_t default_queue_nums);
  // The %RETRY% or %DLQ% topic of a group, created with `queues` queues if missing.
  std::optional<TopicConfig> ensure_system_topic(const std::string& topic, std::int32_t queues);

 private:
  BrokerContext& context_;
  MessageWriter writer_;
};

// "%RETRY%<group>" and "%DLQ%<group>".
std::string retry_topic_of(std::string_view group);
std::string dlq_topic_of(std::string_view group);

}  // namespace mq::core
