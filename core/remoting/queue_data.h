// QueueData: the queues one broker (by name) serves for a topic, inside TopicRouteData
// (remoting-protocol.md §4.1).
//
// JSON: {"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,
//        "writeQueueNums":4}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <cstdint>
#include <string>

namespace mq::core {

struct QueueData {
  std::string broker_name;
  std::int32_t read_queue_nums = 0;   // readable queue ids are 0..n-1
  std::int32_t write_queue_nums = 0;  // writable queue ids are 0..n-1
  std::int32_t perm = 0;              // kPermRead | kPermWrite | kPermInherit
  std::int32_t topic_sys_flag = 0;    // bit0 UNIT, bit1 UNIT_SUB

  friend bool operator==(const QueueData&, const QueueData&) = default;

  JsonValue to_json_value() const;
  // Accepts the pre-4.9.0 spelling "topicSynFlag" too. On failure returns kCorruption
  // naming the member.
  static sdk::Result<QueueData> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
