#include "remoting/consumer_data.h"

#include "remoting/json_reader.h"

#include <array>
#include <utility>

namespace mq::core {

namespace {

constexpr std::array<std::string_view, 2> kConsumeTypeNames = {"CONSUME_ACTIVELY",
                                                               "CONSUME_PASSIVELY"};
constexpr std::array<std::string_view, 2> kMessageModelNames = {"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> kConsumeFromWhereNames = {
    "CONSUME_FROM_LAST_OFFSET",  "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
    "CONSUME_FROM_MIN_OFFSET",   "CONSUME_FROM_MAX_OFFSET",
    "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP",
};

template <typename Enum, std::size_t N>
std::optional<Enum> enum_from_name(const std::array<std::string_view, N>& names,
                                   std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// Reads an enum member given by name or ordinal; absent or null keeps `out`.
template <typename Enum, std::size_t N>
void read_enum(JsonFieldReader& reader, std::string_view key,
               const std::array<std::string_view, N>& names, Enum& out) {
  const JsonValue* value = reader.member(key);
  if (value == nullptr) return;
  if (value->is_string()) {
    if (const auto parsed = enum_from_name<Enum>(names, value->as_string())) {
      out = *parsed;
      return;
    }
  } else if (value->is_int() && value->as_int() >= 0 &&
             value->as_int() < static_cast<std::int64_t>(N)) {
    out = static_cast<Enum>(value->as_int());
    return;
  }
  reader.fail(key, "is not a known enum value");
}

}  // namespace

std::string_view consume_type_name(ConsumeType type) noexcept {
  return kConsumeTypeNames[static_cast<std::size_t>(type) % kConsumeTypeNames.size()];
}

std::string_view message_model_name(MessageModel model) noexcept {
  return kMessageModelNames[static_cast<std::size_t>(model) % kMessageModelNames.size()];
}

std::string_view consume_from_where_name(ConsumeFromWhere where) noexcept {
  return kConsumeFromWhereNames[static_cast<std::size_t>(where) % kConsumeFromWhereNames.size()];
}

std::optional<ConsumeType> consume_type_from_name(std::string_view name) noexcept {
  return enum_from_name<ConsumeType>(kConsumeTypeNames, name);
}

std::optional<MessageModel> message_model_from_name(std::string_view name) noexcept {
  return enum_from_name<MessageModel>(kMessageModelNames, name);
}

std::optional<ConsumeFromWhere> consume_from_where_from_name(std::string_view name) noexcept {
  return enum_from_name<ConsumeFromWhere>(kConsumeFromWhereNames, name);
}

JsonValue ConsumerData::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("consumeFromWhere",
          JsonValue::string(std::string(consume_from_where_name(consume_from_where))));
  out.add("consumeType", JsonValue::string(std::string(consume_type_name(consume_type))));
  out.add("groupName", JsonValue::string(group_name));
  out.add("messageModel", JsonValue::string(std::string(message_model_name(message_model))));
  JsonValue& subscriptions = out.add("subscriptionDataSet", JsonValue::array());
  for (const auto& subscription : subscription_data_set) {
    subscriptions.push_back(subscription.to_json_value());
  }
  out.add("unitMode", JsonValue::boolean(unit_mode));
  return out;
}

sdk::Result<ConsumerData> ConsumerData::from_json_value(const JsonValue& value) {
  ConsumerData out;
  JsonFieldReader reader(value, "ConsumerData");
  reader.read("groupName", out.group_name);
  read_enum(reader, "consumeType", kConsumeTypeNames, out.consume_type);
  read_enum(reader, "messageModel", kMessageModelNames, out.message_model);
  read_enum(reader, "consumeFromWhere", kConsumeFromWhereNames, out.consume_from_where);
  reader.read("unitMode", out.unit_mode);
  if (const JsonValue* subscriptions = reader.member("subscriptionDataSet")) {
    if (!subscriptions->is_array()) {
      reader.fail("subscriptionDataSet", "expected an array");
    } else {
      for (const auto& item : subscriptions->items()) {
        auto subscription = SubscriptionData::from_json_value(item);
        if (!subscription.ok()) return subscription.status();
        out.subscription_data_set.push_back(std::move(*subscription));
      }
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

}  // namespace mq::core
