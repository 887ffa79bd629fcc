// The client's side of the message formats (remoting-protocol.md §5): the properties string,
// zlib bodies, client message ids (UNIQ_KEY), batch bodies and tag subscriptions.
//
// Pure functions, thread-safe, except next_unique_message_id() which is thread-safe through
// an atomic counter.
#pragma once

#include "mq/client/message.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mq::client {

// Property names the client writes or reads (§5.3).
namespace property {
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kUniqKey = "UNIQ_KEY";
inline constexpr std::string_view kWait = "WAIT";
inline constexpr std::string_view kDelay = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
}  // namespace property

inline constexpr std::string_view kRetryTopicPrefix = "%RETRY%";
inline constexpr std::string_view kDefaultTopic = "TBW102";
inline constexpr std::int32_t kSysFlagCompressed = 0x1;

// "name\1value\2name\1value" with no trailing separator (Java >= 4.9.3).
std::string encode_properties(const std::map<std::string, std::string>& properties);
// Splits on \2, then at the first \1; entries with an empty name or value are dropped; a
// duplicated name keeps its last value (Java's HashMap.put).
std::map<std::string, std::string> decode_properties(std::string_view text);

// The stored properties of an outgoing message: user properties, then TAGS, KEYS, DELAY,
// WAIT=true and UNIQ_KEY=`uniq_id`.
std::map<std::string, std::string> outgoing_properties(const Message& message,
                                                       const std::string& uniq_id);
// encode_properties(outgoing_properties(message, uniq_id)), without the intermediate map when
// the message has no user properties (the common case, once per message sent).
std::string encode_outgoing_properties(const Message& message, const std::string& uniq_id);

// A zlib stream (RFC 1950) of `data` at `level`. Fails only when zlib does.
sdk::Result<std::string> zlib_compress(std::string_view data, int level);
// Inflates a zlib stream. kCorruption when it is not one.
sdk::Result<std::string> zlib_inflate(std::string_view data);

// A fresh client message id: client IPv4 + pid (int16) + a per-process random int32 + ms
// since the start of the month (int32) + a counter (int16), upper-case hex (32 characters).
std::string next_unique_message_id();

// The SEND_BATCH_MESSAGE body (§5.6): per message TOTALSIZE, MAGIC 0, BODYCRC 0, FLAG,
// BODYLEN + body, PROPLEN (int16) + properties. kInvalidArgument when a message's properties
// exceed 32767 bytes.
sdk::Result<std::string> encode_batch_body(const std::vector<Message>& messages,
                                           const std::vector<std::string>& uniq_ids);

// A tag subscription: "*" / empty = all; else tags split on "||", trimmed, empties dropped.
struct TagFilter {
  std::string expression;  // as sent to the broker ("*" when all)
  std::vector<std::string> tags;
  std::vector<std::int32_t> codes;  // Java String.hashCode of each tag
  bool all = true;

  static TagFilter parse(std::string_view expression);
  bool matches(std::string_view tag) const;
};

// True for "%RETRY%..." topics.
inline bool is_retry_topic(std::string_view topic) {
  return topic.substr(0, kRetryTopicPrefix.size()) == kRetryTopicPrefix;
}
inline std::string retry_topic_of(std::string_view group) {
  return std::string(kRetryTopicPrefix) + std::string(group);
}

// This host's IPv4 address as text: the first non-loopback interface that is up, else
// "127.0.0.1".
std::string local_ipv4();

}  // namespace mq::client
