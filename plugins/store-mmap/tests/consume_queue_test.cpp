// ConsumeQueue: 20-byte entries across files, reload, truncation, late starts, retention.
#include "consume_queue.h"

#include "store_test_support.h"

#include <gtest/gtest.h>

namespace mq::store_mmap {
namespace {

using testing::TempDir;

TEST(ConsumeQueue, EntriesAcrossFilesSurviveReload) {
  TempDir dir;
  {
    ConsumeQueue queue("T", 0, dir.sub("cq"), 60);  // 3 entries a file
    ASSERT_TRUE(queue.load());
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(queue.put(i, 1000 + i * 100, 100, i % 2 ? 5 : -5));
    EXPECT_EQ(queue.max_offset(), 7);
    ConsumeQueueEntry entry;
    ASSERT_TRUE(queue.get(4, &entry));
    EXPECT_EQ(entry.physical_offset, 1400);
    EXPECT_EQ(entry.size, 100);
    EXPECT_EQ(entry.tags_code, -5);
    auto run = queue.read(2, 10);
    EXPECT_EQ(run.count, 1) << "a run stays inside one file";
    EXPECT_EQ(queue.last_record_end(), 1700);
    ASSERT_TRUE(queue.put(3, 1, 1, 1)) << "an offset already present is ignored";
    ASSERT_TRUE(queue.get(3, &entry));
    EXPECT_EQ(entry.physical_offset, 1300);
  }
  ConsumeQueue queue("T", 0, dir.sub("cq"), 60);
  ASSERT_TRUE(queue.load());
  EXPECT_EQ(queue.max_offset(), 7);
  EXPECT_EQ(queue.min_offset(), 0);
  ASSERT_TRUE(queue.truncate_after(1550));
  EXPECT_EQ(queue.max_offset(), 5) << "entries 5 and 6 end after 1550";
  ASSERT_TRUE(queue.put(5, 1500, 50, 0));
  EXPECT_EQ(queue.max_offset(), 6);
}

TEST(ConsumeQueue, LateStartAndGapsUseBlanks) {
  TempDir dir;
  ConsumeQueue queue("T", 1, dir.sub("cq"), 60);
  ASSERT_TRUE(queue.load());
  bool gap = true;
  ASSERT_TRUE(queue.put(4, 5000, 10, 0, &gap));
  EXPECT_FALSE(gap);
  EXPECT_EQ(queue.min_offset(), 4);
  EXPECT_EQ(queue.max_offset(), 5);
  ConsumeQueueEntry entry;
  ASSERT_TRUE(queue.get(3, &entry));
  EXPECT_TRUE(entry.is_blank());
  ASSERT_TRUE(queue.put(7, 6000, 10, 0, &gap));
  EXPECT_TRUE(gap);
  ASSERT_TRUE(queue.get(6, &entry));
  EXPECT_TRUE(entry.is_blank());
  EXPECT_EQ(queue.max_offset(), 8);

  ConsumeQueue reloaded("T", 1, dir.sub("cq"), 60);
  ASSERT_TRUE(reloaded.load());
  EXPECT_EQ(reloaded.max_offset(), 8) << "blanks do not end the queue";
  reloaded.correct_min_offset(0);
  EXPECT_EQ(reloaded.min_offset(), 4);
}

TEST(ConsumeQueue, RetentionDeletesFilesBelowTheLog) {
  TempDir dir;
  ConsumeQueue queue("T", 0, dir.sub("cq"), 60);
  ASSERT_TRUE(queue.load());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(queue.put(i, i * 100, 100, 0));
  EXPECT_EQ(queue.delete_files_below(650), 2);
  EXPECT_EQ(queue.min_offset(), 7) << "entry 6 starts at 600, below the log's start";
  ConsumeQueueEntry entry;
  EXPECT_FALSE(queue.get(2, &entry));
}

}  // namespace
}  // namespace mq::store_mmap
