// MessageIndex / IndexFile: key lookup, time ranges, roll-over and reload.
#include "message_index.h"

#include "store_test_support.h"

#include "mq/sdk/stored_record.h"

#include <gtest/gtest.h>

namespace mq::store_mmap {
namespace {

using testing::TempDir;

TEST(MessageIndex, KeyHashIsJavaHashOfTopicHashKey) {
  EXPECT_EQ(MessageIndex::key_hash("TopicTest", "k1"),
            std::abs(sdk::record::java_string_hash("TopicTest#k1")));
}

TEST(MessageIndex, LookupFindsEveryKeyWordAndUniqueKey) {
  TempDir dir;
  const std::int64_t t0 = 1700000000000;
  {
    MessageIndex index(dir.sub("index"), 8, 5);  // tiny: collisions and roll-over
    std::vector<std::string> dropped;
    ASSERT_TRUE(index.load(&dropped));
    ASSERT_TRUE(index.add("T", "a b", "U0", 0, 100, t0));
    ASSERT_TRUE(index.add("T", "b", "U1", 100, 100, t0 + 5000));
    ASSERT_TRUE(index.add("T", "c", "", 200, 100, t0 + 10000));
    ASSERT_TRUE(index.add("T", "b", "", 300, 100, t0 + 20000));  // second file
    ASSERT_TRUE(index.add("T", "b", "", 300, 100, t0 + 20000));  // already indexed: ignored
    EXPECT_EQ(index.end_offset(), 400);
    auto b = index.lookup("T", "b", 10, t0, t0 + 60000);
    EXPECT_EQ(b, (std::vector<std::int64_t>{300, 100, 0}));
    EXPECT_EQ(index.lookup("T", "b", 1, t0, t0 + 60000).size(), 1u);
    EXPECT_EQ(index.lookup("T", "U1", 10, t0, t0 + 60000), (std::vector<std::int64_t>{100}));
    EXPECT_TRUE(index.lookup("Other", "b", 10, t0, t0 + 60000).empty());
    EXPECT_EQ(index.lookup("T", "b", 10, t0 + 15000, t0 + 60000), (std::vector<std::int64_t>{300}));
    ASSERT_TRUE(index.flush());
  }
  MessageIndex index(dir.sub("index"), 8, 5);
  std::vector<std::string> dropped;
  ASSERT_TRUE(index.load(&dropped));
  EXPECT_TRUE(dropped.empty());
  EXPECT_EQ(index.end_offset(), 400);
  EXPECT_EQ(index.lookup("T", "a", 10, t0, t0 + 60000), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(index.delete_files_below(300), 1);
  EXPECT_TRUE(index.lookup("T", "a", 10, t0, t0 + 60000).empty());
  index.clamp_end_offset(300);
  EXPECT_EQ(index.end_offset(), 300);
}

}  // namespace
}  // namespace mq::store_mmap
