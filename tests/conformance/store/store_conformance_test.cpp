// The store conformance suite: what every sdk::MessageStore plugin must do, run against each
// plugin .so loaded through the core's PluginHost. Parameterised by plugin (store_harness.h).
#include "store_harness.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace mq::conformance {
namespace {

namespace record = sdk::record;
using sdk::QueueOffset;
using sdk::ReadStatus;
using sdk::StatusCode;

// A test that needs the store's log to outlive the store object (kDurable, store_harness.h)
// returns here as skipped under MQ_STORE_PROFILE=volatile, saying why.
#define MQ_REQUIRE_DURABLE_STORE(why)                                                \
  do {                                                                               \
    if (store_profile() == StoreProfile::kVolatile) {                                \
      GTEST_SKIP() << "MQ_STORE_PROFILE=volatile: the store keeps nothing across a " \
                      "restart, and this test "                                      \
                   << (why);                                                         \
    }                                                                                \
  } while (false)

class StoreConformance : public ::testing::TestWithParam<PluginUnderTest> {
 protected:
  void SetUp() override {
    ASSERT_NE(store_profile(), StoreProfile::kUnknown)
        << "MQ_STORE_PROFILE must be `durable` (the default) or `volatile`, not `"
        << std::getenv("MQ_STORE_PROFILE") << "`";
  }
  void open(const sdk::StoreOptions& options) {
    if (!harness_) harness_ = std::make_unique<StoreHarness>(GetParam());
    auto status = harness_->open(options);
    ASSERT_TRUE(status) << status.to_string();
  }
  void open_default() { open(small_options(dir_.path())); }
  sdk::MessageStore& store() { return harness_->store(); }
  void TearDown() override { harness_.reset(); }

