// replication-async as the core sees it: the built .so opened with dlopen, a master and a
// slave policy each over its own store-mmap store (also a built .so) in a fresh temp dir,
// talking over 127.0.0.1.
#include "replication_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace mq::replication {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test helpers only

constexpr const char* kPlugin = MQ_REPLICATION_ASYNC_PLUGIN_PATH;

// True once the slave's log is as long as the master's.
bool caught_up(sdk::MessageStore& master, sdk::MessageStore& slave) {
  return slave.log_end() == master.log_end();
}

void expect_same_data(sdk::MessageStore& master, sdk::MessageStore& slave) {
  EXPECT_EQ(read_whole_log(master), read_whole_log(slave));
  for (const char* topic : {"TopicA", "TopicB"}) {
    for (int queue = 0; queue < 3; ++queue) {
      EXPECT_EQ(queue_bodies(master, topic, queue), queue_bodies(slave, topic, queue))
          << topic << "/" << queue;
    }
  }
}

sdk::ReplicationOptions slave_options(int master_port) {
  auto options = fast_options(sdk::BrokerRole::kSlave, 0);
  options.ha_master_address = loopback(master_port);
  return options;
}

TEST(ReplicationAsync, DescriptorDescribesAReplicationPlugin) {
  const auto* d = load_descriptor(kPlugin);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->seam, sdk::Seam::kReplication);
  EXPECT_STREQ(d->name, "replication-async");
  EXPECT_EQ(d->abi_major, sdk::kAbiMajor);
  EXPECT_STREQ(d->build_fingerprint, MQ_SDK_BUILD_FINGERPRINT);
  EXPECT_EQ(d->config_keys[0].name, nullptr);
  FakeHost host("async");
  sdk::PluginConfig no_options;
  sdk::PluginInstance* instance = nullptr;
  EXPECT_EQ(d->create(host, no_options, &instance).code(), sdk::StatusCode::kInvalidArgument);
  sdk::ReplicationOptions bad = fast_options(sdk::BrokerRole::kAsyncMaster, 0);
  sdk::PluginConfig bad_port;
  bad_port.replication = &bad;
  auto status = d->create(host, bad_port, &instance);
  EXPECT_EQ(status.code(), sdk::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("haListenPort"), std::string::npos) << status.message();
}

TEST(ReplicationAsync, AwaitCompletesAtOnceWithoutSlave) {
  TempDir dir;
  TestStore store(dir);
  TestPolicy policy(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, free_port()));
  policy.start(*store);
  auto appended = append(*store, "TopicA", 0, "hello");
  ASSERT_TRUE(appended.status);
  bool completed = false;
  sdk::Status result(sdk::StatusCode::kInternal, "not called");
  policy->await_replicated(store->log_end(), [&](const sdk::Status& status) {
    completed = true;
    result = status;
  });
  EXPECT_TRUE(completed) << "ASYNC_MASTER completes before await_replicated returns";
  EXPECT_TRUE(result) << result.to_string();
  EXPECT_FALSE(policy->state().slave_attached);
  EXPECT_EQ(policy->state().master_end, store->log_end());
  policy->stop();
  policy->await_replicated(store->log_end(), [&](const sdk::Status& status) { result = status; });
  EXPECT_EQ(result.code(), sdk::StatusCode::kUnavailable);
}

