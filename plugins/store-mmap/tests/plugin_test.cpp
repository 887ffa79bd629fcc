// store-mmap loaded as the core loads it: dlopen of the built .so (RTLD_NOW | RTLD_LOCAL), the
// descriptor's create() with a fake HostServices, and only the sdk::MessageStore interface.
#include "mq/sdk/plugin.h"

#include "fake_host.h"
#include "store_test_support.h"

#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

namespace mq::store_mmap {
namespace {

namespace fs = std::filesystem;
namespace record = sdk::record;
using testing::append_and_wait;
using testing::body_of;
using testing::FakeHost;
using testing::OwnedMessage;
using testing::TempDir;

const sdk::PluginDescriptor* descriptor() {
  static const sdk::PluginDescriptor* loaded = [] {
    void* handle = ::dlopen(MQ_STORE_MMAP_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      ADD_FAILURE() << ::dlerror();
      return static_cast<const sdk::PluginDescriptor*>(nullptr);
    }
    auto entry =
        reinterpret_cast<mq_plugin_descriptor_fn>(::dlsym(handle, sdk::kPluginEntrySymbol));
    if (entry == nullptr) {
      ADD_FAILURE() << "no " << sdk::kPluginEntrySymbol;
      return static_cast<const sdk::PluginDescriptor*>(nullptr);
    }
    return entry();
  }();
  return loaded;
}

// One store made by the plugin, with its host and config kept alive alongside.
struct PluginStore {
  FakeHost host;
  sdk::StoreOptions options;
  sdk::PluginConfig config;
  std::unique_ptr<sdk::MessageStore> store;

  explicit PluginStore(const sdk::StoreOptions& store_options, bool start = true)
      : options(store_options) {
    const auto* d = descriptor();
    if (d == nullptr) return;
    config.plugin_name = d->name;
    config.store = &options;
    for (const sdk::ConfigKey* key = d->config_keys; key->name != nullptr; ++key) {
      sdk::ConfigValue value;
      value.type = key->type;
      value.text = key->default_value;
      value.bool_value = value.text == "true";
      if (key->type == sdk::ConfigType::kInt) value.int_value = std::stoll(value.text);
      config.keys[key->name] = value;
    }
    sdk::PluginInstance* instance = nullptr;
    auto status = d->create(host, config, &instance);
    EXPECT_TRUE(status) << status.to_string();
    store.reset(dynamic_cast<sdk::MessageStore*>(instance));
    EXPECT_NE(store, nullptr);
    if (start && store) {
      auto started = store->start();
      EXPECT_TRUE(started) << started.to_string();
    }
  }
  ~PluginStore() {
    if (store) store->stop();
  }
  sdk::MessageStore& operator*() { return *store; }
  sdk::MessageStore* operator->() { return store.get(); }
};

std::vector<std::string> bodies(const sdk::QueueReadResult& result) {
  std::vector<std::string> out;
  for (auto r : result.records) out.push_back(body_of(r));
  return out;
}

TEST(Plugin, DescriptorDescribesAStoreAndItsKeys) {
  const auto* d = descriptor();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->seam, sdk::Seam::kStore);
  EXPECT_STREQ(d->name, "store-mmap");
  EXPECT_EQ(d->abi_major, sdk::kAbiMajor);
  EXPECT_EQ(d->descriptor_size, sizeof(sdk::PluginDescriptor));
  EXPECT_STREQ(d->build_fingerprint, MQ_SDK_BUILD_FINGERPRINT);
  std::vector<std::string> keys;
  for (const auto* key = d->config_keys; key->name != nullptr; ++key) keys.push_back(key->name);
  EXPECT_EQ(keys, (std::vector<std::string>{"mmap.warmMappedFile", "mmap.housekeepingIntervalMs",
                                            "mmap.indexFlushIntervalMs"}));
  sdk::PluginConfig no_store;
  FakeHost host;
  sdk::PluginInstance* instance = nullptr;
  EXPECT_EQ(d->create(host, no_store, &instance).code(), sdk::StatusCode::kInvalidArgument);
}

TEST(Plugin, AppendReadRoundTripIsByteForByteTheStoredLayout) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  store.host.clock_.set_now_ms(1700000001000);
  OwnedMessage message("TopicTest", 2, "hello world", "TagA", "k1 k2", "UNIQ1");
  auto appended = append_and_wait(*store, message);
  ASSERT_TRUE(appended.status) << appended.status.to_string();
  EXPECT_EQ(appended.result.message_count, 1);
  EXPECT_EQ(appended.result.store_timestamp_ms, 1700000001000);

