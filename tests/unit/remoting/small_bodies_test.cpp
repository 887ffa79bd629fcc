#include "remoting/kv_table.h"
#include "remoting/topic_list.h"

#include <gtest/gtest.h>

namespace mq::core {
namespace {

TEST(TopicList, Json) {
  TopicList list;
  list.topic_list = {"TopicTest", "%RETRY%CG"};
  EXPECT_EQ(list.to_json(), R"({"topicList":["%RETRY%CG","TopicTest"]})");
  list.broker_addr = "10.0.0.5:10911";
  EXPECT_EQ(list.to_json(), R"({"brokerAddr":"10.0.0.5:10911","topicList":["%RETRY%CG",)"
                            R"("TopicTest"]})");
  auto parsed = TopicList::from_json(R"({"topicList":["TopicTest","%RETRY%CG"]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->topic_list.size(), 2u);
  EXPECT_EQ(parsed->broker_addr, std::nullopt);
  EXPECT_FALSE(TopicList::from_json(R"({"topicList":"TopicTest"})").ok());
  EXPECT_FALSE(TopicList::from_json(R"({"topicList":[{}]})").ok());
}

TEST(KvTable, Json) {
  KvTable table;
  table.table["putTps"] = "1.0 2.0 3.0";
  table.table["brokerVersionDesc"] = "V4_9_7";
  EXPECT_EQ(table.to_json(), R"({"table":{"brokerVersionDesc":"V4_9_7","putTps":"1.0 2.0 3.0"}})");
  auto parsed = KvTable::from_json(R"({"table":{"a":"x","n":17,"b":true,"z":null}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->table.at("a"), "x");
  EXPECT_EQ(parsed->table.at("n"), "17");
  EXPECT_EQ(parsed->table.at("b"), "true");
  EXPECT_EQ(parsed->table.count("z"), 0u);
  EXPECT_FALSE(KvTable::from_json(R"({"table":{"a":[]}})").ok());
  EXPECT_FALSE(KvTable::from_json(R"({"table":[]})").ok());
  EXPECT_TRUE(KvTable::from_json(R"({})")->table.empty());
}

}  // namespace
}  // namespace mq::core
