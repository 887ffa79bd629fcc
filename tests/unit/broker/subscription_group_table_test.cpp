#include "broker/subscription_group_table.h"

#include "broker_test_helpers.h"
#include "test_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

namespace mq::core {
namespace {

using mq::core::test::config_in;
using mq::core::test::write_file;

constexpr std::string_view kDefaultGroupJson =
    R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,)"
    R"("consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,)"
    R"("retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1})";

TEST(SubscriptionGroupConfig, DefaultsAndJavaJsonByteForByte) {
  SubscriptionGroupConfig config;
  config.group_name = "CG";
  EXPECT_EQ(config.to_json(), kDefaultGroupJson);
  auto parsed = SubscriptionGroupConfig::from_json(kDefaultGroupJson);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, config);
}

TEST(SubscriptionGroupConfig, ReadsEveryFieldIgnoresUnknownAndKeepsDefaultsForAbsent) {
  auto parsed = SubscriptionGroupConfig::from_json(
      R"({"groupName":"G","consumeEnable":false,"consumeFromMinEnable":false,)"
      R"("consumeBroadcastEnable":false,"retryQueueNums":"3","retryMaxTimes":5,"brokerId":1,)"
      R"("whichBrokerWhenConsumeSlowly":2,"notifyConsumerIdsChangedEnable":false,)"
      R"("groupSysFlag":0,"consumeTimeoutMinute":15,"attributes":{}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->group_name, "G");
  EXPECT_FALSE(parsed->consume_enable);
  EXPECT_FALSE(parsed->consume_from_min_enable);
  EXPECT_FALSE(parsed->consume_broadcast_enable);
  EXPECT_EQ(parsed->retry_queue_nums, 3);
  EXPECT_EQ(parsed->retry_max_times, 5);
  EXPECT_EQ(parsed->broker_id, 1);
  EXPECT_EQ(parsed->which_broker_when_consume_slowly, 2);
  EXPECT_FALSE(parsed->notify_consumer_ids_changed_enable);

  auto sparse = SubscriptionGroupConfig::from_json(R"({"groupName":"G"})");
  ASSERT_TRUE(sparse.ok());
  EXPECT_TRUE(sparse->consume_enable);
  EXPECT_EQ(sparse->retry_max_times, 16);

  auto wrong = SubscriptionGroupConfig::from_json(R"({"retryMaxTimes":[1]})");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), sdk::StatusCode::kCorruption);
  EXPECT_NE(wrong.status().message().find("retryMaxTimes"), std::string::npos);
}

TEST(SubscriptionGroupTable, FirstLoadHasTheSystemGroupsAndWritesThem) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  SubscriptionGroupTable table(config);
  EXPECT_EQ(table.file_path(),
            (std::filesystem::path(dir.path()) / "config" / "subscriptionGroup.json").string());
  ASSERT_TRUE(table.load().is_ok());
  for (std::string_view name :
       {"TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
        "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER", "CID_RMQ_SYS_TRANS"}) {
    auto group = table.find(name);
    ASSERT_TRUE(group.has_value()) << name;
    EXPECT_EQ(group->group_name, name);
    EXPECT_EQ(*group, (SubscriptionGroupConfig{.group_name = std::string(name)}));
  }
  EXPECT_EQ(table.snapshot().size(), kSystemSubscriptionGroups.size());
  EXPECT_EQ(table.data_version().counter, 1);
  ASSERT_TRUE(std::filesystem::exists(table.file_path()));
  EXPECT_EQ(mq::test::read_file(table.file_path()), table.to_json());

  // A second load finds them all in the file and writes nothing.
  const std::string written = mq::test::read_file(table.file_path());
  SubscriptionGroupTable again(config);
  ASSERT_TRUE(again.load().is_ok());
  EXPECT_EQ(again.data_version(), table.data_version());
  EXPECT_EQ(mq::test::read_file(again.file_path()), written);
}

