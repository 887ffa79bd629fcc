// The key tables themselves: unique names, complete declarations, defaults that match the
// struct initializers, and the RocketMQ keys the brief promises.
#include "config_test_support.h"

#include "config/broker_config.h"
#include "config/broker_config_keys.h"
#include "config/namesrv_config_keys.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mq::core {
namespace {

template <typename Config>
void expect_well_formed(const KeyTable<Config>& table) {
  EXPECT_FALSE(table.duplicate_name().has_value()) << *table.duplicate_name();
  for (const auto& decl : table.keys()) {
    SCOPED_TRACE(std::string(decl.name));
    EXPECT_EQ(decl.name.find('.'), std::string_view::npos);  // dotted keys are plugins'
    if (decl.ignored()) {
      EXPECT_FALSE(decl.format);
      continue;
    }
    EXPECT_FALSE(decl.description.empty());
    EXPECT_FALSE(decl.allowed.empty());
    EXPECT_TRUE(decl.assign);
    EXPECT_TRUE(decl.format);
    if (decl.derive) {
      EXPECT_FALSE(decl.default_doc.empty());
    }
  }
}

// A key with a fixed default prints that default from a value-initialised struct, so the
// comments and initializers in the headers cannot drift from the table. sdk::BrokerIdentity
// leaves cluster_name empty (the SDK does not repeat the broker's defaults); that one is exempt.
template <typename Config>
void expect_struct_defaults_match(const KeyTable<Config>& table) {
  const Config defaults{};
  for (const auto& decl : table.keys()) {
    if (decl.ignored() || decl.derive || decl.name == "brokerClusterName") continue;
    EXPECT_EQ(decl.format(defaults), decl.default_text) << decl.name;
  }
}

TEST(KeyTable, BrokerTableIsWellFormed) {
  expect_well_formed(broker_key_table());
  expect_struct_defaults_match(broker_key_table());
}

TEST(KeyTable, NamesrvTableIsWellFormed) {
  expect_well_formed(namesrv_key_table());
  expect_struct_defaults_match(namesrv_key_table());
}

TEST(KeyTable, BrokerDeclaresTheRocketMqKeys) {
  std::set<std::string> declared;
  std::set<std::string> ignored;
  for (const auto& info : describe_broker_keys()) {
    (info.ignored_reason.empty() ? declared : ignored).insert(info.name);
  }
  for (const char* name : {"brokerClusterName",
                           "brokerName",
                           "brokerId",
                           "brokerIP1",
                           "brokerIP2",
                           "namesrvAddr",
                           "listenPort",
                           "haListenPort",
                           "brokerRole",
                           "flushDiskType",
                           "storePathRootDir",
                           "storePathCommitLog",
                           "storePathConsumeQueue",
                           "storePathIndex",
                           "storeCheckpoint",
                           "abortFile",
                           "mappedFileSizeCommitLog",
                           "mappedFileSizeConsumeQueue",
                           "flushIntervalCommitLog",
                           "flushCommitLogLeastPages",
                           "flushCommitLogThoroughInterval",
                           "flushIntervalConsumeQueue",
                           "flushConsumeQueueLeastPages",
                           "flushConsumeQueueThoroughInterval",
                           "syncFlushTimeout",
                           "deleteWhen",
                           "fileReservedTime",
                           "diskMaxUsedSpaceRatio",
                           "maxMessageSize",
                           "messageIndexEnable",
                           "maxHashSlotNum",
                           "maxIndexNum",
                           "frameMaxLength",
                           "serverChannelMaxIdleTimeSeconds",
                           "writeQueueLimitBytes",
                           "connectTimeoutMillis",
                           "serverSelectorThreads",
                           "haMasterAddress",
                           "slaveTimeout",
                           "haSlaveFallbehindMax",
                           "haSendHeartbeatInterval",
                           "haHousekeepingInterval",
                           "haTransferBatchSize",
                           "autoCreateTopicEnable",
                           "autoCreateSubscriptionGroup",
                           "defaultTopicQueueNums",
                           "brokerPermission",
                           "longPollingEnable",
                           "slaveReadEnable",
                           "notifyConsumerIdsChangedEnable",
                           "registerNameServerPeriod",
                           "forceRegister",
                           "traceTopicEnable",
                           "defaultQueryMaxNum",
                           "maxTransferCountOnMessageInMemory",
                           "maxTransferBytesOnMessageInMemory",
                           "messageDelayLevel",
                           "storePlugin",
                           "transportPlugins",
                           "replicationPlugin",
                           "pluginDir",
                           "logDir",
                           "logLevel"}) {
    EXPECT_EQ(declared.count(name), 1u) << name;
  }
  for (const char* name :
       {"sendMessageThreadPoolNums", "pullMessageThreadPoolNums", "checkTransactionMessageEnable",
        "destroyMapedFileIntervalForcibly", "redeleteHangedFileInterval",
        "transientStorePoolEnable", "useReentrantLockWhenPutMessage", "waitTimeMillsInSendQueue",
        "flushCommitLogTimed", "rocketmqHome", "aclEnable", "enableDLegerCommitLog"}) {
    EXPECT_EQ(ignored.count(name), 1u) << name;
  }
}

TEST(KeyTable, EffectiveConfigPrintsEveryKeyOnce) {
  ConfigDiagnostics diagnostics;
  auto parsed = parse_broker_config(nullptr, {}, testing::fake_environment(), diagnostics);
  ASSERT_TRUE(parsed.ok());
  const std::string printed = format_effective_config(*parsed);
  std::size_t expected = 0;
  for (const auto& info : describe_broker_keys()) {
    if (!info.ignored_reason.empty()) {
      EXPECT_EQ(printed.find("\n" + info.name + "="), std::string::npos) << info.name;
      continue;
    }
    ++expected;
    const std::string line_start = info.name + "=";
    const bool first = printed.rfind(line_start, 0) == 0;
    EXPECT_TRUE(first || printed.find("\n" + line_start) != std::string::npos) << info.name;
  }
  std::size_t lines = 0;
  for (const char c : printed) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, expected);
}

TEST(KeyTable, DescriptionsShowDerivedDefaults) {
  for (const auto& info : describe_broker_keys()) {
    if (info.name == "haListenPort") {
      EXPECT_EQ(info.default_value, "listenPort + 1");
    }
    if (info.name == "storePathCommitLog") {
      EXPECT_EQ(info.default_value, "<storePathRootDir>/commitlog");
    }
    if (info.name == "mappedFileSizeCommitLog") {
      EXPECT_EQ(info.legacy_aliases, std::vector<std::string>{"mapedFileSizeCommitLog"});
    }
    if (info.name == "listenPort") {
      EXPECT_EQ(info.default_value, "10911");
    }
  }
}

}  // namespace
}  // namespace mq::core
