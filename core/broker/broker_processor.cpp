#include "broker/broker_processor.h"

#include "broker/consumer_manager.h"
#include "broker/producer_manager.h"
#include "broker/subscription_group_table.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

namespace mq::core {

BrokerProcessor::BrokerProcessor(BrokerContext& context)
    : context_(context),
      sender_(context),
      puller_(context),
      clients_(context, sender_),
      admin_(context) {}

void BrokerProcessor::process(const Channel& channel, RemotingCommand request, Responder respond) {
  namespace rc = request_code;
  switch (request.code) {
    case rc::kSendMessage:
    case rc::kSendMessageV2:
    case rc::kSendBatchMessage:
      sender_.send(channel, std::move(request), std::move(respond));
      return;
    case rc::kConsumerSendMsgBack:
      sender_.send_back(channel, std::move(request), std::move(respond));
      return;
    case rc::kPullMessage:
      puller_.pull(channel, std::move(request), std::move(respond));
      return;
    case rc::kHeartBeat:
      respond(clients_.heartbeat(channel, request));
      return;
    case rc::kUnregisterClient:
      respond(clients_.unregister_client(channel, request));
      return;
    case rc::kGetConsumerListByGroup:
      respond(clients_.consumer_list(request));
      return;
    case rc::kQueryConsumerOffset:
      respond(clients_.query_consumer_offset(request));
      return;
    case rc::kUpdateConsumerOffset:
      respond(clients_.update_consumer_offset(request));
      return;
    case rc::kGetMaxOffset:
      respond(clients_.max_offset(request));
      return;
    case rc::kGetMinOffset:
      respond(clients_.min_offset(request));
      return;
    case rc::kSearchOffsetByTimestamp:
      respond(clients_.search_offset(request));
      return;
    case rc::kGetEarliestMsgStoretime:
      respond(clients_.earliest_store_time(request));
      return;
    case rc::kGetBrokerRuntimeInfo:
      respond(admin_.runtime_info(request));
      return;
    case rc::kGetAllTopicConfig:
      respond(admin_.all_topic_config(request));
      return;
    case rc::kUpdateAndCreateTopic:
      respond(admin_.update_and_create_topic(request));
      return;
    case rc::kDeleteTopicInBroker:
      respond(admin_.delete_topic(request));
      return;
    case rc::kGetTopicStatsInfo:
      respond(admin_.topic_stats(request));
      return;
    case rc::kUpdateAndCreateSubscriptiongroup:
      respond(admin_.update_group(request));
      return;
    case rc::kGetAllSubscriptiongroupConfig:
      respond(admin_.all_groups(request));
      return;
    case rc::kDeleteSubscriptiongroup:
      respond(admin_.delete_group(request));
      return;
    case rc::kGetConsumeStats:
      respond(admin_.consume_stats(request));
      return;
    case rc::kGetBrokerConfig:
      respond(admin_.broker_config(request));
      return;
    case rc::kViewMessageById:
      respond(admin_.view_message(request));
      return;
    case rc::kQueryMessage:
      respond(admin_.query_message(request));
      return;
    case rc::kGetAllConsumerOffset:
      respond(admin_.all_consumer_offsets(request));
      return;
    case rc::kGetAllDelayOffset:
      respond(admin_.all_delay_offsets(request));
      return;
    default:
      respond(RemotingCommand::response_to(
          request, response_code::kRequestCodeNotSupported,
          " request type " + std::to_string(request.code) + " not supported"));
      return;
  }
}

void BrokerProcessor::on_channel_close(const Channel& channel) {
  for (const auto& group : context_.consumers.on_channel_closed(channel)) {
    context_.logger->info("consumer connection {} of group {} closed", channel.peer, group);
    auto config = context_.groups.find(group);
    if (context_.config.notify_consumer_ids_changed_enable &&
        (!config || config->notify_consumer_ids_changed_enable)) {
      clients_.notify_consumer_ids_changed(group);
    }
  }
  context_.producers.on_channel_closed(channel);
}

void BrokerProcessor::on_requests_end() noexcept { context_.store.complete_deferred(); }

}  // namespace mq::core
