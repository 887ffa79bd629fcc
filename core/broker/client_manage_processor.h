// ClientManageProcessor: what clients send besides messages: HEART_BEAT (34),
// UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38), consumer offsets (14, 15) and the
// queue offset queries (29, 30, 31, 32) (remoting-protocol.md §3.4 - §3.7).
//
// A heartbeat auto-creates the consumer's group (autoCreateSubscriptionGroup), its
// %RETRY%<group> topic (registered with the name servers at once), and pushes
// NOTIFY_CONSUMER_IDS_CHANGED to every member when the group's membership or subscriptions
// change.
#pragma once

#include "broker/broker_context.h"
#include "broker/send_message_processor.h"
#include "net/request_processor.h"

namespace mq::core {

class ClientManageProcessor {
 public:
  ClientManageProcessor(BrokerContext& context, SendMessageProcessor& sender)
      : context_(context), sender_(sender) {}

  RemotingCommand heartbeat(const Channel& channel, const RemotingCommand& request);
  RemotingCommand unregister_client(const Channel& channel, const RemotingCommand& request);
  RemotingCommand consumer_list(const RemotingCommand& request);
  RemotingCommand query_consumer_offset(const RemotingCommand& request);
  RemotingCommand update_consumer_offset(const RemotingCommand& request);
  RemotingCommand max_offset(const RemotingCommand& request);
  RemotingCommand min_offset(const RemotingCommand& request);
  RemotingCommand search_offset(const RemotingCommand& request);
  RemotingCommand earliest_store_time(const RemotingCommand& request);

  // Tells every member of `group` that its membership changed (one-way request 40).
  void notify_consumer_ids_changed(const std::string& group);

 private:
  BrokerContext& context_;
  SendMessageProcessor& sender_;
};

}  // namespace mq::core