  record::StoredRecord expected;
  const auto m = message.message();
  expected.queue_id = 2;
  expected.flag = m.flag;
  expected.queue_offset = 0;
  expected.physical_offset = appended.result.physical_offset.value();
  expected.sys_flag = m.sys_flag;
  expected.born_timestamp_ms = m.born_timestamp_ms;
  expected.born_host = m.born_host;
  expected.store_timestamp_ms = 1700000001000;
  expected.store_host = m.store_host;
  expected.body = m.body;
  expected.topic = m.topic;
  expected.properties = m.properties;
  std::vector<std::uint8_t> bytes(record::encoded_size(expected));
  ASSERT_EQ(record::encode_record(expected, bytes), bytes.size());
  EXPECT_EQ(appended.result.bytes, static_cast<std::int32_t>(bytes.size()));

  auto read = store->read_queue("TopicTest", 2, sdk::QueueOffset(0), 32, 1 << 20, {});
  ASSERT_EQ(read.status, sdk::ReadStatus::kFound);
  ASSERT_EQ(read.records.size(), 1u);
  EXPECT_TRUE(
      std::equal(read.records[0].begin(), read.records[0].end(), bytes.begin(), bytes.end()));
  EXPECT_NE(read.keepalive, nullptr);
  EXPECT_EQ(read.next_offset.value(), 1);

  auto at = store->read_at(appended.result.physical_offset);
  ASSERT_TRUE(at.ok());
  EXPECT_TRUE(std::equal(at->record.begin(), at->record.end(), bytes.begin(), bytes.end()));
  // The offset message id leads back to the same record.
  const std::string id = record::offset_message_id(m.store_host, expected.physical_offset);
  sdk::HostAddress host;
  std::int64_t offset = -1;
  ASSERT_TRUE(record::parse_offset_message_id(id, &host, &offset));
  EXPECT_TRUE(store->read_at(sdk::PhysicalOffset(offset)).ok());
  EXPECT_FALSE(store->read_at(sdk::PhysicalOffset(offset + 1)).ok());
  EXPECT_EQ(store->read_at(store->log_end()).status().code(), sdk::StatusCode::kNotFound);
}

TEST(Plugin, QueueAndPhysicalOffsets) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  std::int64_t expected_physical = 0;
  for (int i = 0; i < 5; ++i) {
    auto a = append_and_wait(*store, OwnedMessage("A", 0, "a" + std::to_string(i)));
    auto b = append_and_wait(*store, OwnedMessage("B", 3, "b" + std::to_string(i)));
    EXPECT_EQ(a.result.queue_offset.value(), i);
    EXPECT_EQ(b.result.queue_offset.value(), i);
    EXPECT_EQ(a.result.physical_offset.value(), expected_physical);
    EXPECT_EQ(b.result.physical_offset.value(), expected_physical + a.result.bytes);
    expected_physical += a.result.bytes + b.result.bytes;
  }
  EXPECT_EQ(store->log_end().value(), expected_physical);
  auto read = store->read_queue("B", 3, sdk::QueueOffset(2), 2, 1 << 20, {});
  EXPECT_EQ(bodies(read), (std::vector<std::string>{"b2", "b3"}));
  EXPECT_EQ(read.next_offset.value(), 4);
  record::StoredRecord decoded;
  ASSERT_EQ(record::decode_record(read.records[1], &decoded, true), record::DecodeStatus::kOk);
  EXPECT_EQ(decoded.queue_offset, 3);
  EXPECT_EQ(decoded.queue_id, 3);
}

