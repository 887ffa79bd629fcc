// PullMessageProcessor: PULL_MESSAGE (11) with long polling (remoting-protocol.md §3.3).
//
// Preconditions are checked in RocketMQ's order; the store is read with the subscription's tag
// codes; the response always carries suggestWhichBrokerId, nextBeginOffset, minOffset and
// maxOffset. A pull that finds nothing new with the SUSPEND bit set is held in the
// PullRequestHoldService and answered when a message arrives or its suspend time passes. The
// consumer's commitOffset is stored on the first pass when the COMMIT bit is set (masters).
#pragma once

#include "broker/broker_context.h"
#include "net/request_processor.h"

namespace mq::core {

class PullMessageProcessor {
 public:
  explicit PullMessageProcessor(BrokerContext& context) : context_(context) {}

  void pull(const Channel& channel, RemotingCommand request, Responder respond);

 private:
  // One pass. `allow_hold`: park the request when there is nothing new.
  void process(std::shared_ptr<const RemotingCommand> request, Responder respond, bool allow_hold,
               bool first_pass);
  BrokerContext& context_;
};

}  // namespace mq::core
