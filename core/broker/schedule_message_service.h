// ScheduleMessageService: RocketMQ's delay levels (remoting-protocol.md §5.8).
//
// A message with DELAY=n is stored in SCHEDULE_TOPIC_XXXX, queue n-1, with REAL_TOPIC and
// REAL_QID (redirect_delayed()). One delivery thread walks each level's queue in order and,
// when a message is due (its store time plus the level's delay), stores it again in its real
// topic and queue without DELAY; a level's offset advances only after that store succeeded,
// so a crash delivers a message again rather than losing it. Offsets are kept in
// <storePathRootDir>/config/delayOffset.json ({"offsetTable":{1:12,...}}).
// Lifecycle: start() (masters only), stop(); thread-safe.
#pragma once

#include "broker/broker_context.h"
#include "broker/message_properties.h"
#include "broker/message_writer.h"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mq::core {

inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";

class ScheduleMessageService {
 public:
  explicit ScheduleMessageService(BrokerContext& context);
  ~ScheduleMessageService();
  ScheduleMessageService(const ScheduleMessageService&) = delete;
  ScheduleMessageService& operator=(const ScheduleMessageService&) = delete;

  // Parses messageDelayLevel ("1s 5s 10s ... 2h"); fails naming the bad item.
  static sdk::Result<std::vector<std::int64_t>> parse_levels(std::string_view text);

  // Turns a delayed message into its SCHEDULE_TOPIC_XXXX form: sets REAL_TOPIC/REAL_QID,
  // clamps DELAY to the highest level, sets `tags_code` to the delivery time. A DELAY that is
  // not a positive number is removed and the message is left as it was.
  void redirect_delayed(MessageProperties& properties, std::string& topic, std::int32_t& queue_id,
                        std::int64_t& tags_code, std::int64_t now_ms) const;

  sdk::Status start();
  void stop();
  sdk::Status persist() const;
  std::string offsets_json() const;

 private:
  void run();
  // Delivers what is due on one level; returns true when it did something.
  bool deliver_level(std::size_t level_index);

  BrokerContext& context_;
  MessageWriter writer_;
  std::vector<std::int64_t> levels_ms_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::int32_t, std::int64_t> offsets_;  // level (1-based) -> next offset; guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
  bool dirty_ = false;                            // guarded by mu_
  std::thread thread_;
};

}  // namespace mq::core