TEST(Plugin, MinMaxOffsetsAndReadStatuses) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  auto missing = store->read_queue("T", 0, sdk::QueueOffset(0), 1, 1024, {});
  EXPECT_EQ(missing.status, sdk::ReadStatus::kNoMatchedLogicQueue);
  EXPECT_EQ(store->max_offset("T", 0).value(), 0);
  for (int i = 0; i < 3; ++i) append_and_wait(*store, OwnedMessage("T", 0, "x"));
  EXPECT_EQ(store->min_offset("T", 0).value(), 0);
  EXPECT_EQ(store->max_offset("T", 0).value(), 3);
  auto caught_up = store->read_queue("T", 0, sdk::QueueOffset(3), 1, 1024, {});
  EXPECT_EQ(caught_up.status, sdk::ReadStatus::kOffsetOverflowOne);
  EXPECT_EQ(caught_up.next_offset.value(), 3);
  auto beyond = store->read_queue("T", 0, sdk::QueueOffset(9), 1, 1024, {});
  EXPECT_EQ(beyond.status, sdk::ReadStatus::kOffsetOverflowBadly);
  EXPECT_EQ(beyond.next_offset.value(), 3);
  EXPECT_EQ(beyond.max_offset.value(), 3);
  auto negative = store->read_queue("T", 0, sdk::QueueOffset(-1), 1, 1024, {});
  EXPECT_EQ(negative.status, sdk::ReadStatus::kOffsetTooSmall);
  EXPECT_EQ(negative.next_offset.value(), 0);
  auto bytes_capped = store->read_queue("T", 0, sdk::QueueOffset(0), 32, 1, {});
  EXPECT_EQ(bytes_capped.records.size(), 1u) << "at least one record, then the byte cap";
  ASSERT_TRUE(store->delete_topic("T"));
  EXPECT_EQ(store->max_offset("T", 0).value(), 0);
  EXPECT_FALSE(fs::exists(fs::path(store.options.store_path_consume_queue) / "T"));
}

TEST(Plugin, TagFilteringCountsScannedEntries) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  const char* tags[] = {"TagA", "TagB", "TagA", "TagC", "订单"};
  for (int i = 0; i < 5; ++i)
    append_and_wait(*store, OwnedMessage("T", 0, std::to_string(i), tags[i]));
  sdk::TagFilter a;
  a.codes = {2598919};
  auto read = store->read_queue("T", 0, sdk::QueueOffset(0), 32, 1 << 20, a);
  EXPECT_EQ(bodies(read), (std::vector<std::string>{"0", "2"}));
  EXPECT_EQ(read.next_offset.value(), 5);
  sdk::TagFilter order;
  order.codes = {1129459};
  EXPECT_EQ(bodies(store->read_queue("T", 0, sdk::QueueOffset(0), 32, 1 << 20, order)),
            (std::vector<std::string>{"4"}));
  sdk::TagFilter none;
  none.codes = {3392903};
  auto nothing = store->read_queue("T", 0, sdk::QueueOffset(1), 32, 1 << 20, none);
  EXPECT_EQ(nothing.status, sdk::ReadStatus::kNoMatchedMessage);
  EXPECT_EQ(nothing.next_offset.value(), 5);
  EXPECT_TRUE(nothing.records.empty());
}

TEST(Plugin, OffsetByTimeAndStoreTime) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  EXPECT_EQ(store->offset_by_time("T", 0, 5).value(), 0) << "no data";
  for (int i = 0; i < 4; ++i) {
    store.host.clock_.set_now_ms(1000 * (i + 1));  // 1000, 2000, 3000, 4000
    append_and_wait(*store, OwnedMessage("T", 0, "m"));
  }
  EXPECT_EQ(store->offset_by_time("T", 0, 0).value(), 0);
  EXPECT_EQ(store->offset_by_time("T", 0, 2000).value(), 1);
  EXPECT_EQ(store->offset_by_time("T", 0, 2400).value(), 1);
  EXPECT_EQ(store->offset_by_time("T", 0, 2600).value(), 2);
  EXPECT_EQ(store->offset_by_time("T", 0, 9999).value(), 3) << "the last message, not max";
  EXPECT_EQ(store->store_time("T", 0, sdk::QueueOffset(2)), 3000);
  EXPECT_EQ(store->store_time("T", 0, sdk::QueueOffset(4)), -1);
}

