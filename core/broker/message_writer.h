// MessageWriter: stores messages through the store plugin and applies the replication
// policy, then reports one RocketMQ response code (remoting-protocol.md §2.2).
//
// The completion runs once, on whichever thread completed the last step (inline for
// ASYNC_FLUSH + ASYNC_MASTER; the store's flusher or the replication thread otherwise) and
// must not block. After a message is stored, waiting pulls for its queue are woken.
// Codes: SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE (all "stored"),
// MESSAGE_ILLEGAL, SERVICE_NOT_AVAILABLE (disk full, store stopped, slave), SYSTEM_ERROR.
#pragma once

#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include "broker/broker_context.h"

#include <functional>
#include <string>
#include <vector>

namespace mq::core {

struct PutOutcome {
  std::int32_t code = 0;
  std::string remark;
  sdk::AppendResult result;
  bool stored() const noexcept { return code == 0 || (code >= 10 && code <= 12); }
};

using PutCallback = std::function<void(const PutOutcome&)>;

class MessageWriter {
 public:
  explicit MessageWriter(BrokerContext& context) : context_(context) {}

  // `wait_for_replica`: false when the producer set WAIT=false.
  // `defer`: the store may hold the append until BrokerProcessor::on_requests_end() (the end of
  // the transport's batch of requests), to write it together with the others of the batch.
  void put(const sdk::MessageToAppend& message, bool wait_for_replica, PutCallback done,
           bool defer = false);
  void put_batch(const std::vector<sdk::MessageToAppend>& messages, bool wait_for_replica,
                 PutCallback done, bool defer = false);

 private:
  sdk::AppendCallback complete(std::string topic, std::int32_t queue_id, bool wait_for_replica,
                               PutCallback done);
  BrokerContext& context_;
};

// A stored record as a message to store again (a retry, a delayed delivery): its flag, sysFlag,
// born time and host, store host, reconsume times and body, with `topic`, `queue_id` and
// `properties` (views that must outlive the append) and the tags code, keys and unique key
// read from those properties. The caller adjusts what differs (store host, reconsume times,
// a delay's tags code).
sdk::MessageToAppend message_from_record(const sdk::record::StoredRecord& record,
                                         std::string_view topic, std::int32_t queue_id,
                                         std::string_view properties);

// The RocketMQ response code for a store or replication status.
std::int32_t response_code_for(const sdk::Status& status);

}  // namespace mq::core