  // Every record of a queue from `from`, read in chunks.
  std::vector<std::string> read_all(const std::string& topic, std::int32_t queue_id,
                                    std::int64_t from = 0) {
    std::vector<std::string> out;
    std::int64_t next = from;
    for (int guard = 0; guard < 10000; ++guard) {
      auto read = store().read_queue(topic, queue_id, QueueOffset(next), 7, 1 << 20, {});
      if (read.status != ReadStatus::kFound) break;
      for (auto view : read.records) out.emplace_back(view.begin(), view.end());
      next = read.next_offset.value();
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<StoreHarness> harness_;
};

std::string expected_record(const OwnedMessage& message, const sdk::AppendResult& result,
                            std::int64_t queue_offset, std::int64_t physical_offset) {
  const auto m = message.message();
  record::StoredRecord stored;
  stored.queue_id = m.queue_id;
  stored.flag = m.flag;
  stored.queue_offset = queue_offset;
  stored.physical_offset = physical_offset;
  stored.sys_flag = m.sys_flag;
  stored.born_timestamp_ms = m.born_timestamp_ms;
  stored.born_host = m.born_host;
  stored.store_timestamp_ms = result.store_timestamp_ms;
  stored.store_host = m.store_host;
  stored.body = m.body;
  stored.topic = m.topic;
  stored.properties = m.properties;
  std::string out(record::encoded_size(stored), '\0');
  record::encode_record(
      stored, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  return out;
}

std::string text(sdk::ByteView view) { return std::string(view.begin(), view.end()); }

TEST_P(StoreConformance, AppendReadRoundTripIsByteForByte) {
  open_default();
  std::vector<OwnedMessage> messages = {{"TopicA", 0, "first", "TagA", "k1", "U1"},
                                        {"TopicA", 0, std::string(300, 'x'), "", "", ""},
                                        {"TopicA", 0, "", "TagB", "k2 k3", "U3"}};
  std::vector<Appended> appended;
  for (const auto& message : messages) {
    appended.push_back(append_and_wait(store(), message));
    ASSERT_TRUE(appended.back().status) << appended.back().status.to_string();
  }
  auto read = store().read_queue("TopicA", 0, QueueOffset(0), 32, 1 << 20, {});
  ASSERT_EQ(read.status, ReadStatus::kFound);
  ASSERT_EQ(read.records.size(), messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& result = appended[i].result;
    EXPECT_EQ(result.message_count, 1);
    EXPECT_EQ(result.queue_offset.value(), static_cast<std::int64_t>(i));
    const std::string expected = expected_record(messages[i], result, static_cast<std::int64_t>(i),
                                                 result.physical_offset.value());
    EXPECT_EQ(result.bytes, static_cast<std::int32_t>(expected.size()));
    EXPECT_EQ(text(read.records[i]), expected) << "record " << i;
  }
}

TEST_P(StoreConformance, QueueAndPhysicalOffsets) {
  open_default();
  std::int64_t end = 0;
  std::int64_t queue_next[2] = {0, 0};
  for (int i = 0; i < 40; ++i) {
    const int queue = i % 2;
    auto appended =
        append_and_wait(store(), OwnedMessage("TopicB", queue, std::string(100 + i * 7, 'b')));
    ASSERT_TRUE(appended.status) << appended.status.to_string();
    const auto& r = appended.result;
    EXPECT_EQ(r.queue_offset.value(), queue_next[queue]++);
    // Either right after the previous record, or at the start of the next 4096-byte segment.
    const std::int64_t at = r.physical_offset.value();
    EXPECT_TRUE(at == end || (at % 4096 == 0 && at > end && at - end < 4096)) << at << " " << end;
    EXPECT_LE(at % 4096 + r.bytes + 8, 4096) << "a record must not span a segment";
    end = at + r.bytes;
    EXPECT_EQ(store().log_end().value(), end);
  }
  EXPECT_EQ(store().max_offset("TopicB", 0).value(), 20);
  EXPECT_EQ(store().max_offset("TopicB", 1).value(), 20);
  EXPECT_GT(end, 4096) << "the test should cross a segment boundary";
}

TEST_P(StoreConformance, TagFiltering) {
  open_default();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(append_and_wait(store(), OwnedMessage("TopicT", 0, "m" + std::to_string(i),
                                                      i % 3 == 0 ? "TagA" : "TagB"))
                    .status);
  }
  sdk::TagFilter filter;
  filter.codes.push_back(static_cast<std::int32_t>(record::tags_code("TagA")));
  auto read = store().read_queue("TopicT", 0, QueueOffset(0), 32, 1 << 20, filter);
  ASSERT_EQ(read.status, ReadStatus::kFound);
  std::vector<std::string> bodies;
  for (auto view : read.records) bodies.push_back(body_of(view));
  EXPECT_EQ(bodies, (std::vector<std::string>{"m0", "m3", "m6", "m9"}));
  EXPECT_EQ(read.next_offset.value(), 10);
  filter.codes = {static_cast<std::int32_t>(record::tags_code("TagNone"))};
  read = store().read_queue("TopicT", 0, QueueOffset(0), 32, 1 << 20, filter);
  EXPECT_EQ(read.status, ReadStatus::kNoMatchedMessage);
  EXPECT_EQ(read.next_offset.value(), 10);
}

TEST_P(StoreConformance, MinMaxAndOffsetByTime) {
  open_default();
  EXPECT_EQ(store().min_offset("TopicM", 0).value(), 0);
  EXPECT_EQ(store().max_offset("TopicM", 0).value(), 0);
  std::vector<std::int64_t> times;
  for (int i = 0; i < 6; ++i) {
    auto appended = append_and_wait(store(), OwnedMessage("TopicM", 0, "t" + std::to_string(i)));
    ASSERT_TRUE(appended.status);
    times.push_back(appended.result.store_timestamp_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  EXPECT_EQ(store().min_offset("TopicM", 0).value(), 0);
  EXPECT_EQ(store().max_offset("TopicM", 0).value(), 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(store().store_time("TopicM", 0, QueueOffset(i)), times[static_cast<std::size_t>(i)]);
    const std::int64_t found =
        store().offset_by_time("TopicM", 0, times[static_cast<std::size_t>(i)]).value();
    EXPECT_EQ(times[static_cast<std::size_t>(found)], times[static_cast<std::size_t>(i)]);
    EXPECT_LE(found, i);
  }
  EXPECT_EQ(store().store_time("TopicM", 0, QueueOffset(6)), -1);
  EXPECT_EQ(store().offset_by_time("TopicM", 0, times.front() - 100000).value(), 0);
  EXPECT_EQ(store().offset_by_time("TopicM", 0, times.back() + 100000).value(), 5);
  EXPECT_EQ(store().offset_by_time("NoSuchTopic", 0, times.back()).value(), 0);
}

TEST_P(StoreConformance, BatchAppend) {
  open_default();
  ASSERT_TRUE(append_and_wait(store(), OwnedMessage("TopicBatch", 1, "solo")).status);
  std::vector<OwnedMessage> owned;
  for (int i = 0; i < 5; ++i) owned.emplace_back("TopicBatch", 1, "b" + std::to_string(i));
  std::vector<sdk::MessageToAppend> batch;
  for (const auto& m : owned) batch.push_back(m.message());
  std::promise<Appended> promise;
  store().append_batch(batch, [&promise](const sdk::Status& s, const sdk::AppendResult& r) {
    promise.set_value(Appended{s, r});
  });
  const Appended appended = promise.get_future().get();
  ASSERT_TRUE(appended.status) << appended.status.to_string();
  EXPECT_EQ(appended.result.message_count, 5);
  EXPECT_EQ(appended.result.queue_offset.value(), 1);
  auto read = store().read_queue("TopicBatch", 1, QueueOffset(1), 32, 1 << 20, {});
  ASSERT_EQ(read.records.size(), 5u);
  std::int64_t at = appended.result.physical_offset.value();
  std::int64_t total = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::string expected =
        expected_record(owned[i], appended.result, static_cast<std::int64_t>(1 + i), at);
    EXPECT_EQ(text(read.records[i]), expected);
    at += static_cast<std::int64_t>(expected.size());
    total += static_cast<std::int64_t>(expected.size());
  }
  EXPECT_EQ(appended.result.bytes, total);
}

// Deferred appends (the broker's path for sends): acknowledged once each, with consecutive
// offsets, soon after complete_deferred() at the latest (a store may complete them earlier, as
// the defaults do), and readable once acknowledged.
TEST_P(StoreConformance, DeferredAppendsAreCompletedByTheEndOfTheBatch) {
  open_default();
  constexpr int kSingles = 6;
  std::vector<OwnedMessage> owned;
  for (int i = 0; i < kSingles; ++i) owned.emplace_back("TopicDefer", 0, "d" + std::to_string(i));
  std::mutex mu;
  std::vector<Appended> appended;
  auto record = [&](const sdk::Status& s, const sdk::AppendResult& r) {
    std::lock_guard lock(mu);
    appended.push_back(Appended{s, r});
  };
  for (const auto& m : owned) store().append_deferred(m.message(), record);
  std::vector<OwnedMessage> batch_owned;
  for (int i = 0; i < 3; ++i) batch_owned.emplace_back("TopicDefer", 0, "b" + std::to_string(i));
  std::vector<sdk::MessageToAppend> batch;
  for (const auto& m : batch_owned) batch.push_back(m.message());
  store().append_batch_deferred(batch, record);
  store().complete_deferred();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (appended.size() == kSingles + 1) break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "deferred appends not completed";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto read = store().read_queue("TopicDefer", 0, QueueOffset(0), 32, 1 << 20, {});
  ASSERT_EQ(read.records.size(), static_cast<std::size_t>(kSingles + 3));
  EXPECT_EQ(body_of(read.records[0]), "d0");
  EXPECT_EQ(body_of(read.records[kSingles + 2]), "b2");
  std::lock_guard lock(mu);
  std::vector<std::int64_t> offsets;
  for (const auto& a : appended) {
    ASSERT_TRUE(a.status) << a.status.to_string();
    offsets.push_back(a.result.queue_offset.value());
  }
  std::sort(offsets.begin(), offsets.end());
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
}

// A consumer reading a queue while another thread appends to it (deferred, completed in bursts,
// as the broker does) sees every message once, in order: never an entry skipped because its
// record was not yet readable when the read scanned it.
TEST_P(StoreConformance, AReaderRacingDeferredAppendsSkipsNothing) {
  open_default();
  constexpr int kMessages = 4000;
  constexpr int kBurst = 8;
  std::vector<OwnedMessage> owned;
  for (int i = 0; i < kMessages; ++i) owned.emplace_back("TopicRace", 0, "m" + std::to_string(i));
  std::atomic<int> completed{0};
  std::thread writer([&] {
    for (int i = 0; i < kMessages; i += kBurst) {
      for (int j = i; j < i + kBurst; ++j) {
        store().append_deferred(owned[j].message(),
                                [&](const sdk::Status& status, const sdk::AppendResult&) {
                                  if (status) completed.fetch_add(1, std::memory_order_relaxed);
                                });
      }
      store().complete_deferred();
    }
  });
  std::vector<std::string> seen;
  std::int64_t next = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (static_cast<int>(seen.size()) < kMessages && std::chrono::steady_clock::now() < deadline) {
    auto read = store().read_queue("TopicRace", 0, QueueOffset(next), 32, 1 << 20, {});
    ASSERT_NE(read.status, ReadStatus::kOffsetFoundNull) << "at offset " << next;
    if (read.status == ReadStatus::kFound) {
      for (const auto& record : read.records) seen.push_back(body_of(record));
    }
    next = read.next_offset.value();
    ASSERT_EQ(next, static_cast<std::int64_t>(seen.size())) << "a read moved past a message";
  }
  writer.join();
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) ASSERT_EQ(seen[i], "m" + std::to_string(i));
  const auto acknowledged = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (completed.load() < kMessages && std::chrono::steady_clock::now() < acknowledged) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(completed.load(), kMessages);
}

TEST_P(StoreConformance, ReadAtAndLookupByKey) {
  open_default();
  std::vector<Appended> appended;
  for (int i = 0; i < 4; ++i) {
    appended.push_back(append_and_wait(
        store(), OwnedMessage("TopicK", 0, "v" + std::to_string(i), "",
                              i % 2 == 0 ? "even all" : "odd all", "UNIQ" + std::to_string(i))));
    ASSERT_TRUE(appended.back().status);
  }
  auto at = store().read_at(appended[2].result.physical_offset);
  ASSERT_TRUE(at.ok()) << at.status().to_string();
  EXPECT_EQ(body_of(at->record), "v2");
  EXPECT_FALSE(
      store().read_at(sdk::PhysicalOffset(appended[2].result.physical_offset.value() + 1)).ok());
  EXPECT_FALSE(store().read_at(store().log_end()).ok());

  auto even = store().lookup_by_key("TopicK", "even", 10, 0, INT64_MAX);
  ASSERT_TRUE(even.ok());
  std::set<std::string> bodies;
  for (const auto& view : *even) bodies.insert(body_of(view.record));
  EXPECT_EQ(bodies, (std::set<std::string>{"v0", "v2"}));
  auto all = store().lookup_by_key("TopicK", "all", 3, 0, INT64_MAX);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto unique = store().lookup_by_key("TopicK", "UNIQ3", 10, 0, INT64_MAX);
  ASSERT_TRUE(unique.ok());
  ASSERT_EQ(unique->size(), 1u);
  EXPECT_EQ(body_of(unique->front().record), "v3");
  auto other_topic = store().lookup_by_key("OtherTopic", "even", 10, 0, INT64_MAX);
  ASSERT_TRUE(other_topic.ok());
  EXPECT_TRUE(other_topic->empty());
  auto too_late = store().lookup_by_key(
      "TopicK", "even", 10, appended.back().result.store_timestamp_ms + 100000, INT64_MAX);
  ASSERT_TRUE(too_late.ok());
  EXPECT_TRUE(too_late->empty());
}

TEST_P(StoreConformance, LargeBodiesUpToMaxMessageSize) {
  auto options = small_options(dir_.path());
  options.mapped_file_size_commit_log = 1 << 20;
  options.max_message_size = 256 * 1024;
  open(options);
  const std::size_t fixed = record::fixed_size(0) + std::string("TopicL").size();
  OwnedMessage largest("TopicL", 0, std::string(256 * 1024 - fixed, 'L'));
  for (std::size_t i = 0; i < largest.body.size(); ++i)
    largest.body[i] = static_cast<char>('a' + i % 26);
  auto appended = append_and_wait(store(), largest);
  ASSERT_TRUE(appended.status) << appended.status.to_string();
  EXPECT_EQ(appended.result.bytes, 256 * 1024);
  auto read = store().read_queue("TopicL", 0, QueueOffset(0), 1, 1 << 30, {});
  ASSERT_EQ(read.status, ReadStatus::kFound);
  EXPECT_EQ(body_of(read.records.at(0)), largest.body);
  OwnedMessage too_large("TopicL", 0, std::string(256 * 1024 - fixed + 1, 'L'));
  auto refused = append_and_wait(store(), too_large);
  EXPECT_EQ(refused.status.code(), StatusCode::kMessageIllegal);
  EXPECT_EQ(store().max_offset("TopicL", 0).value(), 1);
}

TEST_P(StoreConformance, ReadingAtAndPastTheEnd) {
  open_default();
  EXPECT_EQ(store().read_queue("TopicE", 0, QueueOffset(0), 1, 1 << 20, {}).status,
            ReadStatus::kNoMatchedLogicQueue);
  auto log = store().read_log(store().log_end(), 1 << 20);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->record.empty());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(append_and_wait(store(), OwnedMessage("TopicE", 0, "e")).status);
  auto at_end = store().read_queue("TopicE", 0, QueueOffset(3), 1, 1 << 20, {});
  EXPECT_EQ(at_end.status, ReadStatus::kOffsetOverflowOne);
  EXPECT_EQ(at_end.next_offset.value(), 3);
  EXPECT_EQ(at_end.max_offset.value(), 3);
  auto past = store().read_queue("TopicE", 0, QueueOffset(9), 1, 1 << 20, {});
  EXPECT_EQ(past.status, ReadStatus::kOffsetOverflowBadly);
  EXPECT_EQ(past.next_offset.value(), 3);
  EXPECT_EQ(store().read_queue("TopicE", 1, QueueOffset(0), 1, 1 << 20, {}).status,
            ReadStatus::kNoMatchedLogicQueue);
  auto last = store().read_queue("TopicE", 0, QueueOffset(2), 5, 1 << 20, {});
  EXPECT_EQ(last.status, ReadStatus::kFound);
  EXPECT_EQ(last.records.size(), 1u);
  EXPECT_EQ(last.next_offset.value(), 3);
  log = store().read_log(store().log_end(), 1 << 20);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->record.empty());
}

TEST_P(StoreConformance, RetentionDeletesExpiredRecordsAndMovesMinOffsets) {
  auto options = small_options(dir_.path());
  options.file_reserved_time_hours = 0;  // everything not being written is expired
  options.delete_when = "00;01;02;03;04;05;06;07;08;09;10;11;12;13;14;15;16;17;18;19;20;21;22;23";
  open(options);
  std::vector<Appended> appended;
  for (int i = 0; i < 40; ++i) {
    appended.push_back(append_and_wait(store(), OwnedMessage("TopicR", 0, std::string(400, 'r'))));
    ASSERT_TRUE(appended.back().status);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (store().min_offset("TopicR", 0).value() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::int64_t min = store().min_offset("TopicR", 0).value();
  ASSERT_GT(min, 0) << "retention never ran";
  EXPECT_EQ(store().read_queue("TopicR", 0, QueueOffset(0), 1, 1 << 20, {}).status,
            ReadStatus::kOffsetTooSmall);
  EXPECT_FALSE(store().read_at(appended.front().result.physical_offset).ok());
  EXPECT_EQ(store().max_offset("TopicR", 0).value(), 40);
  auto newest = store().read_at(appended.back().result.physical_offset);
  EXPECT_TRUE(newest.ok());
  EXPECT_FALSE(store().read_log(sdk::PhysicalOffset(0), 1 << 20).ok() &&
               !store().read_log(sdk::PhysicalOffset(0), 1 << 20)->record.empty());
}

TEST_P(StoreConformance, DiskRatioGuardRefusesAppendsButNotReads) {
  MQ_REQUIRE_DURABLE_STORE("reopens the store on a full disk and reads what was written before");
  auto options = small_options(dir_.path());
  open(options);
  ASSERT_TRUE(append_and_wait(store(), OwnedMessage("TopicD", 0, "before")).status);
  harness_->close();
  options.disk_max_used_space_ratio = 0;  // any used disk is above it
  open(options);
  EXPECT_EQ(append_and_wait(store(), OwnedMessage("TopicD", 0, "refused")).status.code(),
            StatusCode::kDiskFull);
  auto read = store().read_queue("TopicD", 0, QueueOffset(0), 4, 1 << 20, {});
  ASSERT_EQ(read.status, ReadStatus::kFound);
  EXPECT_EQ(body_of(read.records.at(0)), "before");
}

TEST_P(StoreConformance, SyncFlushCompletesAfterTheRecordIsDurable) {
  auto options = small_options(dir_.path());
  options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
  open(options);
  for (int i = 0; i < 20; ++i) {
    auto appended = append_and_wait(store(), OwnedMessage("TopicS", 0, std::string(200, 's')));
    ASSERT_TRUE(appended.status) << appended.status.to_string();
    EXPECT_GE(store().durable_end().value(),
              appended.result.physical_offset.value() + appended.result.bytes);
    // Dispatched before the callback: a read that starts now sees it.
    EXPECT_EQ(store().max_offset("TopicS", 0).value(), i + 1);
  }
}

TEST_P(StoreConformance, AsyncFlushCompletesAtOnceAndSyncsInTheBackground) {
  auto options = small_options(dir_.path());
  options.flush_disk_type = sdk::FlushDiskType::kAsyncFlush;
  options.flush_commit_log_least_pages = 0;  // sync whatever is dirty at every interval
  options.flush_commit_log_thorough_interval_ms = 100;
  open(options);
  Appended last;
  for (int i = 0; i < 20; ++i) {
    last = append_and_wait(store(), OwnedMessage("TopicS", 0, std::string(200, 'a')));
    ASSERT_TRUE(last.status);
    EXPECT_EQ(store().max_offset("TopicS", 0).value(), i + 1);
  }
  const std::int64_t end = last.result.physical_offset.value() + last.result.bytes;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store().durable_end().value() < end && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(store().durable_end().value(), end);
}

// A child process appends under SYNC_FLUSH, reporting every completed append on a pipe, and is
// killed with SIGKILL in the middle of its appends. Everything it was told is durable must be
// there after a reopen, and every record served must be whole.
TEST_P(StoreConformance, RecoveryAfterSigkillKeepsEveryCompletedAppend) {
  MQ_REQUIRE_DURABLE_STORE("checks that completed appends survive a SIGKILL");
  struct Done {
    std::int64_t index, physical_offset, queue_offset;
  };
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  // Fork before this process creates any thread (no PluginHost yet).
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto options = small_options(dir_.path());
    options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
    StoreHarness harness(GetParam());
    if (!harness.open(options)) ::_exit(3);
    std::atomic<std::int64_t> next{0};
    auto writer = [&]() {
      for (;;) {
        const std::int64_t i = next.fetch_add(1);
        auto appended = append_and_wait(harness.store(),
                                        OwnedMessage("TopicC", 0, "crash-" + std::to_string(i)));
        if (!appended.status) ::_exit(4);
        const Done done{i, appended.result.physical_offset.value(),
                        appended.result.queue_offset.value()};
        if (::write(fds[1], &done, sizeof done) != static_cast<ssize_t>(sizeof done)) ::_exit(5);
      }
    };
    std::thread a(writer), b(writer), c(writer);
    a.join();
    ::_exit(6);
  }
  ::close(fds[1]);
  std::vector<Done> completed;
  Done done{};
  while (completed.size() < 60 &&
         ::read(fds[0], &done, sizeof done) == static_cast<ssize_t>(sizeof done)) {
    completed.push_back(done);
  }
  ::kill(child, SIGKILL);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  while (::read(fds[0], &done, sizeof done) == static_cast<ssize_t>(sizeof done))
    completed.push_back(done);
  ::close(fds[0]);
  ASSERT_GE(completed.size(), 60u) << "the child failed before it was killed";
  EXPECT_TRUE(WIFSIGNALED(wstatus));

  auto options = small_options(dir_.path());
  options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
  open(options);
  for (const auto& d : completed) {
    auto at = store().read_at(sdk::PhysicalOffset(d.physical_offset));
    ASSERT_TRUE(at.ok()) << "completed append " << d.index << " lost";
    EXPECT_EQ(body_of(at->record), "crash-" + std::to_string(d.index));
    EXPECT_LT(d.queue_offset, store().max_offset("TopicC", 0).value());
  }
  // Nothing torn: every record the queue serves decodes with a good CRC.
  const auto all = read_all("TopicC", 0);
  EXPECT_EQ(static_cast<std::int64_t>(all.size()), store().max_offset("TopicC", 0).value());
  for (const auto& bytes : all) {
    record::StoredRecord decoded;
    EXPECT_EQ(record::decode_record(
                  sdk::ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                  &decoded, true),
              record::DecodeStatus::kOk);
  }
  // And the store takes appends again, after what survived.
  auto more = append_and_wait(store(), OwnedMessage("TopicC", 0, "after"));
  ASSERT_TRUE(more.status);
  EXPECT_EQ(more.result.queue_offset.value(), static_cast<std::int64_t>(all.size()));
}

TEST_P(StoreConformance, ReopenAfterCleanStop) {
  MQ_REQUIRE_DURABLE_STORE("checks that the log survives a clean stop and reopen");
  open_default();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(append_and_wait(store(), OwnedMessage("TopicO", i % 3, "o" + std::to_string(i), "",
                                                      "key" + std::to_string(i)))
                    .status);
  }
  const std::int64_t end = store().log_end().value();
  const auto before = read_all("TopicO", 1);
  harness_->close();
  open_default();
  EXPECT_EQ(store().log_end().value(), end);
  EXPECT_EQ(store().max_offset("TopicO", 1).value(), 10);
  EXPECT_EQ(read_all("TopicO", 1), before);
  auto found = store().lookup_by_key("TopicO", "key4", 4, 0, INT64_MAX);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  auto more = append_and_wait(store(), OwnedMessage("TopicO", 1, "again"));
  ASSERT_TRUE(more.status);
  EXPECT_EQ(more.result.queue_offset.value(), 10);
  EXPECT_GE(more.result.physical_offset.value(), end);
}

TEST_P(StoreConformance, ConcurrentAppendsKeepQueueOrder) {
  auto options = small_options(dir_.path());
  options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
  open(options);
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto appended = append_and_wait(
            store(), OwnedMessage("TopicP", 0, std::to_string(t) + ":" + std::to_string(i)));
        if (!appended.status) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const auto all = read_all("TopicP", 0);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  int last[kThreads] = {-1, -1, -1, -1};
  std::int64_t previous_offset = -1;
  for (std::size_t q = 0; q < all.size(); ++q) {
    record::StoredRecord decoded;
    ASSERT_EQ(
        record::decode_record(
            sdk::ByteView(reinterpret_cast<const std::uint8_t*>(all[q].data()), all[q].size()),
            &decoded, true),
        record::DecodeStatus::kOk);
    EXPECT_EQ(decoded.queue_offset, static_cast<std::int64_t>(q));
    EXPECT_GT(decoded.physical_offset, previous_offset);
    previous_offset = decoded.physical_offset;
    const std::string body(reinterpret_cast<const char*>(decoded.body.data()), decoded.body.size());
    const int t = std::stoi(body.substr(0, body.find(':')));
    const int i = std::stoi(body.substr(body.find(':') + 1));
    EXPECT_EQ(i, last[t] + 1) << "thread " << t << " out of order";
    last[t] = i;
  }
}

std::string plugin_test_name(const ::testing::TestParamInfo<PluginUnderTest>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Plugins, StoreConformance, ::testing::ValuesIn(plugins_under_test()),
                         plugin_test_name);

}  // namespace
}  // namespace mq::conformance
