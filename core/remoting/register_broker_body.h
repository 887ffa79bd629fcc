// RegisterBrokerBody: the body of REGISTER_BROKER (103), broker -> nameserver
// (remoting-protocol.md §3.1, §4.4), in its JSON form and its compressed form.
//
// JSON: {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{...},
//        "topicConfigTable":{"TopicTest":{...TopicConfig...}}}}
// Compressed (request header compressed=true): one zlib stream (RFC 1950) holding
//   int32 len + DataVersion JSON | int32 topicCount |
//   topicCount x (int32 len + TopicConfig::encode_compact() text) |
//   int32 len + filterServerList JSON array
// with big-endian lengths. The compressed form does not carry topicSysFlag or order.
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"

#include "remoting/json.h"
#include "remoting/topic_config.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

// decode_compressed() refuses streams that inflate to more than this (a 16 MiB frame can
// otherwise inflate to gigabytes); 64 MiB holds several hundred thousand topics.
inline constexpr std::size_t kMaxInflatedRegisterBodyBytes = 64u << 20;

struct RegisterBrokerBody {
  TopicConfigSerializeWrapper topic_config_serialize_wrapper;
  std::vector<std::string> filter_server_list;

  friend bool operator==(const RegisterBrokerBody&, const RegisterBrokerBody&) = default;

  JsonValue to_json_value() const;
  std::string to_json() const;
  // On failure returns kCorruption naming the member.
  static sdk::Result<RegisterBrokerBody> from_json_value(const JsonValue& value);
  static sdk::Result<RegisterBrokerBody> from_json(std::string_view text);

  // The compressed form, deflated at the best compression level as Java does. Topics are
  // written in table order. Fails only with kResourceExhausted when zlib runs out of memory.
  sdk::Result<sdk::Bytes> encode_compressed() const;
  // Reads the compressed form. On failure returns kCorruption: a zlib error, a stream that
  // ends early, a negative or overlong length or count, more than `max_inflated_bytes` of
  // inflated data, or a part that does not parse. Bytes after the last part are ignored.
  static sdk::Result<RegisterBrokerBody> decode_compressed(
      sdk::ByteView data, std::size_t max_inflated_bytes = kMaxInflatedRegisterBodyBytes);

  // Either form, as the request's `compressed` header field says.
  sdk::Result<sdk::Bytes> encode(bool compressed) const;
  static sdk::Result<RegisterBrokerBody> decode(sdk::ByteView data, bool compressed);
};

}  // namespace mq::core
