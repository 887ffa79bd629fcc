#include "broker/consumer_manager.h"

#include "broker_test_helpers.h"

#include <gtest/gtest.h>

#include <thread>

namespace mq::core {
namespace {

using mq::core::test::channel;

ClientChannelInfo client(std::uint64_t channel_id, std::string client_id) {
  ClientChannelInfo info;
  info.channel = channel(channel_id);
  info.client_id = std::move(client_id);
  info.language = LanguageCode::kJava;
  info.version = 407;
  return info;
}

SubscriptionData subscription(std::string topic, std::string expression, std::int64_t version) {
  SubscriptionData out;
  out.topic = std::move(topic);
  out.sub_string = std::move(expression);
  if (out.sub_string != "*") out.tags_set.push_back(out.sub_string);
  out.sub_version = version;
  return out;
}

// Registers a push consumer in clustering mode.
bool heartbeat(ConsumerManager& manager, const std::string& group, const ClientChannelInfo& info,
               const std::vector<SubscriptionData>& subscriptions, std::int64_t now_ms) {
  return manager.register_consumer(group, info, ConsumeType::kConsumePassively,
                                   MessageModel::kClustering,
                                   ConsumeFromWhere::kConsumeFromLastOffset, subscriptions, now_ms);
}

TEST(ConsumerManager, MembershipChangesAreReported) {
  ConsumerManager manager;
  const auto subs = std::vector{subscription("T", "*", 100)};
  EXPECT_TRUE(heartbeat(manager, "CG", client(1, "10.0.0.1@1"), subs, 1000));   // new group
  EXPECT_FALSE(heartbeat(manager, "CG", client(1, "10.0.0.1@1"), subs, 2000));  // refresh
  EXPECT_TRUE(heartbeat(manager, "CG", client(2, "10.0.0.2@1"), subs, 2000));   // new member
  EXPECT_EQ(manager.consumer_ids("CG"), (std::vector<std::string>{"10.0.0.1@1", "10.0.0.2@1"}));
  EXPECT_EQ(manager.channels("CG"), (std::vector<Channel>{channel(1), channel(2)}));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"CG"}));

  // Same channel, another client id: the ids a rebalance sees changed.
  EXPECT_TRUE(heartbeat(manager, "CG", client(2, "10.0.0.2@2"), subs, 3000));
  EXPECT_EQ(manager.consumer_ids("CG"), (std::vector<std::string>{"10.0.0.1@1", "10.0.0.2@2"}));

  // A channel may be in several groups.
  EXPECT_TRUE(heartbeat(manager, "CG2", client(1, "10.0.0.1@1"), subs, 3000));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"CG", "CG2"}));
  EXPECT_TRUE(manager.consumer_ids("unknown").empty());
  EXPECT_TRUE(manager.channels("unknown").empty());
}

TEST(ConsumerManager, RegistrationKeepsTheLatestClientFieldsAndHeartbeatTime) {
  ConsumerManager manager;
  ClientChannelInfo info = client(1, "c1");
  info.last_update_ms = 5;  // ignored: the heartbeat time is now_ms
  EXPECT_TRUE(heartbeat(manager, "CG", info, {}, 1000));
  info.language = LanguageCode::kCpp;
  info.version = 121;
  info.channel.peer = "10.0.0.9:1234";
  EXPECT_FALSE(manager.register_consumer("CG", info, ConsumeType::kConsumeActively,
                                         MessageModel::kBroadcasting,
                                         ConsumeFromWhere::kConsumeFromFirstOffset, {}, 2000));
  auto connections = manager.connections("CG");
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].language, LanguageCode::kCpp);
  EXPECT_EQ(connections[0].version, 121);
  EXPECT_EQ(connections[0].last_update_ms, 2000);
  EXPECT_EQ(connections[0].channel.peer, "10.0.0.9:1234");
  EXPECT_EQ(manager.channels("CG").at(0).peer, "10.0.0.9:1234");
  EXPECT_EQ(manager.message_model("CG"), MessageModel::kBroadcasting);
  EXPECT_EQ(manager.consume_type("CG"), ConsumeType::kConsumeActively);
  EXPECT_EQ(manager.consume_from_where("CG"), ConsumeFromWhere::kConsumeFromFirstOffset);
  EXPECT_FALSE(manager.message_model("other").has_value());
  EXPECT_FALSE(manager.consume_type("other").has_value());
  EXPECT_FALSE(manager.consume_from_where("other").has_value());

  auto found = manager.find_client("CG", "c1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->channel, channel(1));
  EXPECT_FALSE(manager.find_client("CG", "c2").has_value());
  EXPECT_FALSE(manager.find_client("other", "c1").has_value());

  auto snapshot = manager.snapshot("CG");
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(snapshot->group, "CG");
  EXPECT_EQ(snapshot->message_model, MessageModel::kBroadcasting);
  EXPECT_EQ(snapshot->last_update_ms, 2000);
  EXPECT_EQ(snapshot->connections.size(), 1u);
  EXPECT_FALSE(manager.snapshot("other").has_value());
}

