// ConsumerData: one consumer group of a client, as sent in HEART_BEAT (34)
// (remoting-protocol.md §3.4, §4.5), with the Java enums it carries by name.
//
// Java JSON (alphabetical keys): {"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
//   "consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING",
//   "subscriptionDataSet":[...],"unitMode":false}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"
#include "remoting/subscription_data.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

// Enumerators in Java ordinal order (fastjson also reads an enum from its ordinal).
enum class ConsumeType : std::uint8_t { kConsumeActively, kConsumePassively };
enum class MessageModel : std::uint8_t { kBroadcasting, kClustering };
enum class ConsumeFromWhere : std::uint8_t {
  kConsumeFromLastOffset,
  kConsumeFromLastOffsetAndFromMinWhenBootFirst,  // deprecated
  kConsumeFromMinOffset,                          // deprecated
  kConsumeFromMaxOffset,                          // deprecated
  kConsumeFromFirstOffset,
  kConsumeFromTimestamp,
};

// Java enum names ("CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET", ...).
std::string_view consume_type_name(ConsumeType type) noexcept;
std::string_view message_model_name(MessageModel model) noexcept;
std::string_view consume_from_where_name(ConsumeFromWhere where) noexcept;
// nullopt for a name that is not one of the enumerators.
std::optional<ConsumeType> consume_type_from_name(std::string_view name) noexcept;
std::optional<MessageModel> message_model_from_name(std::string_view name) noexcept;
std::optional<ConsumeFromWhere> consume_from_where_from_name(std::string_view name) noexcept;

struct ConsumerData {
  std::string group_name;
  ConsumeType consume_type = ConsumeType::kConsumePassively;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;
  std::vector<SubscriptionData> subscription_data_set;  // a Java Set; sender's order kept
  bool unit_mode = false;

  friend bool operator==(const ConsumerData&, const ConsumerData&) = default;

  JsonValue to_json_value() const;
  // Absent members keep their defaults; the enums accept names or ordinals. On failure (an
  // unknown enum name, a member of the wrong type) returns kCorruption naming the member.
  static sdk::Result<ConsumerData> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