TEST(ReplicationAsync, SlaveLogIsByteIdenticalAndDispatched) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir, "master-store");
  TestStore slave_store(slave_dir, "slave-store");
  const int port = free_port();
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master");
  master.start(*master_store);
  TestPolicy slave(kPlugin, slave_options(port), "slave");
  slave.start(*slave_store);

  // Enough records to fill several 4 KiB segments (and so ship their end fillers).
  for (int i = 0; i < 120; ++i) {
    append_many(*master_store, 1, "m" + std::to_string(i));
    std::atomic<bool> ok{false};
    master->await_replicated(master_store->log_end(),
                             [&ok](const sdk::Status& s) { ok = s.is_ok(); });
    EXPECT_TRUE(ok.load());
  }
  ASSERT_GT(master_store->log_end().value(), 4 * 4096);
  ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }))
      << "slave " << slave_store->log_end().value() << " master "
      << master_store->log_end().value();
  expect_same_data(*master_store, *slave_store);

  ASSERT_TRUE(wait_until([&] { return master->state().slave_acked == master_store->log_end(); }));
  const auto on_master = master->state();
  EXPECT_TRUE(on_master.slave_attached);
  EXPECT_EQ(on_master.master_end, master_store->log_end());
  EXPECT_EQ(on_master.peer_address.rfind("127.0.0.1:", 0), 0u) << on_master.peer_address;
  ASSERT_TRUE(wait_until([&] { return slave->state().master_end == master_store->log_end(); }));
  const auto on_slave = slave->state();
  EXPECT_TRUE(on_slave.slave_attached);
  EXPECT_EQ(on_slave.slave_acked, slave_store->log_end());
  EXPECT_EQ(on_slave.peer_address, loopback(port));
}

TEST(ReplicationAsync, SlaveLearnsTheMasterAddressLater) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir);
  TestStore slave_store(slave_dir);
  const int port = free_port();
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master");
  master.start(*master_store);
  append_many(*master_store, 10, "a");
  TestPolicy slave(kPlugin, fast_options(sdk::BrokerRole::kSlave, 0), "slave");
  slave.start(*slave_store);
  EXPECT_FALSE(slave->state().slave_attached);
  EXPECT_EQ(slave_store->log_end().value(), 0);
  slave->set_master_address(loopback(port));
  ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }));
  expect_same_data(*master_store, *slave_store);
  // A SLAVE takes no appends, so it acknowledges none.
  sdk::Status result;
  slave->await_replicated(slave_store->log_end(), [&](const sdk::Status& s) { result = s; });
  EXPECT_EQ(result.code(), sdk::StatusCode::kUnavailable);
}

TEST(ReplicationAsync, SlaveRestartResumesFromItsLogEnd) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir);
  const int port = free_port();
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master");
  master.start(*master_store);
  append_many(*master_store, 40, "first");
  std::int64_t first_end = 0;
  {
    TestStore slave_store(slave_dir, "slave-store-1");
    TestPolicy slave(kPlugin, slave_options(port), "slave-1");
    slave.start(*slave_store);
    ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }));
    first_end = slave_store->log_end().value();
    slave.close();
    slave_store.close();
  }
  append_many(*master_store, 40, "second");
  TestStore slave_store(slave_dir, "slave-store-2");
  EXPECT_EQ(slave_store->log_end().value(), first_end) << "the restarted store recovers its log";
  TestPolicy slave(kPlugin, slave_options(port), "slave-2");
  slave.start(*slave_store);
  ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }));
  // The second connection started at the slave's log end, and nothing is doubled or missing.
  EXPECT_GE(master.log().count("reports its log end " + std::to_string(first_end)), 1);
  expect_same_data(*master_store, *slave_store);
  EXPECT_EQ(queue_bodies(*slave_store, "TopicA", 0).size() +
                queue_bodies(*slave_store, "TopicA", 1).size() +
                queue_bodies(*slave_store, "TopicA", 2).size() +
                queue_bodies(*slave_store, "TopicB", 0).size() +
                queue_bodies(*slave_store, "TopicB", 1).size() +
                queue_bodies(*slave_store, "TopicB", 2).size(),
            80u);
}

TEST(ReplicationAsync, MasterRestartAndTheSlaveReconnects) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore slave_store(slave_dir, "slave-store");
  const int port = free_port();
  TestPolicy slave(kPlugin, slave_options(port), "slave");
  {
    TestStore master_store(master_dir, "master-store-1");
    TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master-1");
    master.start(*master_store);
    slave.start(*slave_store);
    append_many(*master_store, 30, "before");
    ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }));
    master.close();
    master_store.close();
  }
  ASSERT_TRUE(wait_until([&] { return !slave->state().slave_attached; }));
  TestStore master_store(master_dir, "master-store-2");
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master-2");
  master.start(*master_store);
  append_many(*master_store, 30, "after");
  ASSERT_TRUE(wait_until([&] { return caught_up(*master_store, *slave_store); }))
      << "slave " << slave_store->log_end().value() << " master "
      << master_store->log_end().value();
  expect_same_data(*master_store, *slave_store);
  EXPECT_TRUE(slave->state().slave_attached);
  EXPECT_EQ(slave.log().count("replication halted"), 0);
}

