// store-mmap and store-lmdb agree on the log: the same appends get the same physical and queue
// offsets and the same record bytes, so a master on one store can feed a slave on the other.
#include "store_harness.h"

#include <gtest/gtest.h>

namespace mq::conformance {
namespace {

namespace record = sdk::record;

const PluginUnderTest kMmap{MQ_PLUGIN_DIR, "store-mmap"};
const PluginUnderTest kLmdb{MQ_PLUGIN_DIR, "store-lmdb"};

// Varied sizes, several queues, tags and keys: enough to fill a few 4096-byte segments.
std::vector<OwnedMessage> workload() {
  std::vector<OwnedMessage> out;
  for (int i = 0; i < 60; ++i) {
    out.emplace_back("TopicParity", i % 3,
                     std::string(static_cast<std::size_t>(40 + (i * 137) % 900),
                                 static_cast<char>('a' + i % 26)),
                     i % 2 ? "TagOdd" : "TagEven", "key" + std::to_string(i));
  }
  return out;
}

// The whole log as read_log() hands it out, chunk by chunk.
std::vector<std::string> log_chunks(sdk::MessageStore& store, std::int64_t max_bytes) {
  std::vector<std::string> chunks;
  std::int64_t from = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    auto chunk = store.read_log(sdk::PhysicalOffset(from), max_bytes);
    EXPECT_TRUE(chunk.ok()) << "read_log at " << from << ": " << chunk.status().to_string();
    if (!chunk.ok() || chunk->record.empty()) break;
    chunks.emplace_back(chunk->record.begin(), chunk->record.end());
    from += static_cast<std::int64_t>(chunk->record.size());
  }
  return chunks;
}

// Zeroes STORETIMESTAMP of every message record: two stores stamp their own clock.
std::string without_store_times(std::string bytes) {
  std::size_t at = 0;
  auto* base = reinterpret_cast<std::uint8_t*>(bytes.data());
  while (at + 8 <= bytes.size()) {
    const auto size = static_cast<std::size_t>(record::get_i32(base + at));
    if (size < 8) break;
    if (record::get_u32(base + at + record::kMagicOffset) == record::kMessageMagic) {
      const std::size_t time =
          record::store_timestamp_offset(record::get_i32(base + at + record::kSysFlagOffset));
      record::put_u64(base + at + time, 0);
    }
    at += size;
  }
  return bytes;
}

TEST(StoreParity, SameAppendsGiveSameOffsetsAndBytes) {
  TempDir dir_a;
  TempDir dir_b;
  StoreHarness mmap(kMmap);
  StoreHarness lmdb(kLmdb);
  ASSERT_TRUE(mmap.open(small_options(dir_a.path())));
  ASSERT_TRUE(lmdb.open(small_options(dir_b.path())));
  for (const auto& message : workload()) {
    auto a = append_and_wait(mmap.store(), message);
    auto b = append_and_wait(lmdb.store(), message);
    ASSERT_TRUE(a.status && b.status);
    EXPECT_EQ(a.result.physical_offset, b.result.physical_offset);
    EXPECT_EQ(a.result.queue_offset, b.result.queue_offset);
    EXPECT_EQ(a.result.bytes, b.result.bytes);
  }
  EXPECT_EQ(mmap.store().log_end(), lmdb.store().log_end());
  EXPECT_GT(mmap.store().log_end().value(), 3 * 4096);
  for (std::int64_t max_bytes : {1, 1500, 1 << 20}) {
    auto a = log_chunks(mmap.store(), max_bytes);
    auto b = log_chunks(lmdb.store(), max_bytes);
    ASSERT_EQ(a.size(), b.size()) << "max_bytes " << max_bytes;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(without_store_times(a[i]), without_store_times(b[i])) << "chunk " << i;
    }
  }
}

void replicate(const PluginUnderTest& master_plugin, const PluginUnderTest& slave_plugin) {
  TempDir dir_a;
  TempDir dir_b;
  StoreHarness master(master_plugin);
  StoreHarness slave(slave_plugin);
  ASSERT_TRUE(master.open(small_options(dir_a.path())));
  ASSERT_TRUE(slave.open(small_options(dir_b.path())));
  for (const auto& message : workload())
    ASSERT_TRUE(append_and_wait(master.store(), message).status);
  std::int64_t from = 0;
  for (;;) {
    auto chunk = master.store().read_log(sdk::PhysicalOffset(from), 2000);
    ASSERT_TRUE(chunk.ok());
    if (chunk->record.empty()) break;
    auto applied = slave.store().apply_replicated(sdk::PhysicalOffset(from), chunk->record);
    ASSERT_TRUE(applied) << applied.to_string();
    from += static_cast<std::int64_t>(chunk->record.size());
  }
  EXPECT_EQ(slave.store().log_end(), master.store().log_end());
  EXPECT_EQ(log_chunks(slave.store(), 1 << 20), log_chunks(master.store(), 1 << 20));
  for (std::int32_t queue = 0; queue < 3; ++queue) {
    EXPECT_EQ(slave.store().max_offset("TopicParity", queue),
              master.store().max_offset("TopicParity", queue));
    auto a = master.store().read_queue("TopicParity", queue, sdk::QueueOffset(0), 100, 1 << 20, {});
    auto b = slave.store().read_queue("TopicParity", queue, sdk::QueueOffset(0), 100, 1 << 20, {});
    ASSERT_EQ(a.records.size(), b.records.size());
    for (std::size_t i = 0; i < a.records.size(); ++i) {
      EXPECT_TRUE(std::equal(a.records[i].begin(), a.records[i].end(), b.records[i].begin(),
                             b.records[i].end()));
    }
  }
  auto keyed = slave.store().lookup_by_key("TopicParity", "key7", 4, 0, INT64_MAX);
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(keyed->size(), 1u);
}

TEST(StoreParity, MmapMasterFeedsLmdbSlave) { replicate(kMmap, kLmdb); }
TEST(StoreParity, LmdbMasterFeedsMmapSlave) { replicate(kLmdb, kMmap); }

}  // namespace
}  // namespace mq::conformance
