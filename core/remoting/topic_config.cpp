#include "remoting/topic_config.h"

#include "remoting/json_reader.h"

#include <limits>
#include <utility>
#include <vector>

namespace mq::core {

std::string_view topic_filter_type_name(TopicFilterType type) noexcept {
  return type == TopicFilterType::kMultiTag ? "MULTI_TAG" : "SINGLE_TAG";
}

std::optional<TopicFilterType> topic_filter_type_from_name(std::string_view name) noexcept {
  if (name == "SINGLE_TAG") return TopicFilterType::kSingleTag;
  if (name == "MULTI_TAG") return TopicFilterType::kMultiTag;
  return std::nullopt;
}

JsonValue TopicConfig::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("order", JsonValue::boolean(order));
  out.add("perm", JsonValue::integer(perm));
  out.add("readQueueNums", JsonValue::integer(read_queue_nums));
  out.add("topicFilterType",
          JsonValue::string(std::string(topic_filter_type_name(topic_filter_type))));
  out.add("topicName", JsonValue::string(topic_name));
  out.add("topicSysFlag", JsonValue::integer(topic_sys_flag));
  out.add("writeQueueNums", JsonValue::integer(write_queue_nums));
  return out;
}

std::string TopicConfig::to_json() const { return write_json(to_json_value()); }

sdk::Result<TopicConfig> TopicConfig::from_json_value(const JsonValue& value) {
  TopicConfig out;
  JsonFieldReader reader(value, "TopicConfig");
  reader.read("topicName", out.topic_name);
  reader.read("readQueueNums", out.read_queue_nums);
  reader.read("writeQueueNums", out.write_queue_nums);
  reader.read("perm", out.perm);
  reader.read("topicSysFlag", out.topic_sys_flag);
  reader.read("order", out.order);
  std::string filter_type(topic_filter_type_name(out.topic_filter_type));
  reader.read("topicFilterType", filter_type);
  if (reader.ok()) {
    if (const auto type = topic_filter_type_from_name(filter_type)) {
      out.topic_filter_type = *type;
    } else {
      reader.fail("topicFilterType", "is neither SINGLE_TAG nor MULTI_TAG");
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<TopicConfig> TopicConfig::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

std::string TopicConfig::encode_compact() const {
  std::string out = topic_name;
  out += ' ';
  out += std::to_string(read_queue_nums);
  out += ' ';
  out += std::to_string(write_queue_nums);
  out += ' ';
  out += std::to_string(perm);
  out += ' ';
  out += topic_filter_type_name(topic_filter_type);
  return out;
}

namespace {

std::optional<std::int32_t> parse_int32(std::string_view text) {
  const auto value = parse_decimal_int64(text);
  if (!value || *value < std::numeric_limits<std::int32_t>::min() ||
      *value > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*value);
}

}  // namespace

sdk::Result<TopicConfig> TopicConfig::decode_compact(std::string_view text) {
  std::vector<std::string_view> parts;
  while (parts.size() < 5) {
    const std::size_t space = text.find(' ');
    parts.push_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  auto corrupt = [](std::string what) {
    return sdk::Status(sdk::StatusCode::kCorruption, "TopicConfig text: " + std::move(what));
  };
  if (parts.size() < 5) return corrupt("has fewer than 5 space-separated fields");
  TopicConfig out;
  out.topic_name = std::string(parts[0]);
  const auto read = parse_int32(parts[1]);
  const auto write = parse_int32(parts[2]);
  const auto perm = parse_int32(parts[3]);
  const auto type = topic_filter_type_from_name(parts[4]);
  if (!read || !write || !perm) return corrupt("queue numbers and perm must be integers");
  if (!type) return corrupt("unknown topicFilterType '" + std::string(parts[4]) + "'");
  out.read_queue_nums = *read;
  out.write_queue_nums = *write;
  out.perm = *perm;
  out.topic_filter_type = *type;
  return out;
}

JsonValue TopicConfigSerializeWrapper::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("dataVersion", data_version.to_json_value());
  JsonValue& table = out.add("topicConfigTable", JsonValue::object());
  for (const auto& [name, config] : topic_config_table) table.add(name, config.to_json_value());
  return out;
}

std::string TopicConfigSerializeWrapper::to_json() const { return write_json(to_json_value()); }

sdk::Result<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::from_json_value(
    const JsonValue& value) {
  TopicConfigSerializeWrapper out;
  JsonFieldReader reader(value, "TopicConfigSerializeWrapper");
  if (const JsonValue* version = reader.member("dataVersion")) {
    auto parsed = DataVersion::from_json_value(*version);
    if (!parsed.ok()) return parsed.status();
    out.data_version = *parsed;
  }
  if (const JsonValue* table = reader.member("topicConfigTable")) {
    if (!table->is_object()) {
      reader.fail("topicConfigTable", "expected an object");
      return reader.status();
    }
    for (const auto& member : table->members()) {
      if (member.value.is_null()) continue;
      auto config = TopicConfig::from_json_value(member.value);
      if (!config.ok()) {
        return sdk::Status(sdk::StatusCode::kCorruption,
                           "topicConfigTable[" + member.key + "]: " + config.status().message());
      }
      out.topic_config_table.insert_or_assign(member.key, std::move(*config));
    }
  }
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::from_json(
    std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

}  // namespace mq::core
