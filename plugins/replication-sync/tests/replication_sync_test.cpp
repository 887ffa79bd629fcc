// replication-sync as the core sees it: the built .so opened with dlopen, over store-mmap
// stores (also built .so files) in fresh temp dirs, with a real slave (this plugin in the SLAVE
// role) or a hand-written one that holds its acknowledgements back, over 127.0.0.1.
#include "replication_test_support.h"

#include <gtest/gtest.h>

#include <future>
#include <string>

namespace mq::replication {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test helpers only
using sdk::StatusCode;

constexpr const char* kPlugin = MQ_REPLICATION_SYNC_PLUGIN_PATH;

// Calls await_replicated and returns a future of its status.
std::future<sdk::Status> await(sdk::ReplicationPolicy& policy, sdk::PhysicalOffset end) {
  auto promise = std::make_shared<std::promise<sdk::Status>>();
  auto future = promise->get_future();
  policy.await_replicated(end, [promise](const sdk::Status& s) { promise->set_value(s); });
  return future;
}

// Bounded get: a missing completion fails the test instead of hanging it.
sdk::Status get(std::future<sdk::Status>& future) {
  if (future.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    ADD_FAILURE() << "await_replicated did not complete";
    return sdk::Status(StatusCode::kInternal, "no completion");
  }
  return future.get();
}

sdk::ReplicationOptions master_options(int port) {
  auto options = fast_options(sdk::BrokerRole::kSyncMaster, port);
  options.slave_timeout_ms = 300;
  return options;
}

TEST(ReplicationSync, DescriptorDescribesAReplicationPlugin) {
  const auto* d = load_descriptor(kPlugin);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->seam, sdk::Seam::kReplication);
  EXPECT_STREQ(d->name, "replication-sync");
  EXPECT_EQ(d->descriptor_size, sizeof(sdk::PluginDescriptor));
  EXPECT_STREQ(d->build_fingerprint, MQ_SDK_BUILD_FINGERPRINT);
  FakeHost host("sync");
  auto options = master_options(1);
  options.slave_timeout_ms = 0;
  sdk::PluginConfig config;
  config.replication = &options;
  sdk::PluginInstance* instance = nullptr;
  auto status = d->create(host, config, &instance);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("slaveTimeout"), std::string::npos) << status.message();
}

TEST(ReplicationSync, SlaveNotAvailableAtOnceWithoutASlave) {
  TempDir dir;
  TestStore store(dir);
  TestPolicy policy(kPlugin, master_options(free_port()));
  policy.start(*store);
  ASSERT_TRUE(append(*store, "TopicA", 0, "hello").status);
  bool completed = false;
  sdk::Status result;
  policy->await_replicated(store->log_end(), [&](const sdk::Status& s) {
    completed = true;
    result = s;
  });
  EXPECT_TRUE(completed) << "decided before await_replicated returns";
  EXPECT_EQ(result.code(), StatusCode::kSlaveNotAvailable) << result.to_string();
  EXPECT_TRUE(store->read_at(sdk::PhysicalOffset(0)).ok()) << "the message stays stored";
}

TEST(ReplicationSync, AwaitCompletesOkOnceTheSlaveHasTheData) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir, "master-store");
  TestStore slave_store(slave_dir, "slave-store");
  const int port = free_port();
  TestPolicy master(kPlugin, master_options(port), "master");
  master.start(*master_store);
  auto slave_options = fast_options(sdk::BrokerRole::kSlave, 0);
  slave_options.ha_master_address = loopback(port);
  TestPolicy slave(kPlugin, slave_options, "slave");
  slave.start(*slave_store);
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));

  for (int i = 0; i < 30; ++i) {
    auto appended = append(*master_store, i % 2 ? "TopicA" : "TopicB", i % 3,
                           "sync-" + std::to_string(i) + std::string(i * 7, 'y'));
    ASSERT_TRUE(appended.status);
    const sdk::PhysicalOffset end = appended.result.physical_offset + appended.result.bytes;
    auto promise = std::make_shared<std::promise<sdk::Status>>();
    auto future = promise->get_future();
    std::int64_t slave_end_at_ack = -1;
    master->await_replicated(end, [&, promise](const sdk::Status& s) {
      slave_end_at_ack = slave_store->log_end().value();
      promise->set_value(s);
    });
    auto status = get(future);
    ASSERT_TRUE(status) << status.to_string();
    EXPECT_GE(slave_end_at_ack, end.value()) << "OK only once the slave has the record";
  }
  EXPECT_EQ(read_whole_log(*master_store), read_whole_log(*slave_store));
  EXPECT_EQ(queue_bodies(*master_store, "TopicA", 1), queue_bodies(*slave_store, "TopicA", 1));
}

TEST(ReplicationSync, EachReportAcknowledgesEverythingBeforeIt) {
  TempDir dir;
  TestStore store(dir);
  const int port = free_port();
  TestPolicy master(kPlugin, master_options(port), "master");
  master.start(*store);
  RawSlave raw(port);
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.report(0));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
  std::vector<std::future<sdk::Status>> pending;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(append(*store, "TopicA", 0, "m" + std::to_string(i)).status);
    pending.push_back(await(*master, store->log_end()));
  }
  for (auto& future : pending) {
    EXPECT_EQ(future.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  }
  ASSERT_TRUE(raw.report(store->log_end().value()));
  for (auto& future : pending) EXPECT_TRUE(get(future));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_acked == store->log_end(); }));
}

