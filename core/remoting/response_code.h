// Response codes of the RocketMQ 4.x remoting protocol (remoting-protocol.md §2.2).
#pragma once

#include <cstdint>
#include <string_view>

namespace mq::core {

// Java's ResponseCode constants in kConstant style: PULL_NOT_FOUND is kPullNotFound.
// 10, 11, 12 (send) and 19, 20, 21 (pull) still carry a full response header.
namespace response_code {
inline constexpr std::int32_t kSuccess = 0;
inline constexpr std::int32_t kSystemError = 1;
inline constexpr std::int32_t kSystemBusy = 2;
inline constexpr std::int32_t kRequestCodeNotSupported = 3;
inline constexpr std::int32_t kTransactionFailed = 4;
inline constexpr std::int32_t kFlushDiskTimeout = 10;
inline constexpr std::int32_t kSlaveNotAvailable = 11;
inline constexpr std::int32_t kFlushSlaveTimeout = 12;
inline constexpr std::int32_t kMessageIllegal = 13;
inline constexpr std::int32_t kServiceNotAvailable = 14;
inline constexpr std::int32_t kVersionNotSupported = 15;
inline constexpr std::int32_t kNoPermission = 16;
inline constexpr std::int32_t kTopicNotExist = 17;
inline constexpr std::int32_t kTopicExistAlready = 18;
inline constexpr std::int32_t kPullNotFound = 19;
inline constexpr std::int32_t kPullRetryImmediately = 20;
inline constexpr std::int32_t kPullOffsetMoved = 21;
inline constexpr std::int32_t kQueryNotFound = 22;
inline constexpr std::int32_t kSubscriptionParseFailed = 23;
inline constexpr std::int32_t kSubscriptionNotExist = 24;
inline constexpr std::int32_t kSubscriptionNotLatest = 25;
inline constexpr std::int32_t kSubscriptionGroupNotExist = 26;
inline constexpr std::int32_t kFilterDataNotExist = 27;
inline constexpr std::int32_t kFilterDataNotLatest = 28;
inline constexpr std::int32_t kTransactionShouldCommit = 200;
inline constexpr std::int32_t kTransactionShouldRollback = 201;
inline constexpr std::int32_t kTransactionStateUnknow = 202;
inline constexpr std::int32_t kTransactionStateGroupWrong = 203;
inline constexpr std::int32_t kNoBuyerId = 204;
inline constexpr std::int32_t kNotInCurrentUnit = 205;
inline constexpr std::int32_t kConsumerNotOnline = 206;
inline constexpr std::int32_t kConsumeMsgTimeout = 207;
inline constexpr std::int32_t kNoMessage = 208;
inline constexpr std::int32_t kUpdateAndCreateAclConfigFailed = 209;
inline constexpr std::int32_t kDeleteAclConfigFailed = 210;
inline constexpr std::int32_t kUpdateGlobalWhiteAddrsConfigFailed = 211;
inline constexpr std::int32_t kFlowControl = 215;
}  // namespace response_code

// The RocketMQ name of `code` ("SUCCESS"), for logs; "UNKNOWN" for any other code.
std::string_view response_code_name(std::int32_t code) noexcept;

}  // namespace mq::core
