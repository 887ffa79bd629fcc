// Request codes of the RocketMQ 4.x remoting protocol (remoting-protocol.md §2.1).
#pragma once

#include <cstdint>
#include <string_view>

namespace mq::core {

// Java's RequestCode constants in kConstant style: SEND_MESSAGE_V2 is kSendMessageV2.
// Codes 39, 40, 220, 221, 307, 309 and 326 are sent by the broker to a client.
namespace request_code {
inline constexpr std::int32_t kSendMessage = 10;
inline constexpr std::int32_t kPullMessage = 11;
inline constexpr std::int32_t kQueryMessage = 12;
inline constexpr std::int32_t kQueryConsumerOffset = 14;
inline constexpr std::int32_t kUpdateConsumerOffset = 15;
inline constexpr std::int32_t kUpdateAndCreateTopic = 17;
inline constexpr std::int32_t kGetAllTopicConfig = 21;
inline constexpr std::int32_t kUpdateBrokerConfig = 25;
inline constexpr std::int32_t kGetBrokerConfig = 26;
inline constexpr std::int32_t kGetBrokerRuntimeInfo = 28;
inline constexpr std::int32_t kSearchOffsetByTimestamp = 29;
inline constexpr std::int32_t kGetMaxOffset = 30;
inline constexpr std::int32_t kGetMinOffset = 31;
inline constexpr std::int32_t kGetEarliestMsgStoretime = 32;
inline constexpr std::int32_t kViewMessageById = 33;
inline constexpr std::int32_t kHeartBeat = 34;
inline constexpr std::int32_t kUnregisterClient = 35;
inline constexpr std::int32_t kConsumerSendMsgBack = 36;
inline constexpr std::int32_t kEndTransaction = 37;
inline constexpr std::int32_t kGetConsumerListByGroup = 38;
inline constexpr std::int32_t kCheckTransactionState = 39;
inline constexpr std::int32_t kNotifyConsumerIdsChanged = 40;
inline constexpr std::int32_t kLockBatchMq = 41;
inline constexpr std::int32_t kUnlockBatchMq = 42;
inline constexpr std::int32_t kGetAllConsumerOffset = 43;
inline constexpr std::int32_t kGetAllDelayOffset = 45;
inline constexpr std::int32_t kCheckClientConfig = 46;
inline constexpr std::int32_t kPutKvConfig = 100;
inline constexpr std::int32_t kGetKvConfig = 101;
inline constexpr std::int32_t kDeleteKvConfig = 102;
inline constexpr std::int32_t kRegisterBroker = 103;
inline constexpr std::int32_t kUnregisterBroker = 104;
inline constexpr std::int32_t kGetRouteinfoByTopic = 105;
inline constexpr std::int32_t kGetBrokerClusterInfo = 106;
inline constexpr std::int32_t kUpdateAndCreateSubscriptiongroup = 200;
inline constexpr std::int32_t kGetAllSubscriptiongroupConfig = 201;
inline constexpr std::int32_t kGetTopicStatsInfo = 202;
inline constexpr std::int32_t kGetConsumerConnectionList = 203;
inline constexpr std::int32_t kGetProducerConnectionList = 204;
inline constexpr std::int32_t kWipeWritePermOfBroker = 205;
inline constexpr std::int32_t kGetAllTopicListFromNameserver = 206;
inline constexpr std::int32_t kDeleteSubscriptiongroup = 207;
inline constexpr std::int32_t kGetConsumeStats = 208;
inline constexpr std::int32_t kDeleteTopicInBroker = 215;
inline constexpr std::int32_t kDeleteTopicInNamesrv = 216;
inline constexpr std::int32_t kGetKvlistByNamespace = 219;
inline constexpr std::int32_t kResetConsumerClientOffset = 220;
inline constexpr std::int32_t kGetConsumerStatusFromClient = 221;
inline constexpr std::int32_t kInvokeBrokerToResetOffset = 222;
inline constexpr std::int32_t kInvokeBrokerToGetConsumerStatus = 223;
inline constexpr std::int32_t kGetTopicsByCluster = 224;
inline constexpr std::int32_t kQueryTopicConsumeByWho = 300;
inline constexpr std::int32_t kQueryConsumeTimeSpan = 303;
inline constexpr std::int32_t kGetSystemTopicListFromNs = 304;
inline constexpr std::int32_t kGetConsumerRunningInfo = 307;
inline constexpr std::int32_t kConsumeMessageDirectly = 309;
inline constexpr std::int32_t kSendMessageV2 = 310;
inline constexpr std::int32_t kCloneGroupOffset = 314;
inline constexpr std::int32_t kViewBrokerStatsData = 315;
inline constexpr std::int32_t kGetBrokerConsumeStats = 317;
inline constexpr std::int32_t kUpdateNamesrvConfig = 318;
inline constexpr std::int32_t kGetNamesrvConfig = 319;
inline constexpr std::int32_t kSendBatchMessage = 320;
inline constexpr std::int32_t kQueryConsumeQueue = 321;
inline constexpr std::int32_t kQueryDataVersion = 322;
inline constexpr std::int32_t kSendReplyMessage = 324;
inline constexpr std::int32_t kSendReplyMessageV2 = 325;
inline constexpr std::int32_t kPushReplyMessageToClient = 326;
inline constexpr std::int32_t kAddWritePermOfBroker = 327;
inline constexpr std::int32_t kGetAllProducerInfo = 328;
}  // namespace request_code

// The RocketMQ name of `code` ("SEND_MESSAGE"), for logs; "UNKNOWN" for any other code.
std::string_view request_code_name(std::int32_t code) noexcept;

}  // namespace mq::core