// A slave that holds records its master never had must not follow that master.
TEST(ReplicationAsync, SlaveLongerThanTheMasterIsRefused) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir, "master-store");
  TestStore slave_store(slave_dir, "slave-store");
  append_many(*master_store, 3, "master");
  append_many(*slave_store, 6, "elsewhere");
  const auto slave_log = read_whole_log(*slave_store);
  const int port = free_port();
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master");
  master.start(*master_store);
  TestPolicy slave(kPlugin, slave_options(port), "slave");
  slave.start(*slave_store);
  ASSERT_TRUE(wait_until([&] { return slave.log().count("replication halted") >= 1; }));
  EXPECT_EQ(slave.log().count("longer than the master's"), 1);
  // It stays halted (no reconnect loop, one error) while the master grows.
  append_many(*master_store, 10, "more");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(slave.log().count("replication halted"), 1);
  EXPECT_EQ(read_whole_log(*slave_store), slave_log);
  EXPECT_FALSE(slave->state().slave_attached);
  EXPECT_FALSE(master->state().slave_attached);
}

// A slave whose log end falls inside one of the master's records: the logs differ.
TEST(ReplicationAsync, SlaveWhoseLogDoesNotLineUpIsRefused) {
  TempDir master_dir;
  TempDir slave_dir;
  TestStore master_store(master_dir, "master-store");
  TestStore slave_store(slave_dir, "slave-store");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(append(*master_store, "TopicA", 0, std::string(300, 'm')).status);
  }
  ASSERT_TRUE(append(*slave_store, "TopicA", 0, std::string(20, 's')).status);
  const auto slave_log = read_whole_log(*slave_store);
  ASSERT_LT(slave_store->log_end(), master_store->log_end());
  const int port = free_port();
  TestPolicy master(kPlugin, fast_options(sdk::BrokerRole::kAsyncMaster, port), "master");
  master.start(*master_store);
  TestPolicy slave(kPlugin, slave_options(port), "slave");
  slave.start(*slave_store);
  ASSERT_TRUE(wait_until([&] { return slave.log().count("replication halted") >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(slave.log().count("replication halted"), 1);
  EXPECT_EQ(read_whole_log(*slave_store), slave_log) << "nothing of the master's was applied";
  EXPECT_EQ(queue_bodies(*slave_store, "TopicA", 0),
            std::vector<std::string>{std::string(20, 's')});
}

// A record that fails its checks on the way (here: the frame's bytes are not a record at the
// slave's offset) is never applied; the slave halts instead of corrupting its log.
TEST(ReplicationAsync, GarbageFromTheMasterHaltsTheSlave) {
  const int port = free_port();
  // A fake master: accepts one slave, reads its report, sends 64 bytes of garbage at that offset.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);

  TempDir slave_dir;
  TestStore slave_store(slave_dir, "slave-store");
  TestPolicy slave(kPlugin, slave_options(port), "slave");
  slave.start(*slave_store);
  const int connection = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(connection, 0);
  std::uint8_t report[8];
  ASSERT_EQ(::recv(connection, report, 8, MSG_WAITALL), 8);
  EXPECT_EQ(sdk::record::get_i64(report), 0);
  std::vector<std::uint8_t> frame(20 + 64, 0x5A);
  sdk::record::put_u64(frame.data(), 0);
  sdk::record::put_u32(frame.data() + 8, 64);
  sdk::record::put_u64(frame.data() + 12, 64);
  ASSERT_EQ(::send(connection, frame.data(), frame.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(frame.size()));
  EXPECT_TRUE(wait_until([&] { return slave.log().count("replication halted") == 1; }));
  EXPECT_EQ(slave_store->log_end().value(), 0);
  ::close(connection);
  ::close(listener);
}

}  // namespace
}  // namespace mq::replication