TEST(SubscriptionGroupTable, ToJsonIsTheJavaWrapperInNameOrder) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  ASSERT_TRUE(table.upsert({.group_name = "CG"}).is_ok());
  const std::string json = table.to_json();
  const DataVersion version = table.data_version();
  const std::string prefix = R"({"dataVersion":{"counter":)" + std::to_string(version.counter) +
                             R"(,"timestamp":)" + std::to_string(version.timestamp) +
                             R"(},"subscriptionGroupTable":{"CG":)" +
                             std::string(kDefaultGroupJson) + R"(,"CID_ONS-HTTP-PROXY":)";
  // "CG" sorts before "CID_...": byte order, as std::map keeps it.
  EXPECT_EQ(json.substr(0, prefix.size()), prefix) << json;
  EXPECT_EQ(json.back(), '}');
}

TEST(SubscriptionGroupTable, UpsertRemoveAndReloadRoundTrip) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  SubscriptionGroupConfig custom{.group_name = "orders",
                                 .consume_enable = false,
                                 .consume_from_min_enable = false,
                                 .consume_broadcast_enable = false,
                                 .retry_queue_nums = 2,
                                 .retry_max_times = 3,
                                 .broker_id = 1,
                                 .which_broker_when_consume_slowly = 0,
                                 .notify_consumer_ids_changed_enable = false};
  DataVersion version;
  {
    SubscriptionGroupTable table(config);
    ASSERT_TRUE(table.load().is_ok());
    ASSERT_TRUE(table.upsert(custom).is_ok());
    ASSERT_TRUE(table.upsert({.group_name = "doomed"}).is_ok());
    ASSERT_TRUE(table.remove("doomed").is_ok());
    ASSERT_TRUE(table.remove("never-there").is_ok());
    version = table.data_version();
    EXPECT_EQ(version.counter, 4);  // load, two upserts, one real remove
  }
  SubscriptionGroupTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.find("orders"), custom);
  EXPECT_FALSE(reloaded.find("doomed").has_value());
  EXPECT_EQ(reloaded.data_version(), version);
  EXPECT_TRUE(reloaded.find("TOOLS_CONSUMER").has_value());

  EXPECT_EQ(reloaded.upsert({}).code(), sdk::StatusCode::kInvalidArgument);
}

TEST(SubscriptionGroupTable, FindOrCreateWithAutoCreate) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ASSERT_TRUE(config.auto_create_subscription_group);
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  EXPECT_FALSE(table.find("CG").has_value());
  auto created = table.find_or_create("CG");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(*created, (SubscriptionGroupConfig{.group_name = "CG"}));
  EXPECT_EQ(table.data_version().counter, 2);
  // A second call finds it and changes nothing.
  EXPECT_EQ(table.find_or_create("CG"), created);
  EXPECT_EQ(table.data_version().counter, 2);
  EXPECT_FALSE(table.find_or_create("").has_value());

  SubscriptionGroupTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.find("CG"), created);
}

TEST(SubscriptionGroupTable, FindOrCreateWithoutAutoCreateOnlyMakesSystemGroups) {
  mq::test::TempDir dir;
  BrokerConfig config = config_in(dir.path());
  config.auto_create_subscription_group = false;
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  EXPECT_FALSE(table.find_or_create("CG").has_value());
  EXPECT_FALSE(table.find("CG").has_value());
  EXPECT_EQ(table.data_version().counter, 1);
  // Existing groups are still found.
  EXPECT_TRUE(table.find_or_create("TOOLS_CONSUMER").has_value());
  ASSERT_TRUE(table.upsert({.group_name = "CG"}).is_ok());
  EXPECT_TRUE(table.find_or_create("CG").has_value());
  // The CID_RMQ_SYS_ prefix is always created.
  auto system = table.find_or_create("CID_RMQ_SYS_OTHER");
  ASSERT_TRUE(system.has_value());
  EXPECT_EQ(system->group_name, "CID_RMQ_SYS_OTHER");
}

