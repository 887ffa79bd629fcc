// The user guide's four broker files (tests/data/user-guide) parse as the guide means them.
#include "config_test_support.h"

#include "config/broker_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mq::core {
namespace {

using testing::contains;

struct Loaded {
  BrokerConfig config;
  ConfigDiagnostics diagnostics;
};

Loaded load_user_guide_file(const std::string& name) {
  auto file = PropertiesFile::load(std::string(MQ_TEST_DATA_DIR) + "/user-guide/" + name);
  EXPECT_TRUE(file.ok()) << file.status().to_string();
  Loaded out;
  // The real machine: the files carry IPv4 literals only, so nothing is looked up on a network.
  auto parsed =
      parse_broker_config(&file.value(), {}, ConfigEnvironment::system(), out.diagnostics);
  EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
  if (parsed.ok()) out.config = std::move(parsed).value();
  return out;
}

std::string path_of(const std::string& name) {
  return std::string(MQ_TEST_DATA_DIR) + "/user-guide/" + name;
}

void expect_common(const Loaded& l) {
  const BrokerConfig& c = l.config;
  EXPECT_EQ(c.identity.cluster_name, "rocketmq-cluster");
  EXPECT_EQ(c.namesrv_addrs, (std::vector<std::string>{"127.0.0.1:9876", "127.0.0.1:9877"}));
  EXPECT_EQ(c.default_topic_queue_nums, 4);
  EXPECT_TRUE(c.auto_create_topic_enable);
  EXPECT_TRUE(c.auto_create_subscription_group);
  EXPECT_EQ(c.store.delete_when, "04");
  EXPECT_EQ(c.store.file_reserved_time_hours, 120);
  EXPECT_EQ(c.store.mapped_file_size_commit_log, 1073741824);
  EXPECT_EQ(c.store.mapped_file_size_consume_queue, 300000);
  EXPECT_EQ(c.store.disk_max_used_space_ratio, 88);
  EXPECT_EQ(c.store.max_message_size, 65536);
  EXPECT_TRUE(l.diagnostics.notes.empty());  // the compatibility keys are commented out
}

void expect_store_paths(const BrokerConfig& c, const std::string& root) {
  EXPECT_EQ(c.store.store_path_root_dir, root);
  EXPECT_EQ(c.store.store_path_commit_log, root + "/commitlog");
  EXPECT_EQ(c.store.store_path_consume_queue, root + "/consumequeue");
  EXPECT_EQ(c.store.store_path_index, root + "/index");
  EXPECT_EQ(c.store.store_checkpoint, root + "/checkpoint");
  EXPECT_EQ(c.store.abort_file, root + "/abort");
}

std::vector<std::string> legacy_warnings(const std::string& file, int commit_log_line) {
  return {path_of(file) + ":" + std::to_string(commit_log_line) +
              ": 'mapedFileSizeCommitLog' is a legacy spelling of 'mappedFileSizeCommitLog'; "
              "accepted, but please write 'mappedFileSizeCommitLog'",
          path_of(file) + ":" + std::to_string(commit_log_line + 2) +
              ": 'mapedFileSizeConsumeQueue' is a legacy spelling of "
              "'mappedFileSizeConsumeQueue'; accepted, but please write "
              "'mappedFileSizeConsumeQueue'"};
}

TEST(UserGuideFiles, MasterA) {
  const Loaded l = load_user_guide_file("broker-a.properties");
  expect_common(l);
  const BrokerConfig& c = l.config;
  EXPECT_EQ(c.identity.broker_name, "broker-a");
  EXPECT_EQ(c.identity.broker_id, 0);
  EXPECT_EQ(c.replication.broker_role, sdk::BrokerRole::kSyncMaster);
  EXPECT_EQ(c.store.flush_disk_type, sdk::FlushDiskType::kSyncFlush);
  EXPECT_EQ(c.identity.listen_port, 10911);
  EXPECT_EQ(c.replication.ha_listen_port, 10912);
  EXPECT_EQ(c.replication_plugin, "replication-sync");
  expect_store_paths(c, "/usr/local/rocketmq/store");
  EXPECT_EQ(l.diagnostics.warnings, legacy_warnings("broker-a.properties", 22));
}

TEST(UserGuideFiles, SlaveA) {
  const Loaded l = load_user_guide_file("broker-a-s.properties");
  expect_common(l);
  const BrokerConfig& c = l.config;
  EXPECT_EQ(c.identity.broker_name, "broker-a");
  EXPECT_EQ(c.identity.broker_id, 1);
  EXPECT_EQ(c.replication.broker_role, sdk::BrokerRole::kSlave);
  EXPECT_EQ(c.store.flush_disk_type, sdk::FlushDiskType::kAsyncFlush);
  EXPECT_EQ(c.identity.listen_port, 11011);
  EXPECT_EQ(c.replication.ha_listen_port, 11012);
  EXPECT_EQ(c.replication_plugin, "replication-async");
  expect_store_paths(c, "/usr/local/rocketmq/store/slave");
  EXPECT_EQ(l.diagnostics.warnings, legacy_warnings("broker-a-s.properties", 22));
}

TEST(UserGuideFiles, MasterBWithItsRepeatedBlock) {
  const Loaded l = load_user_guide_file("broker-b.properties");
  expect_common(l);
  const BrokerConfig& c = l.config;
  EXPECT_EQ(c.identity.broker_name, "broker-b");
  EXPECT_EQ(c.identity.broker_id, 0);
  EXPECT_EQ(c.replication.broker_role, sdk::BrokerRole::kSyncMaster);
  EXPECT_EQ(c.store.flush_disk_type, sdk::FlushDiskType::kSyncFlush);
  EXPECT_EQ(c.identity.listen_port, 10911);
  EXPECT_EQ(c.replication.ha_listen_port, 10912);
  expect_store_paths(c, "/usr/local/rocketmq/store");
  const std::string f = path_of("broker-b.properties");
  std::vector<std::string> expected = {
      f + ":12: duplicate key 'brokerClusterName' overrides line 2 (same value)",
      f + ":14: duplicate key 'brokerName' overrides line 4 (same value)",
      f + ":16: duplicate key 'brokerId' overrides line 6 (same value)",
      f + ":18: duplicate key 'namesrvAddr' overrides line 8 (same value)",
      f + ":20: duplicate key 'defaultTopicQueueNums' overrides line 10 (same value)"};
  for (auto& w : legacy_warnings("broker-b.properties", 32)) expected.push_back(w);
  EXPECT_EQ(l.diagnostics.warnings, expected);
}

TEST(UserGuideFiles, SlaveB) {
  const Loaded l = load_user_guide_file("broker-b-s.properties");
  expect_common(l);
  const BrokerConfig& c = l.config;
  EXPECT_EQ(c.identity.broker_name, "broker-b");
  EXPECT_EQ(c.identity.broker_id, 1);
  EXPECT_EQ(c.replication.broker_role, sdk::BrokerRole::kSlave);
  EXPECT_EQ(c.store.flush_disk_type, sdk::FlushDiskType::kAsyncFlush);
  EXPECT_EQ(c.identity.listen_port, 11011);
  EXPECT_EQ(c.replication.ha_listen_port, 11012);
  expect_store_paths(c, "/usr/local/rocketmq/store/slave");
  EXPECT_EQ(l.diagnostics.warnings, legacy_warnings("broker-b-s.properties", 22));
}

TEST(UserGuideFiles, EffectiveConfigIsPrinted) {
  const Loaded l = load_user_guide_file("broker-a.properties");
  const std::string printed = "\n" + format_effective_config(l.config);
  for (const char* line : {"brokerClusterName=rocketmq-cluster",
                           "brokerName=broker-a",
                           "brokerId=0",
                           "brokerRole=SYNC_MASTER",
                           "flushDiskType=SYNC_FLUSH",
                           "listenPort=10911",
                           "haListenPort=10912",
                           "namesrvAddr=127.0.0.1:9876;127.0.0.1:9877",
                           "mappedFileSizeCommitLog=1073741824",
                           "mappedFileSizeConsumeQueue=300000",
                           "storePathRootDir=/usr/local/rocketmq/store",
                           "storePathCommitLog=/usr/local/rocketmq/store/commitlog",
                           "storePathConsumeQueue=/usr/local/rocketmq/store/consumequeue",
                           "storePathIndex=/usr/local/rocketmq/store/index",
                           "storeCheckpoint=/usr/local/rocketmq/store/checkpoint",
                           "abortFile=/usr/local/rocketmq/store/abort",
                           "maxMessageSize=65536",
                           "deleteWhen=04",
                           "fileReservedTime=120",
                           "diskMaxUsedSpaceRatio=88",
                           "storePlugin=store-mmap",
                           "transportPlugins=transport-tcp",
                           "replicationPlugin=replication-sync"}) {
    EXPECT_NE(printed.find(std::string("\n") + line + "\n"), std::string::npos) << line;
  }
  EXPECT_EQ(printed.find("maped"), std::string::npos);
  // Sorted, one key per line.
  std::vector<std::string> lines;
  for (std::size_t start = 1; start < printed.size();) {
    const std::size_t end = printed.find('\n', start);
    lines.push_back(printed.substr(start, end - start));
    start = end + 1;
  }
  EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
}

TEST(UserGuideFiles, SampleConfigsParseCleanly) {
  auto broker_file = PropertiesFile::load(std::string(MQ_CONF_DIR) + "/broker.properties");
  ASSERT_TRUE(broker_file.ok()) << broker_file.status().to_string();
  ConfigDiagnostics diagnostics;
  auto broker =
      parse_broker_config(&broker_file.value(), {}, testing::fake_environment(), diagnostics);
  ASSERT_TRUE(broker.ok()) << broker.status().to_string();
  EXPECT_TRUE(diagnostics.warnings.empty()) << diagnostics.warnings.front();
  EXPECT_TRUE(diagnostics.notes.empty());
  EXPECT_EQ(broker->identity.cluster_name, "DefaultCluster");
  EXPECT_EQ(broker->identity.broker_name, "broker-a");
  EXPECT_EQ(broker->identity.broker_ip, "127.0.0.1");
  EXPECT_EQ(broker->namesrv_addrs, std::vector<std::string>{"127.0.0.1:9876"});
  EXPECT_EQ(broker->replication.broker_role, sdk::BrokerRole::kAsyncMaster);
  EXPECT_EQ(broker->store.flush_disk_type, sdk::FlushDiskType::kAsyncFlush);
  EXPECT_EQ(broker->store.store_path_root_dir, "./data/store");
  EXPECT_EQ(broker->store.store_path_commit_log, "./data/store/commitlog");
  EXPECT_EQ(broker->log_dir, "./data/logs");
  EXPECT_EQ(broker->replication_plugin, "replication-async");

  auto namesrv_file = PropertiesFile::load(std::string(MQ_CONF_DIR) + "/namesrv.properties");
  ASSERT_TRUE(namesrv_file.ok()) << namesrv_file.status().to_string();
  ConfigDiagnostics namesrv_diagnostics;
  auto namesrv = parse_namesrv_config(&namesrv_file.value(), {}, testing::fake_environment(),
                                      namesrv_diagnostics);
  ASSERT_TRUE(namesrv.ok()) << namesrv.status().to_string();
  EXPECT_TRUE(namesrv_diagnostics.warnings.empty());
  EXPECT_EQ(namesrv->listen_port, 9876);
  EXPECT_EQ(namesrv->log_dir, "./data/logs");
}

}  // namespace
}  // namespace mq::core
