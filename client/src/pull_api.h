// The PULL_MESSAGE request and the offset requests both consumers share
// (remoting-protocol.md §3.3, §3.7).
//
// Stateless helpers over a ClientInstance; thread-safe as the instance is.
#pragma once

#include "client_instance.h"
#include "message_codec.h"
#include "mq/client/message.h"

#include <cstdint>
#include <string>

namespace mq::client {

// PullSysFlag bits (§3.3).
inline constexpr std::int32_t kPullCommitOffset = 0x1;
inline constexpr std::int32_t kPullSuspend = 0x2;
inline constexpr std::int32_t kPullSubscription = 0x4;

struct PullRequestSpec {
  std::string group;
  MessageQueue queue;
  std::int64_t offset = 0;
  std::int32_t max_nums = 32;
  std::int32_t sys_flag = kPullSubscription;
  std::int64_t commit_offset = 0;
  std::int64_t suspend_timeout_ms = 0;
  const TagFilter* filter = nullptr;  // REQUIRES: non-null
  std::int64_t sub_version = 0;
};

core::RemotingCommand build_pull_request(const PullRequestSpec& spec);

// Turns a pull response into a PullResult: codes 0/19/20/21 are results (messages decoded,
// tag-checked against `filter`, MIN_OFFSET/MAX_OFFSET properties added), any other code is
// kInternal "CODE_NAME (code): remark"; a body that does not decode is kCorruption.
// `suggested_broker_id` receives suggestWhichBrokerId when present.
sdk::Result<PullResult> interpret_pull_response(const core::RemotingCommand& response,
                                                const MessageQueue& queue, const TagFilter& filter,
                                                std::int64_t* suggested_broker_id);

// Sends an offset request (QUERY_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET,
// SEARCH_OFFSET_BY_TIMESTAMP) for `queue` to its master (its slave when the route lists no
// master: a slave answers from the offsets it synced from the master) and returns the `offset`
// field.
// QUERY_NOT_FOUND gives -1. `group` is set for code 14 only, `timestamp_ms` for 29 only.
sdk::Result<std::int64_t> query_queue_offset(ClientInstance& instance, std::int32_t code,
                                             const MessageQueue& queue, const std::string& group,
                                             std::int64_t timestamp_ms = 0);

// UPDATE_CONSUMER_OFFSET for `queue` to its master (else its slave, which accepts it without
// storing it): one-way when `oneway`, else waits for the answer.
sdk::Status update_consumer_offset(ClientInstance& instance, const std::string& group,
                                   const MessageQueue& queue, std::int64_t offset, bool oneway);

// The master address of `queue`'s broker, refreshing the topic's route once if unknown.
sdk::Result<std::string> master_of(ClientInstance& instance, const MessageQueue& queue);
// As master_of(), but a broker name whose master is gone gives its slave's address.
sdk::Result<std::string> readable_addr_of(ClientInstance& instance, const MessageQueue& queue);

}  // namespace mq::client