TEST(SubscriptionGroupTable, LoadsAJavaBrokersPrettyPrintedFile) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  write_file(dir.file("config/subscriptionGroup.json"),
             "{\n\t\"dataVersion\":{\n\t\t\"counter\":7,\n\t\t\"timestamp\":1700000000000\n\t},\n"
             "\t\"subscriptionGroupTable\":{\n\t\t\"CG\":{\n\t\t\t\"brokerId\":0,\n"
             "\t\t\t\"consumeBroadcastEnable\":true,\n\t\t\t\"consumeEnable\":false,\n"
             "\t\t\t\"consumeFromMinEnable\":true,\n\t\t\t\"groupName\":\"CG\",\n"
             "\t\t\t\"notifyConsumerIdsChangedEnable\":true,\n\t\t\t\"retryMaxTimes\":16,\n"
             "\t\t\t\"retryQueueNums\":1,\n\t\t\t\"whichBrokerWhenConsumeSlowly\":1\n\t\t},\n"
             "\t\t\"keyed\":{\"groupName\":\"other\"}\n"
             "\t}\n}");
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  auto group = table.find("CG");
  ASSERT_TRUE(group.has_value());
  EXPECT_FALSE(group->consume_enable);
  // The map key is the name.
  ASSERT_TRUE(table.find("keyed").has_value());
  EXPECT_EQ(table.find("keyed")->group_name, "keyed");
  // The system groups were missing, so they were added with a new version and written.
  EXPECT_EQ(table.data_version().counter, 8);
  EXPECT_EQ(mq::test::read_file(table.file_path()), table.to_json());
}

TEST(SubscriptionGroupTable, CorruptFileIsReportedAndNeverOverwritten) {
  for (const std::string text :
       {"{not json", "[]", R"({"subscriptionGroupTable":[]})",
        R"({"subscriptionGroupTable":{"CG":{"retryMaxTimes":"many"}}})",
        R"({"dataVersion":{"counter":"x"},"subscriptionGroupTable":{}})"}) {
    mq::test::TempDir dir;
    const BrokerConfig config = config_in(dir.path());
    const std::string path = write_file(dir.file("config/subscriptionGroup.json"), text);
    SubscriptionGroupTable table(config);
    auto status = table.load();
    EXPECT_EQ(status.code(), sdk::StatusCode::kCorruption) << text;
    EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
    EXPECT_FALSE(table.find("CG").has_value());
    EXPECT_TRUE(table.find("TOOLS_CONSUMER").has_value());
    EXPECT_EQ(table.upsert({.group_name = "CG"}).code(), sdk::StatusCode::kUnavailable);
    EXPECT_TRUE(table.find_or_create("NEW").has_value());
    EXPECT_EQ(table.persist().code(), sdk::StatusCode::kUnavailable);
    EXPECT_EQ(mq::test::read_file(path), text);
  }
}

TEST(SubscriptionGroupTable, FailedWriteKeepsTheChangeAndPersistRetries) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path() + "/store");
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  // Make the config directory unusable: replace it with a regular file.
  std::filesystem::remove_all(dir.path() + "/store/config");
  write_file(dir.file("store/config"), "blocker");

  EXPECT_EQ(table.upsert({.group_name = "A"}).code(), sdk::StatusCode::kIoError);
  EXPECT_TRUE(table.find("A").has_value());
  EXPECT_TRUE(table.find_or_create("B").has_value());  // the write fails quietly
  EXPECT_EQ(table.persist().code(), sdk::StatusCode::kIoError);

  std::filesystem::remove(dir.path() + "/store/config");
  ASSERT_TRUE(table.persist().is_ok());
  ASSERT_TRUE(table.persist().is_ok());  // nothing left to write
  SubscriptionGroupTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_TRUE(reloaded.find("A").has_value());
  EXPECT_TRUE(reloaded.find("B").has_value());
  EXPECT_EQ(reloaded.data_version(), table.data_version());
}

