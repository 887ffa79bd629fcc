// AdminProcessor: requests from mqadmin and from slaves: topics (17, 21, 202, 215), groups
// (200, 201, 207), statistics (28, 208), configuration (26), message look-up (12, 33) and the
// offset tables slaves copy (43, 45) (remoting-protocol.md §3.9, §3.10, §3.13, §4.7).
#pragma once

#include "broker/broker_context.h"
#include "net/request_processor.h"

#include <cstdint>

namespace mq::core {

class AdminProcessor {
 public:
  explicit AdminProcessor(BrokerContext& context);

  RemotingCommand runtime_info(const RemotingCommand& request);
  RemotingCommand all_topic_config(const RemotingCommand& request);
  RemotingCommand update_and_create_topic(const RemotingCommand& request);
  RemotingCommand delete_topic(const RemotingCommand& request);
  RemotingCommand topic_stats(const RemotingCommand& request);
  RemotingCommand update_group(const RemotingCommand& request);
  RemotingCommand all_groups(const RemotingCommand& request);
  RemotingCommand delete_group(const RemotingCommand& request);
  RemotingCommand consume_stats(const RemotingCommand& request);
  RemotingCommand broker_config(const RemotingCommand& request);
  RemotingCommand view_message(const RemotingCommand& request);
  RemotingCommand query_message(const RemotingCommand& request);
  RemotingCommand all_consumer_offsets(const RemotingCommand& request);
  RemotingCommand all_delay_offsets(const RemotingCommand& request);

 private:
  BrokerContext& context_;
  std::int64_t boot_timestamp_ms_;
};

}  // namespace mq::core
