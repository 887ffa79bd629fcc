// TopicList: the body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and similar responses
// (remoting-protocol.md §4.3).
//
// JSON: {"brokerAddr":"10.0.0.5:10911","topicList":["%RETRY%CG","TopicTest"]}
// (brokerAddr omitted when null).
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace mq::core {

struct TopicList {
  std::set<std::string, std::less<>> topic_list;  // a Java Set: unique, written sorted
  std::optional<std::string> broker_addr;

  friend bool operator==(const TopicList&, const TopicList&) = default;

  std::string to_json() const;
  // On failure returns kCorruption naming the member.
  static sdk::Result<TopicList> from_json(std::string_view text);
};

}  // namespace mq::core