TEST(SubscriptionGroupTable, ConcurrentUseFromSeveralThreads) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  constexpr int kThreads = 4;
  constexpr int kGroups = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kGroups; ++i) {
        // Every thread races for the shared groups; each also owns a few.
        EXPECT_TRUE(table.find_or_create("shared-" + std::to_string(i)).has_value());
        if (i % 5 == 0) {
          SubscriptionGroupConfig own{.group_name =
                                          "own-" + std::to_string(t) + "-" + std::to_string(i)};
          own.retry_max_times = t;
          EXPECT_TRUE(table.upsert(own).is_ok());
        }
        (void)table.to_json();
        (void)table.snapshot();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(table.snapshot().size(),
            kSystemSubscriptionGroups.size() + kGroups + kThreads * (kGroups / 5));
  // Every creation and upsert is one version step; racing creations of one group count once.
  EXPECT_EQ(table.data_version().counter, 1 + kGroups + kThreads * (kGroups / 5));
  SubscriptionGroupTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.to_json(), table.to_json());
}

}  // namespace
}  // namespace mq::core

namespace mq::core {
namespace {

TEST(SubscriptionGroupTable, ReplaceFromJsonTakesTheMastersGroupsAndVersion) {
  mq::test::TempDir master_dir, slave_dir;
  const BrokerConfig master_config = test::config_in(master_dir.path());
  const BrokerConfig slave_config = test::config_in(slave_dir.path());
  SubscriptionGroupTable master(master_config), slave(slave_config);
  ASSERT_TRUE(master.load().is_ok());
  ASSERT_TRUE(slave.load().is_ok());
  ASSERT_TRUE(master.upsert({.group_name = "CG", .retry_max_times = 3}).is_ok());
  ASSERT_TRUE(slave.upsert({.group_name = "SLAVE_ONLY"}).is_ok());

  auto replaced = slave.replace_from_json(master.to_json());
  ASSERT_TRUE(replaced.ok()) << replaced.status().to_string();
  EXPECT_TRUE(*replaced);
  EXPECT_EQ(slave.snapshot(), master.snapshot());
  EXPECT_EQ(slave.data_version(), master.data_version());
  EXPECT_FALSE(slave.find("SLAVE_ONLY").has_value());
  EXPECT_EQ(slave.find("CG")->retry_max_times, 3);
  // Persisted: a fresh table reads the same from the slave's file.
  SubscriptionGroupTable reloaded(slave_config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.snapshot(), master.snapshot());

  // The same body again is no change and writes nothing.
  std::filesystem::remove(slave.file_path());
  replaced = slave.replace_from_json(master.to_json());
  ASSERT_TRUE(replaced.ok());
  EXPECT_FALSE(*replaced);
  EXPECT_FALSE(std::filesystem::exists(slave.file_path()));
}

TEST(SubscriptionGroupTable, ReplaceFromJsonKeepsSystemGroupsAndRefusesGarbage) {
  mq::test::TempDir dir;
  const BrokerConfig config = test::config_in(dir.path());
  SubscriptionGroupTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  ASSERT_TRUE(table.upsert({.group_name = "CG"}).is_ok());
  const auto before = table.snapshot();
  for (std::string_view bad : {"not json", "[1]", R"({"subscriptionGroupTable":[1]})",
                               R"({"subscriptionGroupTable":{"G":{"retryMaxTimes":[1]}}})"}) {
    auto replaced = table.replace_from_json(bad);
    ASSERT_FALSE(replaced.ok()) << bad;
    EXPECT_EQ(replaced.status().code(), sdk::StatusCode::kCorruption) << bad;
    EXPECT_EQ(table.snapshot(), before) << bad;
  }
  auto replaced = table.replace_from_json(
      R"({"dataVersion":{"counter":7,"timestamp":1},"subscriptionGroupTable":{"G":{}}})");
  ASSERT_TRUE(replaced.ok()) << replaced.status().to_string();
  EXPECT_EQ(table.data_version().counter, 7);
  EXPECT_EQ(table.find("G")->group_name, "G");
  EXPECT_FALSE(table.find("CG").has_value());
  EXPECT_EQ(table.snapshot().size(), kSystemSubscriptionGroups.size() + 1);
}

}  // namespace
}  // namespace mq::core
