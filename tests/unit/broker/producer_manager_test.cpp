#include "broker/producer_manager.h"

#include "broker_test_helpers.h"

#include <gtest/gtest.h>

#include <thread>

namespace mq::core {
namespace {

using mq::core::test::channel;

ClientChannelInfo client(std::uint64_t channel_id, std::string client_id, std::int64_t now_ms) {
  ClientChannelInfo info;
  info.channel = channel(channel_id);
  info.client_id = std::move(client_id);
  info.last_update_ms = now_ms;
  return info;
}

std::vector<std::string> ids(const std::vector<ClientChannelInfo>& connections) {
  std::vector<std::string> out;
  for (const auto& info : connections) out.push_back(info.client_id);
  return out;
}

TEST(ProducerManager, RegisterRefreshAndUnregister) {
  ProducerManager manager;
  manager.register_producer("PG", client(1, "a", 1000));
  manager.register_producer("PG", client(2, "b", 1000));
  manager.register_producer("PG", client(1, "a2", 2000));  // same channel: replaced
  manager.register_producer("CLIENT_INNER_PRODUCER", client(1, "a2", 2000));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"CLIENT_INNER_PRODUCER", "PG"}));
  auto connections = manager.connections("PG");
  EXPECT_EQ(ids(connections), (std::vector<std::string>{"a2", "b"}));
  EXPECT_EQ(connections[0].last_update_ms, 2000);
  EXPECT_TRUE(manager.connections("unknown").empty());

  manager.unregister_producer("PG", channel(2));
  manager.unregister_producer("PG", channel(2));       // absent: nothing happens
  manager.unregister_producer("unknown", channel(1));  // unknown group: nothing happens
  EXPECT_EQ(ids(manager.connections("PG")), (std::vector<std::string>{"a2"}));
  manager.unregister_producer("PG", channel(1));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"CLIENT_INNER_PRODUCER"}));
}

TEST(ProducerManager, ChannelCloseLeavesEveryGroup) {
  ProducerManager manager;
  manager.register_producer("A", client(1, "x", 1));
  manager.register_producer("B", client(1, "x", 1));
  manager.register_producer("B", client(2, "y", 1));
  manager.on_channel_closed(channel(1));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"B"}));
  EXPECT_EQ(ids(manager.connections("B")), (std::vector<std::string>{"y"}));
  manager.on_channel_closed(channel(2));
  EXPECT_TRUE(manager.groups().empty());
}

TEST(ProducerManager, ScanRemovesOnlyExpiredRegistrations) {
  ProducerManager manager;
  manager.register_producer("A", client(1, "x", 1000));
  manager.register_producer("A", client(2, "y", 5000));
  manager.register_producer("B", client(3, "z", 1000));
  EXPECT_TRUE(manager.scan_not_active(121000).empty());
  auto expired = manager.scan_not_active(121001);
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0], (std::pair<std::string, Channel>{"A", channel(1)}));
  EXPECT_EQ(expired[1], (std::pair<std::string, Channel>{"B", channel(3)}));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"A"}));
  expired = manager.scan_not_active(10000, 1000);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].second, channel(2));
  EXPECT_TRUE(manager.groups().empty());
}

TEST(ProducerManager, LatestChannelIsTheFreshestHeartbeat) {
  ProducerManager manager;
  EXPECT_FALSE(manager.latest_channel("PG").has_value());
  manager.register_producer("PG", client(1, "a", 1000));
  manager.register_producer("PG", client(2, "b", 3000));
  manager.register_producer("PG", client(3, "c", 2000));
  EXPECT_EQ(manager.latest_channel("PG"), channel(2));
  manager.register_producer("PG", client(3, "c", 4000));
  EXPECT_EQ(manager.latest_channel("PG"), channel(3));
}

TEST(ProducerManager, ConcurrentUseFromSeveralThreads) {
  ProducerManager manager;
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const auto id = static_cast<std::uint64_t>(t * 1000 + i % 10);
        manager.register_producer("shared", client(id, "c", i));
        manager.register_producer("own" + std::to_string(t), client(id, "c", i));
        (void)manager.connections("shared");
        (void)manager.latest_channel("shared");
        if (i % 3 == 0) manager.unregister_producer("shared", channel(id));
        if (i % 7 == 0) manager.on_channel_closed(channel(id));
        if (i % 50 == 0) (void)manager.scan_not_active(i, 100);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& group : manager.groups()) {
    EXPECT_FALSE(manager.connections(group).empty()) << group;
  }
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < 10; ++i) manager.on_channel_closed(channel(t * 1000 + i));
  }
  EXPECT_TRUE(manager.groups().empty());
}

}  // namespace
}  // namespace mq::core