TEST(ConsumerManager, SubscriptionsFollowTheSubVersionRules) {
  ConsumerManager manager;
  const ClientChannelInfo a = client(1, "a");
  ASSERT_TRUE(heartbeat(manager, "CG", a, {subscription("T", "TagA", 100)}, 1000));
  EXPECT_EQ(manager.find_subscription("CG", "T")->sub_version, 100);

  // An older or equal subVersion never replaces, whatever it says.
  EXPECT_FALSE(heartbeat(manager, "CG", a, {subscription("T", "TagB", 99)}, 1000));
  EXPECT_FALSE(heartbeat(manager, "CG", a, {subscription("T", "TagB", 100)}, 1000));
  EXPECT_EQ(manager.find_subscription("CG", "T")->sub_string, "TagA");
  EXPECT_EQ(manager.find_subscription("CG", "T")->sub_version, 100);

  // A newer subVersion with the same filter replaces silently (Java bumps it on rebalance).
  EXPECT_FALSE(heartbeat(manager, "CG", a, {subscription("T", "TagA", 150)}, 1000));
  EXPECT_EQ(manager.find_subscription("CG", "T")->sub_version, 150);

  // A newer subVersion with another filter replaces and is a change.
  EXPECT_TRUE(heartbeat(manager, "CG", a, {subscription("T", "TagB", 200)}, 1000));
  auto stored = manager.find_subscription("CG", "T");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->sub_string, "TagB");
  EXPECT_EQ(stored->tags_set, (std::vector<std::string>{"TagB"}));
  EXPECT_EQ(stored->sub_version, 200);

  // Another member with an older subscription does not flip it back.
  EXPECT_TRUE(heartbeat(manager, "CG", client(2, "b"), {subscription("T", "TagA", 150)}, 1000));
  EXPECT_EQ(manager.find_subscription("CG", "T")->sub_string, "TagB");

  // Any other filter field counts as a change too.
  auto sql = subscription("T", "TagB", 300);
  sql.expression_type = "SQL92";
  EXPECT_TRUE(heartbeat(manager, "CG", a, {sql}, 1000));
  auto codes = sql;
  codes.sub_version = 400;
  codes.code_set = {2598919};
  EXPECT_TRUE(heartbeat(manager, "CG", a, {codes}, 1000));
  auto class_filter = codes;
  class_filter.sub_version = 500;
  class_filter.class_filter_mode = true;
  EXPECT_TRUE(heartbeat(manager, "CG", a, {class_filter}, 1000));
  EXPECT_EQ(manager.find_subscription("CG", "T"), class_filter);
}

TEST(ConsumerManager, TopicsAreAddedAndRemovedWithTheHeartbeat) {
  ConsumerManager manager;
  const ClientChannelInfo a = client(1, "a");
  ASSERT_TRUE(heartbeat(manager, "CG", a, {subscription("T1", "*", 1)}, 1000));
  EXPECT_TRUE(heartbeat(manager, "CG", a,
                        {subscription("T1", "*", 1), subscription("%RETRY%CG", "*", 1)}, 1000));
  EXPECT_TRUE(manager.find_subscription("CG", "%RETRY%CG").has_value());
  EXPECT_EQ(manager.groups_subscribing("T1"), (std::vector<std::string>{"CG"}));
  EXPECT_TRUE(heartbeat(manager, "CG", a, {subscription("%RETRY%CG", "*", 1)}, 1000));
  EXPECT_FALSE(manager.find_subscription("CG", "T1").has_value());
  EXPECT_TRUE(manager.groups_subscribing("T1").empty());
  EXPECT_FALSE(manager.find_subscription("unknown", "T1").has_value());

  ASSERT_TRUE(heartbeat(manager, "B", client(2, "b"), {subscription("%RETRY%CG", "*", 1)}, 1));
  ASSERT_TRUE(heartbeat(manager, "A", client(3, "c"), {subscription("%RETRY%CG", "*", 1)}, 1));
  EXPECT_EQ(manager.groups_subscribing("%RETRY%CG"), (std::vector<std::string>{"A", "B", "CG"}));

  auto snapshot = manager.snapshot("CG");
  ASSERT_TRUE(snapshot.has_value());
  ASSERT_EQ(snapshot->subscriptions.size(), 1u);
  EXPECT_EQ(snapshot->subscriptions[0].topic, "%RETRY%CG");
}