TEST(Plugin, LookupByKey) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  const std::int64_t now = store.host.clock_.now_ms();
  append_and_wait(*store, OwnedMessage("T", 0, "one", "", "order-1 shared", "U-1"));
  append_and_wait(*store, OwnedMessage("T", 1, "two", "", "order-2 shared", "U-2"));
  append_and_wait(*store, OwnedMessage("Other", 0, "three", "", "order-1", ""));
  auto one = store->lookup_by_key("T", "order-1", 10, now - 60000, now + 60000);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(body_of(one->front().record), "one");
  auto shared = store->lookup_by_key("T", "shared", 10, now - 60000, now + 60000);
  EXPECT_EQ(shared->size(), 2u);
  EXPECT_EQ(store->lookup_by_key("T", "shared", 1, now - 60000, now + 60000)->size(), 1u);
  auto unique = store->lookup_by_key("T", "U-2", 10, now - 60000, now + 60000);
  ASSERT_EQ(unique->size(), 1u);
  EXPECT_EQ(body_of(unique->front().record), "two");
  EXPECT_TRUE(store->lookup_by_key("T", "order-1", 10, now + 3600000, now + 7200000)->empty());
  EXPECT_TRUE(store->lookup_by_key("T", "nope", 10, 0, INT64_MAX)->empty());
}

TEST(Plugin, MessagesAcrossSegmentBoundariesAndReplication) {
  TempDir dir;
  auto options = testing::small_options(dir);
  PluginStore master(options);
  std::vector<std::string> expected;
  for (int i = 0; i < 120; ++i) {
    expected.push_back(std::string(static_cast<std::size_t>(50 + (i * 37) % 300), 'a' + i % 26));
    auto appended = append_and_wait(*master, OwnedMessage("T", 0, expected.back()));
    ASSERT_TRUE(appended.status);
    const std::int64_t begin = appended.result.physical_offset.value();
    EXPECT_EQ(begin / 4096, (begin + appended.result.bytes - 1) / 4096)
        << "record " << i << " spans two segment files";
  }
  EXPECT_GT(master->log_end().value(), 5 * 4096);
  std::vector<std::string> got;
  sdk::QueueOffset next(0);
  while (next.value() < 120) {
    auto read = master->read_queue("T", 0, next, 7, 1 << 20, {});
    ASSERT_EQ(read.status, sdk::ReadStatus::kFound);
    for (const auto& b : bodies(read)) got.push_back(b);
    next = read.next_offset;
  }
  EXPECT_EQ(got, expected);

  // A slave fed from read_log ends up with the same log and the same queues.
  TempDir slave_dir;
  PluginStore slave(testing::small_options(slave_dir));
  sdk::PhysicalOffset at(0);
  while (at < master->log_end()) {
    auto chunk = master->read_log(at, 1000);
    ASSERT_TRUE(chunk.ok()) << chunk.status().to_string();
    ASSERT_TRUE(slave->apply_replicated(at, chunk->record));
    at = at + static_cast<std::int64_t>(chunk->record.size());
  }
  EXPECT_EQ(slave->log_end(), master->log_end());
  EXPECT_EQ(slave->max_offset("T", 0).value(), 120);
  EXPECT_EQ(bodies(slave->read_queue("T", 0, sdk::QueueOffset(100), 100, 1 << 30, {})),
            std::vector<std::string>(expected.begin() + 100, expected.end()));
  EXPECT_EQ(slave->apply_replicated(sdk::PhysicalOffset(5), {}).code(),
            sdk::StatusCode::kInvalidArgument);
}

