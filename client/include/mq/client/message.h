// The value types of the client library: messages going out, messages coming in, queues and
// the results of send, pull and consume (remoting-protocol.md §5).
//
// Plain data: copyable, movable, no hidden sharing; not synchronised.
#pragma once

#include "mq/sdk/status.h"

#include <compare>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mq::client {

// A message to send. `body` holds raw bytes (std::string is used as a byte container).
struct Message {
  std::string topic{};
  std::string tags{};  // one tag (the TAGS property); empty = no tag
  std::string keys{};  // index keys, space separated (the KEYS property)
  std::string body{};
  std::map<std::string, std::string> properties{};  // user properties (names must not be empty)
  std::int32_t delay_level = 0;                     // 1..18 (§5.8); 0 = deliver at once
  std::int32_t flag = 0;                            // user flag, stored as is
};

// One queue of a topic on one broker (by broker name).
struct MessageQueue {
  std::string topic{};
  std::string broker_name{};
  std::int32_t queue_id = 0;

  friend auto operator<=>(const MessageQueue&, const MessageQueue&) = default;
  friend bool operator==(const MessageQueue&, const MessageQueue&) = default;
  // "TopicTest@broker-a#3", for logs.
  std::string to_string() const;
};

// A message as stored and delivered. `body` is already inflated when it was compressed.
// `properties` holds every stored property, system ones (TAGS, KEYS, UNIQ_KEY, ...) included.
struct MessageExt : Message {
  std::string msg_id{};         // UNIQ_KEY when the producer set one, else offset_msg_id
  std::string offset_msg_id{};  // store host + commit-log offset (§5.4)
  std::string broker_name{};    // the broker it was pulled from (empty when unknown)
  std::int32_t queue_id = 0;
  std::int64_t queue_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::int32_t sys_flag = 0;
  std::int32_t body_crc = 0;
  std::int32_t reconsume_times = 0;
  std::int64_t born_timestamp_ms = 0;
  std::int64_t store_timestamp_ms = 0;
  std::int64_t prepared_transaction_offset = 0;
  std::string born_host{};   // "ip:port"
  std::string store_host{};  // "ip:port"
};

enum class SendStatus : std::uint8_t {
  kSendOk,
  kFlushDiskTimeout,
  kFlushSlaveTimeout,
  kSlaveNotAvailable,
};
// "SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE".
std::string_view send_status_name(SendStatus status) noexcept;

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  std::string msg_id{};           // the offset msg id(s) the broker returned; a batch: comma-joined
  std::string uniq_msg_id{};      // the UNIQ_KEY this client gave the message (a batch: the first)
  MessageQueue queue{};           // where it went
  std::int64_t queue_offset = 0;  // of the (first) message
};

enum class PullStatus : std::uint8_t {
  kFound,          // messages returned
  kNoNewMsg,       // caught up (PULL_NOT_FOUND)
  kNoMatchedMsg,   // entries scanned, none matched the filter (PULL_RETRY_IMMEDIATELY)
  kOffsetIllegal,  // offset out of range (PULL_OFFSET_MOVED); next_begin_offset is corrected
};
// "FOUND", "NO_NEW_MSG", "NO_MATCHED_MSG", "OFFSET_ILLEGAL".
std::string_view pull_status_name(PullStatus status) noexcept;

struct PullResult {
  PullStatus status = PullStatus::kNoNewMsg;
  std::int64_t next_begin_offset = 0;
  std::int64_t min_offset = 0;
  std::int64_t max_offset = 0;
  std::vector<MessageExt> messages{};  // tag-filtered on the client as well
};

enum class ConsumeResult : std::uint8_t {
  kConsumeSuccess,  // the batch is done; its offsets may be committed
  kReconsumeLater,  // every message of the batch is sent back for a later retry (§3.8)
};

// Where a consumer group with no committed offset starts on a queue (§6.3 step 5).
enum class ConsumeFromWhere : std::uint8_t {
  kLastOffset,   // the queue's max offset (retry topics: 0)
  kFirstOffset,  // 0
  kTimestamp,    // SEARCH_OFFSET_BY_TIMESTAMP with PushConsumerOptions::consume_timestamp_ms
};

// Decodes stored records back to back (a pull, view or query body, §5.1): compressed bodies
// are inflated and properties parsed. `broker_name` is copied into each message. Fails with
// kCorruption naming the record index when a record does not decode or does not inflate.
sdk::Result<std::vector<MessageExt>> decode_messages(std::span<const std::uint8_t> body,
                                                     std::string_view broker_name = {});

}  // namespace mq::client
