// TopicConfig: one topic as a broker configures it, and TopicConfigSerializeWrapper, the
// broker's whole topic table with its DataVersion (remoting-protocol.md §3.10, §4.4).
//
// TopicConfig JSON (keys in Java's alphabetical order):
//   {"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",
//    "topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}
// Wrapper JSON: {"dataVersion":{...},"topicConfigTable":{"TopicTest":{...}}}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/data_version.h"
#include "remoting/json.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mq::core {

// Permission bits of topics and brokers (Java PermName).
inline constexpr std::int32_t kPermPriority = 8;  // unused
inline constexpr std::int32_t kPermRead = 4;
inline constexpr std::int32_t kPermWrite = 2;
inline constexpr std::int32_t kPermInherit = 1;

enum class TopicFilterType : std::uint8_t { kSingleTag, kMultiTag };
// "SINGLE_TAG" / "MULTI_TAG".
std::string_view topic_filter_type_name(TopicFilterType type) noexcept;
// nullopt for any other text.
std::optional<TopicFilterType> topic_filter_type_from_name(std::string_view name) noexcept;

struct TopicConfig {
  std::string topic_name;
  std::int32_t read_queue_nums = 16;
  std::int32_t write_queue_nums = 16;
  std::int32_t perm = kPermRead | kPermWrite;
  TopicFilterType topic_filter_type = TopicFilterType::kSingleTag;
  std::int32_t topic_sys_flag = 0;
  bool order = false;

  friend bool operator==(const TopicConfig&, const TopicConfig&) = default;

  JsonValue to_json_value() const;
  std::string to_json() const;
  // Absent members keep their defaults. On failure (a member of the wrong type, an unknown
  // topicFilterType) returns kCorruption naming the member.
  static sdk::Result<TopicConfig> from_json_value(const JsonValue& value);
  static sdk::Result<TopicConfig> from_json(std::string_view text);

  // The compact text of the compressed RegisterBrokerBody (§4.4):
  // "name read write perm filterType", single spaces. topicSysFlag and order are not carried.
  std::string encode_compact() const;
  // Reads that text (extra space-separated fields after the fifth are ignored, as newer Java
  // brokers append attributes). topicSysFlag and order get their defaults. On failure returns
  // kCorruption.
  static sdk::Result<TopicConfig> decode_compact(std::string_view text);
};

struct TopicConfigSerializeWrapper {
  std::map<std::string, TopicConfig, std::less<>> topic_config_table;  // by topic name
  DataVersion data_version;

  friend bool operator==(const TopicConfigSerializeWrapper&,
                         const TopicConfigSerializeWrapper&) = default;

  JsonValue to_json_value() const;
  std::string to_json() const;
  // On failure returns kCorruption naming the member (for a topic: its table key).
  static sdk::Result<TopicConfigSerializeWrapper> from_json_value(const JsonValue& value);
  static sdk::Result<TopicConfigSerializeWrapper> from_json(std::string_view text);
};

}  // namespace mq::core
