// MessageProperties: a message's properties string (remoting-protocol.md §5.3) as an ordered
// list of name/value pairs: `name U+0001 value` entries separated by U+0002.
//
// parse() splits on U+0002 then at the first U+0001, dropping entries whose name or value is
// empty (as Java does); to_string() writes no trailing separator (as Java >= 4.9.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mq::core {

// Property names the broker reads or writes (MessageConst).
namespace property {
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kUniqueKey = "UNIQ_KEY";
inline constexpr std::string_view kWait = "WAIT";
inline constexpr std::string_view kDelay = "DELAY";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kCluster = "CLUSTER";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
}  // namespace property

class MessageProperties {
 public:
  static MessageProperties parse(std::string_view text);

  std::optional<std::string_view> get(std::string_view name) const;
  // Replaces the value of `name`, or appends it.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  bool empty() const noexcept { return entries_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const noexcept {
    return entries_;
  }

  std::string to_string() const;

  // What parse(text), set(name, value), remove(drop) and to_string() give, in one pass over
  // `text` without building the entries: the path of the common send. Nothing when `text` has a
  // name twice or more than 32 entries (use the full path then).
  static std::optional<std::string> rewrite(std::string_view text, std::string_view drop,
                                            std::string_view name, std::string_view value);
  // What parse(text), then set() of each entry of `defaults` whose name it lacks, then
  // to_string() give (a batch item's properties under its header's), without building the
  // entries when it can.
  static std::string merged_with(std::string_view text, const MessageProperties& defaults);

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace mq::core
