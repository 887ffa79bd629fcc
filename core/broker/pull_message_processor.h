// PullMessageProcessor: PULL_MESSAGE (11) with long polling (remoting-protocol.md §3.3).
//
// Preconditions are checked in RocketMQ's order; the store is read with the subscription's tag
// codes; the response always carries suggestWhichBrokerId, nextBeginOffset, minOffset and
// maxOffset. A pull that finds nothing new with the SUSPEND bit set is held in the
// PullRequestHoldService and answered when a message arrives or its suspend time passes. The
// consumer's commitOffset is stored on the first pass when the COMMIT bit is set (masters;
// a slave never stores it: its offsets come from the master through SlaveSynchronizer).
//
// Slave rules: without offsetCheckInSlave an out-of-range offset is answered with
// PULL_RETRY_IMMEDIATELY and nextBeginOffset = the request's offset (never corrected).
// Without slaveReadEnable a slave that is following its master answers
// PULL_RETRY_IMMEDIATELY with suggestWhichBrokerId 0 (go to the master); a slave whose
// replication link is down serves the pull, so consumers continue while the master is down.
// suggestWhichBrokerId: 0 without slaveReadEnable; with it, whichBrokerWhenConsumeSlowly when
// the consumer is more than accessMessageInMemoryMaxRatio % of physical memory behind the log
// end (the bytes between the end of the last record returned and the store's log end), else
// the group's brokerId.
#pragma once

#include "broker/broker_context.h"
#include "net/request_processor.h"

#include <vector>

namespace mq::core {

class PullMessageProcessor {
 public:
  explicit PullMessageProcessor(BrokerContext& context) : context_(context) {}

  void pull(const Channel& channel, RemotingCommand request, Responder respond);

 private:
  // One pass. `allow_hold`: park the request when there is nothing new.
  void process(std::shared_ptr<const RemotingCommand> request, Responder respond, bool allow_hold,
               bool first_pass);
  // True when the bytes after the last of `records` up to the log end exceed
  // accessMessageInMemoryMaxRatio % of physical memory (RocketMQ's "consume slowly" test).
  bool consumer_lags_far_behind(const std::vector<sdk::ByteView>& records) const;
  BrokerContext& context_;
};

}  // namespace mq::core