TEST(Plugin, ReopenAfterCleanStopKeepsEverything) {
  TempDir dir;
  const auto options = testing::small_options(dir);
  std::int64_t end = 0;
  {
    PluginStore store(options);
    for (int i = 0; i < 60; ++i) {
      append_and_wait(
          *store, OwnedMessage("T", i % 3, "m" + std::to_string(i), "", "key" + std::to_string(i)));
    }
    end = store->log_end().value();
  }
  PluginStore store(options);
  EXPECT_EQ(store->log_end().value(), end);
  EXPECT_EQ(store->durable_end().value(), end);
  EXPECT_EQ(store->max_offset("T", 2).value(), 20);
  auto appended = append_and_wait(*store, OwnedMessage("T", 2, "new"));
  EXPECT_EQ(appended.result.queue_offset.value(), 20);
  EXPECT_EQ(appended.result.physical_offset.value(), end);
  auto read = store->read_queue("T", 2, sdk::QueueOffset(19), 10, 1 << 20, {});
  EXPECT_EQ(bodies(read), (std::vector<std::string>{"m59", "new"}));
  EXPECT_EQ(store->lookup_by_key("T", "key33", 5, 0, INT64_MAX)->size(), 1u);
}

TEST(Plugin, RecoveryAfterTornTail) {
  TempDir dir;
  const auto options = testing::small_options(dir);
  std::int64_t last = 0;
  {
    PluginStore store(options);
    for (int i = 0; i < 3; ++i) {
      last = append_and_wait(*store, OwnedMessage("T", 0, "body" + std::to_string(i)))
                 .result.physical_offset.value();
    }
  }
  {
    // The second half of the last record (body, topic, properties) is garbage, as a crash
    // that persisted only the record's first page leaves it.
    std::fstream file(fs::path(options.store_path_commit_log) / "00000000000000000000",
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(last + 88);
    for (int i = 0; i < 10; ++i) file.put(static_cast<char>(0xA5));
  }
  std::ofstream(options.abort_file).put('x');
  fs::remove(options.store_checkpoint);
  PluginStore store(options);
  EXPECT_EQ(store->log_end().value(), last);
  EXPECT_EQ(store->max_offset("T", 0).value(), 2);
  EXPECT_EQ(bodies(store->read_queue("T", 0, sdk::QueueOffset(0), 10, 1 << 20, {})),
            (std::vector<std::string>{"body0", "body1"}));
  EXPECT_FALSE(store->read_at(sdk::PhysicalOffset(last)).ok());
}

TEST(Plugin, SyncFlushCompletesOnlyAfterTheSync) {
  TempDir dir;
  auto options = testing::small_options(dir);
  options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
  PluginStore store(options);
  for (int i = 0; i < 10; ++i) {
    std::promise<std::int64_t> durable_at_callback;
    sdk::AppendResult result;
    store->append(OwnedMessage("T", 0, "sync" + std::to_string(i)).message(),
                  [&](const sdk::Status& status, const sdk::AppendResult& r) {
                    EXPECT_TRUE(status) << status.to_string();
                    result = r;
                    durable_at_callback.set_value(store->durable_end().value());
                  });
    const std::int64_t durable = durable_at_callback.get_future().get();
    EXPECT_GE(durable, result.physical_offset.value() + result.bytes);
  }
  EXPECT_GE(store.host.metrics_.get("store.commitlog.syncs"), 1);
}

TEST(Plugin, DeferredAppendsAreWrittenTogetherAndAcknowledgedAfterTheWrite) {
  for (const auto flush : {sdk::FlushDiskType::kAsyncFlush, sdk::FlushDiskType::kSyncFlush}) {
    TempDir dir;
    auto options = testing::small_options(dir);
    options.flush_disk_type = flush;
    PluginStore store(options);
    constexpr int kMessages = 20;
    std::atomic<int> acknowledged{0};
    std::vector<std::int64_t> offsets(kMessages, -1);
    std::promise<void> all;
    for (int i = 0; i < kMessages; ++i) {
      store->append_deferred(OwnedMessage("T", 0, "d" + std::to_string(i)).message(),
                             [&, i](const sdk::Status& status, const sdk::AppendResult& result) {
                               EXPECT_TRUE(status) << status.to_string();
                               // Acknowledged only once it is readable from the log.
                               EXPECT_TRUE(store->read_at(result.physical_offset).ok());
                               offsets[i] = result.queue_offset.value();
                               if (acknowledged.fetch_add(1) + 1 == kMessages) all.set_value();
                             });
    }
    // A reader sees every appended message even before the batch is completed.
    EXPECT_EQ(bodies(store->read_queue("T", 0, sdk::QueueOffset(0), 64, 1 << 20, {})).size(),
              static_cast<std::size_t>(kMessages));
    store->complete_deferred();
    ASSERT_EQ(all.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    for (int i = 0; i < kMessages; ++i) EXPECT_EQ(offsets[i], i);
  }
}

TEST(Plugin, DeferredAppendsLeftWaitingAreWrittenByTheBackstopAndAtStop) {
  TempDir dir;
  auto options = testing::small_options(dir);
  {
    PluginStore store(options);
    std::promise<sdk::Status> done;
    store->append_deferred(
        OwnedMessage("T", 0, "left").message(),
        [&](const sdk::Status& status, const sdk::AppendResult&) { done.set_value(status); });
    auto future = done.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_TRUE(future.get());
    std::promise<sdk::Status> at_stop;
    store->append_batch_deferred(
        {OwnedMessage("T", 0, "stop").message()},
        [&](const sdk::Status& status, const sdk::AppendResult&) { at_stop.set_value(status); });
    store->stop();
    auto stopped = at_stop.get_future();
    ASSERT_EQ(stopped.wait_for(std::chrono::seconds(1)), std::future_status::ready);
    EXPECT_TRUE(stopped.get());
  }
  PluginStore reopened(options);
  EXPECT_EQ(bodies(reopened->read_queue("T", 0, sdk::QueueOffset(0), 64, 1 << 20, {})),
            (std::vector<std::string>{"left", "stop"}));
}

TEST(Plugin, GroupCommitBatchesConcurrentAppendsIntoFewSyncs) {
  TempDir dir;
  auto options = testing::small_options(dir);
  options.flush_disk_type = sdk::FlushDiskType::kSyncFlush;
  options.mapped_file_size_commit_log = 1 << 20;
  PluginStore store(options);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::atomic<int> completed{0};
  std::atomic<int> failed{0};
  std::promise<void> all_done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store->append(OwnedMessage("T", t, "x").message(),
                      [&](const sdk::Status& status, const sdk::AppendResult&) {
                        if (!status) failed.fetch_add(1);
                        if (completed.fetch_add(1) + 1 == kThreads * kPerThread)
                          all_done.set_value();
                      });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(failed.load(), 0);
  const std::int64_t syncs = store.host.metrics_.get("store.commitlog.syncs");
  EXPECT_GE(syncs, 1);
  EXPECT_LT(syncs, kThreads * kPerThread / 2) << "group commit should share syncs";
  std::printf("%d SYNC_FLUSH appends took %lld syncs\n", kThreads * kPerThread,
              static_cast<long long>(syncs));
}

TEST(Plugin, ConcurrentAppendsKeepQueueOrder) {
  TempDir dir;
  auto options = testing::small_options(dir);
  options.mapped_file_size_commit_log = 64 * 1024;
  PluginStore store(options);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::vector<std::thread> threads;
  std::atomic<bool> reading{true};
  std::thread reader([&] {
    // Reads run concurrently with appends and only ever see whole records.
    while (reading.load()) {
      auto read = store->read_queue("T", 0, sdk::QueueOffset(0), 64, 1 << 20, {});
      for (auto r : read.records) {
        record::StoredRecord decoded;
        ASSERT_EQ(record::decode_record(r, &decoded, true), record::DecodeStatus::kOk);
      }
    }
  });
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        append_and_wait(*store, OwnedMessage("T", 0, std::to_string(t) + ":" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  reading = false;
  reader.join();
  auto read = store->read_queue("T", 0, sdk::QueueOffset(0), kThreads * kPerThread, 1LL << 40, {});
  ASSERT_EQ(read.records.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::map<int, int> next_per_thread;
  for (std::size_t n = 0; n < read.records.size(); ++n) {
    record::StoredRecord decoded;
    ASSERT_EQ(record::decode_record(read.records[n], &decoded, true), record::DecodeStatus::kOk);
    EXPECT_EQ(decoded.queue_offset, static_cast<std::int64_t>(n));
    const std::string body = body_of(read.records[n]);
    const int t = std::stoi(body.substr(0, body.find(':')));
    const int i = std::stoi(body.substr(body.find(':') + 1));
    EXPECT_EQ(i, next_per_thread[t]++) << "thread " << t << " out of order";
  }
}

TEST(Plugin, DiskAboveRatioRefusesAppendsButServesReads) {
  TempDir dir;
  auto options = testing::small_options(dir);
  {
    PluginStore store(options);
    append_and_wait(*store, OwnedMessage("T", 0, "kept"));
  }
  options.disk_max_used_space_ratio = 0;  // any used byte is too many
  PluginStore store(options);
  auto refused = append_and_wait(*store, OwnedMessage("T", 0, "refused"));
  EXPECT_EQ(refused.status.code(), sdk::StatusCode::kDiskFull);
  EXPECT_EQ(bodies(store->read_queue("T", 0, sdk::QueueOffset(0), 10, 1 << 20, {})),
            (std::vector<std::string>{"kept"}));
}

TEST(Plugin, IllegalMessagesAreRefusedAtOnce) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  EXPECT_EQ(append_and_wait(*store, OwnedMessage("T", 0, std::string(3000, 'x'))).status.code(),
            sdk::StatusCode::kMessageIllegal);
  EXPECT_EQ(append_and_wait(*store, OwnedMessage(std::string(128, 't'), 0, "x")).status.code(),
            sdk::StatusCode::kMessageIllegal);
  EXPECT_EQ(append_and_wait(*store, OwnedMessage("../escape", 0, "x")).status.code(),
            sdk::StatusCode::kMessageIllegal);
  EXPECT_EQ(store->log_end().value(), 0);
}

TEST(Plugin, BatchGetsConsecutiveOffsetsInOneFile) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  std::vector<OwnedMessage> owned;
  for (int i = 0; i < 5; ++i) owned.emplace_back("T", 1, "batch" + std::to_string(i));
  std::vector<sdk::MessageToAppend> batch;
  for (const auto& m : owned) batch.push_back(m.message());
  std::promise<testing::Appended> promise;
  store->append_batch(batch, [&](const sdk::Status& s, const sdk::AppendResult& r) {
    promise.set_value(testing::Appended{s, r});
  });
  auto appended = promise.get_future().get();
  ASSERT_TRUE(appended.status);
  EXPECT_EQ(appended.result.message_count, 5);
  EXPECT_EQ(appended.result.queue_offset.value(), 0);
  EXPECT_EQ(store->max_offset("T", 1).value(), 5);
  EXPECT_EQ(store->log_end().value(), appended.result.bytes);
  EXPECT_EQ(bodies(store->read_queue("T", 1, sdk::QueueOffset(3), 10, 1 << 20, {})),
            (std::vector<std::string>{"batch3", "batch4"}));
}

TEST(Plugin, StoppedStoreRefusesAppends) {
  TempDir dir;
  PluginStore store(testing::small_options(dir));
  store->stop();
  store->stop();
  EXPECT_EQ(append_and_wait(*store, OwnedMessage("T", 0, "late")).status.code(),
            sdk::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace mq::store_mmap
