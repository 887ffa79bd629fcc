// SubscriptionData: one topic subscription of a consumer group, as sent in HEART_BEAT (34)
// (remoting-protocol.md §3.4, §4.5).
//
// Java JSON (alphabetical keys): {"classFilterMode":false,"codeSet":[2598919],
//   "expressionType":"TAG","subString":"TagA","subVersion":1700000000000,"tagsSet":["TagA"],
//   "topic":"TopicTest"}
// ali-ons writes its members in another order and without expressionType.
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mq::core {

inline constexpr std::string_view kExpressionTypeTag = "TAG";
inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";
inline constexpr std::string_view kSubscribeAll = "*";

struct SubscriptionData {
  std::string topic;
  std::string sub_string;                           // "*", or tags joined by " || "
  std::vector<std::string> tags_set;                // a Java Set; kept in the sender's order
  std::vector<std::int32_t> code_set;               // Java String.hashCode of each tag
  std::int64_t sub_version = 0;                     // client ms timestamp
  std::string expression_type{kExpressionTypeTag};  // "TAG" when the sender omits it
  bool class_filter_mode = false;

  friend bool operator==(const SubscriptionData&, const SubscriptionData&) = default;

  JsonValue to_json_value() const;
  // Absent members keep their defaults. On failure returns kCorruption naming the member.
  static sdk::Result<SubscriptionData> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
