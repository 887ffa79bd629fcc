#include "remoting/topic_config.h"

#include "remoting/data_version.h"

#include <gtest/gtest.h>

namespace mq::core {
namespace {

TEST(DataVersion, JsonOfTheProtocolDoc) {
  DataVersion version;
  version.counter = 12;
  version.timestamp = 1700000000000;
  EXPECT_EQ(version.to_json(), R"({"counter":12,"timestamp":1700000000000})");
  auto parsed = DataVersion::from_json(R"({"timestamp":1700000000000,"counter":12})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, version);
  version.next_version(1700000000500);
  EXPECT_EQ(version.counter, 13);
  EXPECT_EQ(version.timestamp, 1700000000500);
}

TEST(DataVersion, Errors) {
  EXPECT_FALSE(DataVersion::from_json("[]").ok());
  EXPECT_FALSE(DataVersion::from_json(R"({"counter":"x"})").ok());
  EXPECT_FALSE(DataVersion::from_json(R"({"counter":1)").ok());
  auto parsed = DataVersion::from_json(R"({"counter":"7","stateVersion":3})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->counter, 7);
}

TopicConfig topic_test() {
  TopicConfig config;
  config.topic_name = "TopicTest";
  config.read_queue_nums = 4;
  config.write_queue_nums = 4;
  config.perm = 6;
  return config;
}

TEST(TopicConfig, JsonInJavaKeyOrder) {
  EXPECT_EQ(topic_test().to_json(),
            R"({"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",)"
            R"("topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4})");
  TopicConfig multi = topic_test();
  multi.topic_filter_type = TopicFilterType::kMultiTag;
  multi.order = true;
  multi.topic_sys_flag = 3;
  auto parsed = TopicConfig::from_json(multi.to_json());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, multi);
}

TEST(TopicConfig, DefaultsAndErrors) {
  auto parsed = TopicConfig::from_json(R"({"topicName":"T"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->read_queue_nums, 16);
  EXPECT_EQ(parsed->write_queue_nums, 16);
  EXPECT_EQ(parsed->perm, 6);
  EXPECT_EQ(parsed->topic_filter_type, TopicFilterType::kSingleTag);
  auto bad_type = TopicConfig::from_json(R"({"topicFilterType":"ALL_TAGS"})");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("topicFilterType"), std::string::npos);
  EXPECT_FALSE(TopicConfig::from_json(R"({"perm":4294967296})").ok());
  EXPECT_FALSE(TopicConfig::from_json(R"({"order":"maybe"})").ok());
}

TEST(TopicConfig, CompactText) {
  EXPECT_EQ(topic_test().encode_compact(), "TopicTest 4 4 6 SINGLE_TAG");
  auto parsed = TopicConfig::decode_compact("%RETRY%CG 1 1 6 MULTI_TAG");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->topic_name, "%RETRY%CG");
  EXPECT_EQ(parsed->read_queue_nums, 1);
  EXPECT_EQ(parsed->topic_filter_type, TopicFilterType::kMultiTag);
  EXPECT_TRUE(TopicConfig::decode_compact("T 1 1 6 SINGLE_TAG {\"k\":\"v\"}").ok());
  EXPECT_FALSE(TopicConfig::decode_compact("T 1 1 6").ok());
  EXPECT_FALSE(TopicConfig::decode_compact("T 1 x 6 SINGLE_TAG").ok());
  EXPECT_FALSE(TopicConfig::decode_compact("T 1 1 6 OTHER").ok());
  EXPECT_FALSE(TopicConfig::decode_compact("").ok());
}

TEST(TopicConfigSerializeWrapper, Json) {
  TopicConfigSerializeWrapper wrapper;
  wrapper.data_version.counter = 3;
  wrapper.data_version.timestamp = 1700000000000;
  wrapper.topic_config_table["TopicTest"] = topic_test();
  const std::string text = wrapper.to_json();
  EXPECT_EQ(text, R"({"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":)"
                  R"({"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":)"
                  R"("SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}})");
  auto parsed = TopicConfigSerializeWrapper::from_json(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, wrapper);
  auto bad = TopicConfigSerializeWrapper::from_json(R"({"topicConfigTable":{"X":{"perm":"r"}}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("topicConfigTable[X]"), std::string::npos);
}

}  // namespace
}  // namespace mq::core
