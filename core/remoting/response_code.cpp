#include "remoting/response_code.h"

namespace mq::core {

std::string_view response_code_name(std::int32_t code) noexcept {
  switch (code) {
    case response_code::kSuccess:
      return "SUCCESS";
    case response_code::kSystemError:
      return "SYSTEM_ERROR";
    case response_code::kSystemBusy:
      return "SYSTEM_BUSY";
    case response_code::kRequestCodeNotSupported:
      return "REQUEST_CODE_NOT_SUPPORTED";
    case response_code::kTransactionFailed:
      return "TRANSACTION_FAILED";
    case response_code::kFlushDiskTimeout:
      return "FLUSH_DISK_TIMEOUT";
    case response_code::kSlaveNotAvailable:
      return "SLAVE_NOT_AVAILABLE";
    case response_code::kFlushSlaveTimeout:
      return "FLUSH_SLAVE_TIMEOUT";
    case response_code::kMessageIllegal:
      return "MESSAGE_ILLEGAL";
    case response_code::kServiceNotAvailable:
      return "SERVICE_NOT_AVAILABLE";
    case response_code::kVersionNotSupported:
      return "VERSION_NOT_SUPPORTED";
    case response_code::kNoPermission:
      return "NO_PERMISSION";
    case response_code::kTopicNotExist:
      return "TOPIC_NOT_EXIST";
    case response_code::kTopicExistAlready:
      return "TOPIC_EXIST_ALREADY";
    case response_code::kPullNotFound:
      return "PULL_NOT_FOUND";
    case response_code::kPullRetryImmediately:
      return "PULL_RETRY_IMMEDIATELY";
    case response_code::kPullOffsetMoved:
      return "PULL_OFFSET_MOVED";
    case response_code::kQueryNotFound:
      return "QUERY_NOT_FOUND";
    case response_code::kSubscriptionParseFailed:
      return "SUBSCRIPTION_PARSE_FAILED";
    case response_code::kSubscriptionNotExist:
      return "SUBSCRIPTION_NOT_EXIST";
    case response_code::kSubscriptionNotLatest:
      return "SUBSCRIPTION_NOT_LATEST";
    case response_code::kSubscriptionGroupNotExist:
      return "SUBSCRIPTION_GROUP_NOT_EXIST";
    case response_code::kFilterDataNotExist:
      return "FILTER_DATA_NOT_EXIST";
    case response_code::kFilterDataNotLatest:
      return "FILTER_DATA_NOT_LATEST";
    case response_code::kTransactionShouldCommit:
      return "TRANSACTION_SHOULD_COMMIT";
    case response_code::kTransactionShouldRollback:
      return "TRANSACTION_SHOULD_ROLLBACK";
    case response_code::kTransactionStateUnknow:
      return "TRANSACTION_STATE_UNKNOW";
    case response_code::kTransactionStateGroupWrong:
      return "TRANSACTION_STATE_GROUP_WRONG";
    case response_code::kNoBuyerId:
      return "NO_BUYER_ID";
    case response_code::kNotInCurrentUnit:
      return "NOT_IN_CURRENT_UNIT";
    case response_code::kConsumerNotOnline:
      return "CONSUMER_NOT_ONLINE";
    case response_code::kConsumeMsgTimeout:
      return "CONSUME_MSG_TIMEOUT";
    case response_code::kNoMessage:
      return "NO_MESSAGE";
    case response_code::kUpdateAndCreateAclConfigFailed:
      return "UPDATE_AND_CREATE_ACL_CONFIG_FAILED";
    case response_code::kDeleteAclConfigFailed:
      return "DELETE_ACL_CONFIG_FAILED";
    case response_code::kUpdateGlobalWhiteAddrsConfigFailed:
      return "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED";
    case response_code::kFlowControl:
      return "FLOW_CONTROL";
    default:
      return "UNKNOWN";
  }
}

}  // namespace mq::core
