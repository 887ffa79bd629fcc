#include "remoting/subscription_data.h"

#include "remoting/json_reader.h"

namespace mq::core {

JsonValue SubscriptionData::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("classFilterMode", JsonValue::boolean(class_filter_mode));
  JsonValue& codes = out.add("codeSet", JsonValue::array());
  for (const auto code : code_set) codes.push_back(JsonValue::integer(code));
  out.add("expressionType", JsonValue::string(expression_type));
  out.add("subString", JsonValue::string(sub_string));
  out.add("subVersion", JsonValue::integer(sub_version));
  JsonValue& tags = out.add("tagsSet", JsonValue::array());
  for (const auto& tag : tags_set) tags.push_back(JsonValue::string(tag));
  out.add("topic", JsonValue::string(topic));
  return out;
}

sdk::Result<SubscriptionData> SubscriptionData::from_json_value(const JsonValue& value) {
  SubscriptionData out;
  JsonFieldReader reader(value, "SubscriptionData");
  reader.read("topic", out.topic);
  reader.read("subString", out.sub_string);
  reader.read("tagsSet", out.tags_set);
  reader.read("codeSet", out.code_set);
  reader.read("subVersion", out.sub_version);
  reader.read("expressionType", out.expression_type);
  reader.read("classFilterMode", out.class_filter_mode);
  if (!reader.ok()) return reader.status();
  if (out.expression_type.empty()) out.expression_type = kExpressionTypeTag;
  return out;
}

}  // namespace mq::core
