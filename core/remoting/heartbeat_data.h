// HeartbeatData: the body of HEART_BEAT (34), client -> broker (remoting-protocol.md §3.4,
// §4.5), and ProducerData, the producer groups it lists.
//
// Java JSON (alphabetical keys):
//   {"clientID":"10.0.0.9@4242","consumerDataSet":[{...ConsumerData...}],
//    "producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]}
// The parser takes any member order and the ali-ons form (no expressionType: "TAG").
#pragma once

#include "mq/sdk/status.h"

#include "remoting/consumer_data.h"
#include "remoting/json.h"

#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

struct ProducerData {
  std::string group_name;

  friend bool operator==(const ProducerData&, const ProducerData&) = default;
};

struct HeartbeatData {
  std::string client_id;                        // "<ip>@<pid>"
  std::vector<ProducerData> producer_data_set;  // a Java Set; sender's order kept
  std::vector<ConsumerData> consumer_data_set;  // empty for a producer-only client

  friend bool operator==(const HeartbeatData&, const HeartbeatData&) = default;

  std::string to_json() const;
  // On failure returns kCorruption naming the member.
  static sdk::Result<HeartbeatData> from_json(std::string_view text);
  static sdk::Result<HeartbeatData> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
