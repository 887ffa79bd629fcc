// Recovery, retention and disk-full behaviour of MmapMessageStore, driven directly (not
// through the plugin) so tests can reach into files and inject disk usage.
#include "recovery.h"

#include "fake_host.h"
#include "mmap_message_store.h"
#include "store_checkpoint.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace mq::store_mmap {
namespace {

namespace fs = std::filesystem;
using testing::append_and_wait;
using testing::body_of;
using testing::FakeHost;
using testing::OwnedMessage;
using testing::TempDir;

std::unique_ptr<MmapMessageStore> open_store(FakeHost& host, const sdk::StoreOptions& options,
                                             std::function<double(const std::string&)> disk = {}) {
  MmapMessageStore::Settings settings;
  settings.options = options;
  settings.disk_used_percent = std::move(disk);
  auto store = std::make_unique<MmapMessageStore>(host, std::move(settings));
  auto status = store->start();
  EXPECT_TRUE(status) << status.to_string();
  return store;
}

void touch(const std::string& path) { std::ofstream(path).put('x'); }

std::vector<std::string> read_bodies(sdk::MessageStore& store, const std::string& topic, int q) {
  std::vector<std::string> out;
  auto result = store.read_queue(topic, q, sdk::QueueOffset(0), 1000, 1 << 30, {});
  for (auto record : result.records) out.push_back(body_of(record));
  return out;
}

TEST(Recovery, CleanReopenReadsNothingAgain) {
  TempDir dir;
  FakeHost host;
  const auto options = testing::small_options(dir);
  {
    auto store = open_store(host, options);
    for (int i = 0; i < 30; ++i)
      append_and_wait(*store, OwnedMessage("T", 0, "m" + std::to_string(i)));
    store->stop();
  }
  EXPECT_FALSE(fs::exists(options.abort_file));
  auto store = open_store(host, options);
  EXPECT_FALSE(store->last_recovery().after_crash);
  EXPECT_EQ(store->last_recovery().records, 0);
  EXPECT_EQ(store->max_offset("T", 0).value(), 30);
  EXPECT_TRUE(fs::exists(options.abort_file));
}

TEST(Recovery, TornTailIsCutAndNeverServed) {
  TempDir dir;
  FakeHost host;
  const auto options = testing::small_options(dir);
  std::int64_t last_offset = 0;
  {
    auto store = open_store(host, options);
    for (int i = 0; i < 5; ++i) {
      last_offset = append_and_wait(*store, OwnedMessage("T", 0, "message-" + std::to_string(i)))
                        .result.physical_offset.value();
    }
    store->stop();
  }
  // Damage the last record's body and pretend the broker crashed.
  {
    std::fstream file(fs::path(options.store_path_commit_log) / MappedFile::file_name(0),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(last_offset + 90);
    file.put('#');
  }
  touch(options.abort_file);
  fs::remove(options.store_checkpoint);  // a crash can leave an old checkpoint; none is worst
  auto store = open_store(host, options);
  EXPECT_TRUE(store->last_recovery().after_crash);
  EXPECT_EQ(store->last_recovery().log_end, last_offset);
  EXPECT_GT(store->last_recovery().dropped_bytes, 0);
  EXPECT_EQ(store->log_end().value(), last_offset);
  EXPECT_EQ(store->max_offset("T", 0).value(), 4) << "the queue entry of the torn record is gone";
  EXPECT_FALSE(store->read_at(sdk::PhysicalOffset(last_offset)).ok());
  auto again = store->read_queue("T", 0, sdk::QueueOffset(4), 10, 1 << 20, {});
  EXPECT_EQ(again.status, sdk::ReadStatus::kOffsetOverflowOne);
  // The next append takes the torn record's place, offsets and all.
  auto appended = append_and_wait(*store, OwnedMessage("T", 0, "after"));
  EXPECT_EQ(appended.result.physical_offset.value(), last_offset);
  EXPECT_EQ(appended.result.queue_offset.value(), 4);
  EXPECT_EQ(
      read_bodies(*store, "T", 0),
      (std::vector<std::string>{"message-0", "message-1", "message-2", "message-3", "after"}));
}

TEST(Recovery, TruncatedSegmentFileAfterCrash) {
  TempDir dir;
  FakeHost host;
  const auto options = testing::small_options(dir);
  std::vector<std::int64_t> offsets;
  {
    auto store = open_store(host, options);
    for (int i = 0; i < 4; ++i) {
      offsets.push_back(append_and_wait(*store, OwnedMessage("T", 0, "m" + std::to_string(i)))
                            .result.physical_offset.value());
    }
    store->stop();
  }
  const auto path = fs::path(options.store_path_commit_log) / MappedFile::file_name(0);
  fs::resize_file(path, static_cast<std::uintmax_t>(offsets[2] + 20));  // mid record 2
  touch(options.abort_file);
  fs::remove(options.store_checkpoint);
  auto store = open_store(host, options);
  EXPECT_EQ(store->log_end().value(), offsets[2]);
  EXPECT_EQ(read_bodies(*store, "T", 0), (std::vector<std::string>{"m0", "m1"}));
}

TEST(Recovery, ConsumeQueuesBehindTheLogAreRebuilt) {
  TempDir dir;
  FakeHost host;
  const auto options = testing::small_options(dir);
  {
    auto store = open_store(host, options);
    for (int i = 0; i < 40; ++i) {
      append_and_wait(
          *store, OwnedMessage("T", i % 2, "m" + std::to_string(i), i % 3 == 0 ? "TagA" : "TagB",
                               "key" + std::to_string(i)));
    }
    store->stop();
  }
  fs::remove_all(options.store_path_consume_queue);
  fs::remove_all(options.store_path_index);
  fs::remove(options.store_checkpoint);
  touch(options.abort_file);
  auto store = open_store(host, options);
  EXPECT_EQ(store->last_recovery().records, 40);
  EXPECT_EQ(store->max_offset("T", 0).value(), 20);
  EXPECT_EQ(store->max_offset("T", 1).value(), 20);
  sdk::TagFilter filter;
  filter.codes.push_back(static_cast<std::int32_t>(sdk::record::tags_code("TagA")));
  auto tagged = store->read_queue("T", 0, sdk::QueueOffset(0), 100, 1 << 30, filter);
  // Queue 0 holds i = 0, 2, ..., 38; TagA where i % 3 == 0: 0, 6, 12, 18, 24, 30, 36.
  EXPECT_EQ(tagged.records.size(), 7u);
  auto found = store->lookup_by_key("T", "key17", 10, 0, INT64_MAX);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(body_of(found->front().record), "m17");
}

// The index is synced every indexFlushIntervalMs, far less often than the consume queues.
// After a crash of the process alone (the abort file names this boot) recovery trusts the
// index as the page cache kept it; after a crash of the machine (any other abort file) it
// re-indexes from the last index sync. Either way every key is found.
TEST(Recovery, TheIndexIsReReadOnlyAfterAMachineCrash) {
  TempDir dir;
  FakeHost host;
  // SYNC_FLUSH: the log is synced with each append, so only the index can lag.
  auto options_in = [](const TempDir& root) {
    auto options = testing::small_options(root);
    options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
    return options;
  };
  const auto options = options_in(dir);
  MmapMessageStore::Settings settings;
  settings.options = options;
  settings.index_flush_interval_ms = 3600 * 1000;
  auto running = std::make_unique<MmapMessageStore>(host, std::move(settings));
  ASSERT_TRUE(running->start());
  for (int i = 0; i < 30; ++i) {
    append_and_wait(*running,
                    OwnedMessage("T", 0, "m" + std::to_string(i), "", "key" + std::to_string(i)));
  }
  const std::int64_t end = running->log_end().value();
  // Wait for a checkpoint with the consume queues at the end (and the index still at 0).
  StoreCheckpoint point;
  for (int i = 0; i < 500 && !(StoreCheckpoint::read(options.store_checkpoint, &point) &&
                               point.queues_flushed == end);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(point.queues_flushed, end);
  ASSERT_EQ(point.log_flushed, end);
  EXPECT_EQ(point.index_flushed, 0);

  // A copy taken while the store runs is what a SIGKILL leaves on the same boot.
  TempDir crashed_dir;
  fs::copy(dir.path(), crashed_dir.path(),
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  TempDir machine_dir;
  fs::copy(dir.path(), machine_dir.path(),
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  touch(options_in(machine_dir).abort_file);  // written on another boot
  running->stop();

  {
    auto store = open_store(host, options_in(crashed_dir));
    const auto& report = store->last_recovery();
    EXPECT_TRUE(report.after_crash);
    EXPECT_TRUE(report.same_boot);
    EXPECT_EQ(report.scanned_from, end);
    EXPECT_EQ(report.records, 0);
    auto found = store->lookup_by_key("T", "key17", 10, 0, INT64_MAX);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(body_of(found->front().record), "m17");
  }
  {
    auto store = open_store(host, options_in(machine_dir));
    const auto& report = store->last_recovery();
    EXPECT_TRUE(report.after_crash);
    EXPECT_FALSE(report.same_boot);
    EXPECT_EQ(report.scanned_from, 0);
    EXPECT_EQ(report.records, 30);
    auto found = store->lookup_by_key("T", "key29", 10, 0, INT64_MAX);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(body_of(found->front().record), "m29");
  }
}

TEST(Retention, ExpiredFilesGoAndQueuesFollow) {
  TempDir dir;
  FakeHost host;
  auto options = testing::small_options(dir);
  options.file_reserved_time_hours = 1;
  options.delete_when = "";  // no delete hour: only forced rounds delete
  auto store = open_store(host, options);
  for (int i = 0; i < 100; ++i) {
    append_and_wait(*store, OwnedMessage("T", 0, std::string(150, 'x') + std::to_string(i)));
  }
  const std::int64_t log_end = store->log_end().value();
  ASSERT_GT(log_end, 4 * 4096) << "several segments";
  EXPECT_EQ(store->run_housekeeping(host.clock().now_ms(), true), 0) << "nothing is old yet";
  const std::int64_t later = host.clock().now_ms() + 2 * 3600 * 1000;
  EXPECT_EQ(store->run_housekeeping(later, false), 0) << "not a delete hour";
  const int deleted = store->run_housekeeping(later, true);
  EXPECT_GT(deleted, 0);
  const std::int64_t min = store->min_offset("T", 0).value();
  EXPECT_GT(min, 0);
  auto result = store->read_queue("T", 0, sdk::QueueOffset(0), 10, 1 << 20, {});
  EXPECT_EQ(result.status, sdk::ReadStatus::kOffsetTooSmall);
  EXPECT_EQ(result.next_offset.value(), min);
  result = store->read_queue("T", 0, sdk::QueueOffset(min), 1000, 1 << 30, {});
  EXPECT_EQ(result.status, sdk::ReadStatus::kFound);
  EXPECT_EQ(static_cast<std::int64_t>(result.records.size()), 100 - min);
  EXPECT_EQ(store->log_end().value(), log_end);
}

TEST(DiskFull, AppendsRefusedReadsGoOnUntilSpaceReturns) {
  TempDir dir;
  FakeHost host;
  const auto options = testing::small_options(dir);
  auto used = std::make_shared<std::atomic<int>>(10);
  auto store = open_store(host, options, [used](const std::string&) { return used->load() * 1.0; });
  ASSERT_TRUE(append_and_wait(*store, OwnedMessage("T", 0, "before")).status);
  used->store(90);
  store->run_housekeeping(host.clock().now_ms(), false);
  auto refused = append_and_wait(*store, OwnedMessage("T", 0, "during"));
  EXPECT_EQ(refused.status.code(), sdk::StatusCode::kDiskFull);
  EXPECT_EQ(read_bodies(*store, "T", 0), (std::vector<std::string>{"before"}));
  used->store(50);
  store->run_housekeeping(host.clock().now_ms(), false);
  EXPECT_TRUE(append_and_wait(*store, OwnedMessage("T", 0, "after")).status);
  EXPECT_EQ(store->max_offset("T", 0).value(), 2);
}

}  // namespace
}  // namespace mq::store_mmap