TEST(ConsumerManager, UnregisterRemovesTheMemberAndTheEmptyGroup) {
  ConsumerManager manager;
  ASSERT_TRUE(heartbeat(manager, "CG", client(1, "a"), {subscription("T", "*", 1)}, 1000));
  ASSERT_TRUE(heartbeat(manager, "CG", client(2, "b"), {subscription("T", "*", 1)}, 1000));
  EXPECT_TRUE(manager.unregister_consumer("CG", channel(1)));
  EXPECT_FALSE(manager.unregister_consumer("CG", channel(1)));
  EXPECT_FALSE(manager.unregister_consumer("other", channel(2)));
  EXPECT_EQ(manager.consumer_ids("CG"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(manager.unregister_consumer("CG", channel(2)));
  EXPECT_TRUE(manager.groups().empty());
  // With the group gone, its subscriptions are gone too.
  EXPECT_FALSE(manager.find_subscription("CG", "T").has_value());
  EXPECT_FALSE(manager.message_model("CG").has_value());
  // Coming back is a change again.
  EXPECT_TRUE(heartbeat(manager, "CG", client(2, "b"), {subscription("T", "*", 1)}, 1000));
}

TEST(ConsumerManager, ChannelCloseLeavesEveryGroup) {
  ConsumerManager manager;
  ASSERT_TRUE(heartbeat(manager, "A", client(1, "x"), {}, 1000));
  ASSERT_TRUE(heartbeat(manager, "B", client(1, "x"), {}, 1000));
  ASSERT_TRUE(heartbeat(manager, "B", client(2, "y"), {}, 1000));
  ASSERT_TRUE(heartbeat(manager, "C", client(2, "y"), {}, 1000));
  EXPECT_EQ(manager.on_channel_closed(channel(1)), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"B", "C"}));
  EXPECT_EQ(manager.consumer_ids("B"), (std::vector<std::string>{"y"}));
  EXPECT_TRUE(manager.on_channel_closed(channel(1)).empty());
  // Only transport and id identify a channel; the peer text does not matter.
  Channel same = channel(2);
  same.peer = "elsewhere";
  EXPECT_EQ(manager.on_channel_closed(same), (std::vector<std::string>{"B", "C"}));
  EXPECT_TRUE(manager.groups().empty());
}

TEST(ConsumerManager, ScanRemovesOnlyExpiredRegistrations) {
  ConsumerManager manager;
  ASSERT_TRUE(heartbeat(manager, "A", client(1, "x"), {}, 1000));
  ASSERT_TRUE(heartbeat(manager, "A", client(2, "y"), {}, 5000));
  ASSERT_TRUE(heartbeat(manager, "B", client(1, "x"), {}, 1000));
  EXPECT_TRUE(manager.scan_not_active(121000).empty());  // exactly 120 s: still alive
  auto expired = manager.scan_not_active(121001);
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0].first, "A");
  EXPECT_EQ(expired[0].second, channel(1));
  EXPECT_EQ(expired[1].first, "B");
  EXPECT_EQ(expired[1].second, channel(1));
  EXPECT_EQ(manager.groups(), (std::vector<std::string>{"A"}));
  EXPECT_EQ(manager.consumer_ids("A"), (std::vector<std::string>{"y"}));

  // A heartbeat keeps a registration alive; a custom expiry is honoured.
  EXPECT_FALSE(heartbeat(manager, "A", client(2, "y"), {}, 200000));
  EXPECT_TRUE(manager.scan_not_active(300000).empty());
  expired = manager.scan_not_active(300000, 50000);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].second, channel(2));
  EXPECT_TRUE(manager.groups().empty());
}

TEST(ConsumerManager, ConcurrentUseFromSeveralThreads) {
  ConsumerManager manager;
  constexpr int kThreads = 4;
  constexpr int kRounds = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const auto id = static_cast<std::uint64_t>(t * 1000 + i % 10);
        const ClientChannelInfo info = client(id, "c" + std::to_string(id));
        heartbeat(manager, "shared", info, {subscription("T", "*", i)}, i);
        heartbeat(manager, "own" + std::to_string(t), info, {subscription("T", "*", i)}, i);
        (void)manager.consumer_ids("shared");
        (void)manager.find_subscription("shared", "T");
        (void)manager.groups_subscribing("T");
        if (i % 3 == 0) manager.unregister_consumer("shared", info.channel);
        if (i % 7 == 0) (void)manager.on_channel_closed(info.channel);
        if (i % 50 == 0) (void)manager.scan_not_active(i, 100);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // Whatever is left is consistent: every group has members and a subscription to T.
  for (const std::string& group : manager.groups()) {
    EXPECT_FALSE(manager.channels(group).empty()) << group;
    EXPECT_TRUE(manager.find_subscription(group, "T").has_value()) << group;
  }
  // Close every channel: nothing is left.
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < 10; ++i) (void)manager.on_channel_closed(channel(t * 1000 + i));
  }
  EXPECT_TRUE(manager.groups().empty());
}

}  // namespace
}  // namespace mq::core
