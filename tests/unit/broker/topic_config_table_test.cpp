#include "broker/topic_config_table.h"

#include "broker_test_helpers.h"
#include "test_process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace mq::core {
namespace {

using mq::core::test::config_in;

TopicConfig topic(const std::string& name, std::int32_t queues) {
  TopicConfig out;
  out.topic_name = name;
  out.read_queue_nums = queues;
  out.write_queue_nums = queues;
  return out;
}

TEST(TopicConfigTable, ReplaceAllTakesTheMastersTopicsAndVersion) {
  mq::test::TempDir master_dir, slave_dir;
  const BrokerConfig master_config = config_in(master_dir.path());
  const BrokerConfig slave_config = config_in(slave_dir.path());
  TopicConfigTable master(master_config), slave(slave_config);
  ASSERT_TRUE(master.load().is_ok());
  ASSERT_TRUE(slave.load().is_ok());
  ASSERT_TRUE(master.upsert(topic("TopicTest", 4)).is_ok());
  ASSERT_TRUE(slave.upsert(topic("SlaveOnly", 2)).is_ok());

  auto replaced = slave.replace_all(master.snapshot());
  ASSERT_TRUE(replaced.ok()) << replaced.status().to_string();
  EXPECT_TRUE(*replaced);
  EXPECT_EQ(slave.snapshot(), master.snapshot());
  EXPECT_FALSE(slave.find("SlaveOnly").has_value());
  EXPECT_EQ(slave.find("TopicTest")->write_queue_nums, 4);

  // Persisted: a fresh table reads the master's topics from the slave's file.
  TopicConfigTable reloaded(slave_config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.snapshot(), master.snapshot());

  // The same table again is no change and writes nothing.
  std::filesystem::remove(slave.file_path());
  replaced = slave.replace_all(master.snapshot());
  ASSERT_TRUE(replaced.ok());
  EXPECT_FALSE(*replaced);
  EXPECT_FALSE(std::filesystem::exists(slave.file_path()));
}

TEST(TopicConfigTable, ReplaceAllKeepsTheSystemTopics) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  TopicConfigTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  TopicConfigSerializeWrapper only_user;
  only_user.topic_config_table.emplace("TopicTest", topic("TopicTest", 4));
  auto replaced = table.replace_all(only_user);
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(*replaced);
  EXPECT_TRUE(table.find("TopicTest").has_value());
  EXPECT_TRUE(table.find("SCHEDULE_TOPIC_XXXX").has_value());
  EXPECT_TRUE(table.find("OFFSET_MOVED_EVENT").has_value());
}

}  // namespace
}  // namespace mq::core