TEST(ReplicationSync, FlushSlaveTimeoutWhenTheSlaveStopsAcknowledging) {
  TempDir dir;
  TestStore store(dir);
  const int port = free_port();
  TestPolicy master(kPlugin, master_options(port), "master");
  master.start(*store);
  RawSlave raw(port);  // attaches, then never acknowledges again
  ASSERT_TRUE(raw.report(0));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
  auto appended = append(*store, "TopicA", 0, "lonely");
  ASSERT_TRUE(appended.status);
  auto future = await(*master, store->log_end());
  auto status = get(future);
  EXPECT_EQ(status.code(), StatusCode::kFlushSlaveTimeout) << status.to_string();
  EXPECT_TRUE(store->read_at(appended.result.physical_offset).ok()) << "the message stays stored";
  // The data went out all the same: the raw slave can read it.
  std::int64_t offset = -1;
  std::int32_t size = -1;
  std::int64_t master_end = -1;
  ASSERT_TRUE(raw.read_header(&offset, &size, &master_end));
  EXPECT_EQ(offset, 0);
}

TEST(ReplicationSync, FlushSlaveTimeoutWhenTheSlavePluginStops) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir, "master-store");
  TestStore slave_store(slave_dir, "slave-store");
  const int port = free_port();
  TestPolicy master(kPlugin, master_options(port), "master");
  master.start(*master_store);
  RawSlave holder(port);  // a second slave that stays attached but silent
  ASSERT_TRUE(holder.report(0));
  auto slave_options = fast_options(sdk::BrokerRole::kSlave, 0);
  slave_options.ha_master_address = loopback(port);
  TestPolicy slave(kPlugin, slave_options, "slave");
  slave.start(*slave_store);
  ASSERT_TRUE(wait_until([&] { return slave->state().slave_attached; }));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
  ASSERT_TRUE(append(*master_store, "TopicA", 0, "one").status);
  auto first = await(*master, master_store->log_end());
  EXPECT_TRUE(get(first));
  slave.close();
  ASSERT_TRUE(append(*master_store, "TopicA", 0, "two").status);
  auto second = await(*master, master_store->log_end());
  EXPECT_EQ(get(second).code(), StatusCode::kFlushSlaveTimeout);
}

TEST(ReplicationSync, SlaveTooFarBehindIsNotAvailable) {
  TempDir dir;
  TestStore store(dir);
  const int port = free_port();
  auto options = master_options(port);
  options.ha_max_gap_not_in_sync = 500;
  TestPolicy master(kPlugin, options, "master");
  master.start(*store);
  append_many(*store, 10, "backlog");
  ASSERT_GT(store->log_end().value(), 500);
  RawSlave raw(port);
  ASSERT_TRUE(raw.report(0));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
  bool completed = false;
  sdk::Status result;
  master->await_replicated(store->log_end(), [&](const sdk::Status& s) {
    completed = true;
    result = s;
  });
  EXPECT_TRUE(completed);
  EXPECT_EQ(result.code(), StatusCode::kSlaveNotAvailable) << result.to_string();
  EXPECT_NE(result.message().find("behind"), std::string::npos) << result.message();
}

TEST(ReplicationSync, StopCompletesPendingWaitersWithUnavailable) {
  TempDir dir;
  TestStore store(dir);
  const int port = free_port();
  auto options = master_options(port);
  options.slave_timeout_ms = 60000;
  TestPolicy master(kPlugin, options, "master");
  master.start(*store);
  RawSlave raw(port);
  ASSERT_TRUE(raw.report(0));
  ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
  ASSERT_TRUE(append(*store, "TopicA", 0, "pending").status);
  auto pending = await(*master, store->log_end());
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  master->stop();
  EXPECT_EQ(get(pending).code(), StatusCode::kUnavailable);
  auto after = await(*master, store->log_end());
  EXPECT_EQ(get(after).code(), StatusCode::kUnavailable);
}

// The sync plugin's SLAVE side is the shared follower: it resumes after a master restart.
TEST(ReplicationSync, SlaveFollowsARestartedMaster) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore slave_store(slave_dir, "slave-store");
  const int port = free_port();
  auto slave_options = fast_options(sdk::BrokerRole::kSlave, 0);
  TestPolicy slave(kPlugin, slave_options, "slave");
  slave.start(*slave_store);
  slave->set_master_address(loopback(port));
  for (int round = 0; round < 2; ++round) {
    TestStore master_store(master_dir, "master-store");
    TestPolicy master(kPlugin, master_options(port), "master");
    master.start(*master_store);
    ASSERT_TRUE(wait_until([&] { return master->state().slave_attached; }));
    ASSERT_TRUE(append(*master_store, "TopicA", 0, "round-" + std::to_string(round)).status);
    auto future = await(*master, master_store->log_end());
    EXPECT_TRUE(get(future));
    EXPECT_EQ(read_whole_log(*master_store), read_whole_log(*slave_store));
  }
  EXPECT_EQ(queue_bodies(*slave_store, "TopicA", 0),
            (std::vector<std::string>{"round-0", "round-1"}));
}

}  // namespace
}  // namespace mq::replication
