// PushConsumer and PullConsumer against a FakeBroker registered with a real mqnamesrv.
#include "client_test_support.h"
#include "mq/client/producer.h"
#include "mq/client/pull_consumer.h"
#include "mq/client/push_consumer.h"

#include "mq/sdk/stored_record.h"

#include "remoting/heartbeat_data.h"
#include "remoting/request_code.h"

#include <mutex>
#include <set>

namespace mq::client {
namespace {

using test::ClientWorld;
using test::eventually;
namespace rq = core::request_code;

// Collects what a listener sees; thread-safe.
class Inbox {
 public:
  MessageListener listener(ConsumeResult result = ConsumeResult::kConsumeSuccess) {
    return [this, result](const std::vector<MessageExt>& batch) {
      std::lock_guard lock(mu_);
      for (const auto& m : batch) messages_.push_back(m);
      return result;
    };
  }
  std::vector<MessageExt> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  std::mutex mu_;
  std::vector<MessageExt> messages_;
};

class ConsumerTest : public ClientWorld {
 protected:
  PushConsumerOptions push_options(const std::string& group, const std::string& instance = "") {
    return {.namesrv_addr = namesrv(),
            .group = group,
            .instance_name = instance,
            .consume_from = ConsumeFromWhere::kFirstOffset,
            .rebalance_interval_ms = 300,
            .heartbeat_interval_ms = 1000,
            .persist_offset_interval_ms = 200};
  }
  void produce(int count, const std::string& tags = "", const std::string& prefix = "m") {
    Producer producer({.namesrv_addr = namesrv(), .group = "PG"});
    ASSERT_TRUE(producer.start());
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(
          producer.send({.topic = "TopicTest", .tags = tags, .body = prefix + std::to_string(i)})
              .ok());
    }
  }
};

TEST_F(ConsumerTest, RoundTripIsByteForByteAndOffsetsAreCommitted) {
  std::vector<std::string> bodies;
  for (int i = 0; i < 20; ++i) {
    std::string body(static_cast<std::size_t>(1 + i * 500), '\0');
    for (std::size_t j = 0; j < body.size(); ++j) body[j] = static_cast<char>((i * 31 + j) & 0xFF);
    bodies.push_back(body);
  }
  {
    Producer producer({.namesrv_addr = namesrv(), .group = "PG"});
    ASSERT_TRUE(producer.start());
    for (const auto& body : bodies) {
      ASSERT_TRUE(producer.send({.topic = "TopicTest", .tags = "T", .body = body}).ok());
    }
  }
  Inbox inbox;
  {
    PushConsumer consumer(push_options("CG"));
    consumer.subscribe("TopicTest", "*");
    consumer.register_listener(inbox.listener());
    ASSERT_TRUE(consumer.start());
    ASSERT_TRUE(eventually([&] { return inbox.size() >= bodies.size(); }));
    // 4 + the retry queue, which the rebalance may add after the messages arrived.
    EXPECT_TRUE(eventually([&] { return consumer.assigned_queues().size() == 5u; }))
        << consumer.assigned_queues().size() << " queues";
  }
  std::multiset<std::string> got, want(bodies.begin(), bodies.end());
  for (const auto& m : inbox.messages()) {
    got.insert(m.body);
    EXPECT_EQ(m.topic, "TopicTest");
    EXPECT_EQ(m.tags, "T");
    EXPECT_EQ(m.broker_name, "broker-a");
  }
  EXPECT_EQ(got, want);
  std::int64_t committed = 0;
  for (int q = 0; q < 4; ++q) committed += broker_->committed_offset("CG", "TopicTest", q);
  EXPECT_EQ(committed, 20);
  EXPECT_GE(broker_->request_count(rq::kUnregisterClient), 1);
}

TEST_F(ConsumerTest, TagsAreFilteredOnBothSides) {
  produce(3, "TagA", "a");
  produce(3, "TagB", "b");
  produce(3, "TagC", "c");
  Inbox inbox;
  PushConsumer consumer(push_options("CG"));
  consumer.subscribe("TopicTest", "TagA || TagC");
  consumer.register_listener(inbox.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return inbox.size() >= 6; }));
  // Committed offsets move past the filtered messages too.
  EXPECT_TRUE(eventually([&] {
    std::int64_t sum = 0;
    for (int q = 0; q < 4; ++q) sum += broker_->committed_offset("CG", "TopicTest", q);
    return sum == 9;
  }));
  for (const auto& m : inbox.messages()) EXPECT_NE(m.tags, "TagB");
  EXPECT_EQ(inbox.size(), 6u);
}

TEST_F(ConsumerTest, ResumesFromCommittedOffsetAfterRestart) {
  produce(6, "", "first");
  Inbox first;
  {
    PushConsumer consumer(push_options("CG"));
    consumer.subscribe("TopicTest");
    consumer.register_listener(first.listener());
    ASSERT_TRUE(consumer.start());
    ASSERT_TRUE(eventually([&] { return first.size() >= 6; }));
  }
  produce(4, "", "second");
  Inbox second;
  auto options = push_options("CG");
  options.consume_from = ConsumeFromWhere::kFirstOffset;  // ignored: offsets are stored
  PushConsumer consumer(options);
  consumer.subscribe("TopicTest");
  consumer.register_listener(second.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return second.size() >= 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& m : second.messages()) EXPECT_EQ(m.body.rfind("second", 0), 0u) << m.body;
  EXPECT_EQ(second.size(), 4u);
}

TEST_F(ConsumerTest, LastOffsetSkipsWhatCameBefore) {
  produce(5, "", "old");
  Inbox inbox;
  auto options = push_options("CG");
  options.consume_from = ConsumeFromWhere::kLastOffset;
  PushConsumer consumer(options);
  consumer.subscribe("TopicTest");
  consumer.register_listener(inbox.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return consumer.assigned_queues().size() >= 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  produce(2, "", "new");
  ASSERT_TRUE(eventually([&] { return inbox.size() >= 2; }));
  for (const auto& m : inbox.messages()) EXPECT_EQ(m.body.rfind("new", 0), 0u) << m.body;
}

TEST_F(ConsumerTest, TwoGroupsEachGetEveryMessage) {
  Inbox one, two;
  PushConsumer a(push_options("G1"));
  a.subscribe("TopicTest");
  a.register_listener(one.listener());
  PushConsumer b(push_options("G2"));
  b.subscribe("TopicTest");
  b.register_listener(two.listener());
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  produce(10);
  ASSERT_TRUE(eventually([&] { return one.size() >= 10 && two.size() >= 10; }));
}

TEST_F(ConsumerTest, TwoMembersOfAGroupSplitTheQueues) {
  Inbox one, two;
  PushConsumer a(push_options("CG", "one"));
  a.subscribe("TopicTest");
  a.register_listener(one.listener());
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(eventually([&] { return a.assigned_queues().size() == 5; }));
  PushConsumer b(push_options("CG", "two"));
  b.subscribe("TopicTest");
  b.register_listener(two.listener());
  ASSERT_TRUE(b.start());
  ASSERT_TRUE(eventually([&] {
    return a.assigned_queues().size() + b.assigned_queues().size() == 5 &&
           !b.assigned_queues().empty() && a.assigned_queues().size() >= 2;
  }));
  EXPECT_GE(broker_->consumer_ids("CG").size(), 2u);
  produce(20);
  ASSERT_TRUE(eventually([&] { return one.size() + two.size() >= 20; }));
  EXPECT_GT(one.size(), 0u);
  EXPECT_GT(two.size(), 0u);
}

TEST_F(ConsumerTest, FailedMessagesComeBackThroughTheRetryTopic) {
  std::mutex mu;
  std::vector<MessageExt> seen;
  PushConsumer consumer(push_options("CG"));
  consumer.subscribe("TopicTest");
  consumer.register_listener([&](const std::vector<MessageExt>& batch) {
    std::lock_guard lock(mu);
    for (const auto& m : batch) seen.push_back(m);
    return batch.front().reconsume_times == 0 ? ConsumeResult::kReconsumeLater
                                              : ConsumeResult::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.start());
  produce(1, "TagA", "retry-me");
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return seen.size() >= 2;
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen[0].reconsume_times, 0);
  EXPECT_EQ(seen[1].reconsume_times, 1);
  EXPECT_EQ(seen[1].topic, "TopicTest");  // restored from RETRY_TOPIC
  EXPECT_EQ(seen[1].body, "retry-me0");
  auto back = broker_->requests(rq::kConsumerSendMsgBack);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].get("group").value_or(""), "CG");
  EXPECT_EQ(back[0].get_int("offset").value_or(-1), seen[0].commit_log_offset);
  EXPECT_EQ(back[0].get("delayLevel").value_or(""), "0");
}

TEST_F(ConsumerTest, WhenSendBackFailsTheMessageIsResentToTheRetryTopic) {
  broker_->fail_send_back(true);
  std::atomic<int> calls{0};
  Inbox inbox;
  PushConsumer consumer(push_options("CG"));
  consumer.subscribe("TopicTest");
  consumer.register_listener([&](const std::vector<MessageExt>& batch) {
    ++calls;
    static_cast<void>(inbox.listener()(batch));
    return batch.front().reconsume_times == 0 ? ConsumeResult::kReconsumeLater
                                              : ConsumeResult::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.start());
  produce(1);
  ASSERT_TRUE(eventually([&] { return inbox.size() >= 2; }));
  auto retried = broker_->messages("%RETRY%CG");
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(sdk::record::find_property(retried[0].properties, "RETRY_TOPIC").value_or(""),
            "TopicTest");
  EXPECT_EQ(retried[0].reconsume_times, 1);
  EXPECT_EQ(inbox.messages()[1].topic, "TopicTest");
}

TEST_F(ConsumerTest, HeartbeatCarriesSubscriptionsAndRetryTopic) {
  Inbox inbox;
  PushConsumer consumer(push_options("CG"));
  consumer.subscribe("TopicTest", "TagA");
  consumer.register_listener(inbox.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return broker_->request_count(rq::kHeartBeat) > 0; }));
  auto beats = broker_->requests(rq::kHeartBeat);
  auto data = core::HeartbeatData::from_json(beats[0].body.as_string_view());
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->client_id, consumer.client_id());
  ASSERT_EQ(data->consumer_data_set.size(), 1u);
  const auto& group = data->consumer_data_set[0];
  EXPECT_EQ(group.consume_type, core::ConsumeType::kConsumePassively);
  ASSERT_EQ(group.subscription_data_set.size(), 2u);
  EXPECT_EQ(group.subscription_data_set[0].code_set, std::vector<std::int32_t>{2598919});
  EXPECT_EQ(group.subscription_data_set[1].topic, "%RETRY%CG");
  ASSERT_TRUE(eventually([&] { return broker_->request_count(rq::kPullMessage) > 0; }));
  auto pulls = broker_->requests(rq::kPullMessage);
  EXPECT_EQ(pulls[0].get("suspendTimeoutMillis").value_or(""), "15000");
  EXPECT_EQ(pulls[0].get_int("sysFlag").value_or(0) & 6, 6);
}

TEST_F(ConsumerTest, PushConsumerNeedsSubscriptionAndListener) {
  PushConsumer consumer(push_options("CG"));
  EXPECT_EQ(consumer.start().code(), sdk::StatusCode::kInvalidArgument);
  consumer.subscribe("TopicTest");
  EXPECT_EQ(consumer.start().code(), sdk::StatusCode::kInvalidArgument);
}

TEST_F(ConsumerTest, PullConsumerPullsAndManagesOffsets) {
  produce(3, "TagA");
  produce(2, "TagB");
  PullConsumer consumer({.namesrv_addr = namesrv(), .group = "PCG"});
  ASSERT_TRUE(consumer.start());
  auto queues = consumer.fetch_subscribe_queues("TopicTest");
  ASSERT_TRUE(queues.ok()) << queues.status().to_string();
  ASSERT_EQ(queues->size(), 4u);
  int found = 0;
  for (const auto& queue : queues.value()) {
    auto result = consumer.pull(queue, "TagA", 0, 32);
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    auto max = consumer.max_offset(queue);
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(result->max_offset, max.value());
    if (result->status == PullStatus::kFound) {
      EXPECT_EQ(result->next_begin_offset, max.value());
      for (const auto& m : result->messages) EXPECT_EQ(m.tags, "TagA");
      found += static_cast<int>(result->messages.size());
    }
    auto caught_up = consumer.pull(queue, "*", max.value(), 32);
    ASSERT_TRUE(caught_up.ok());
    EXPECT_EQ(caught_up->status, PullStatus::kNoNewMsg);
    auto illegal = consumer.pull(queue, "*", max.value() + 5, 32);
    ASSERT_TRUE(illegal.ok());
    EXPECT_EQ(illegal->status, PullStatus::kOffsetIllegal);
  }
  EXPECT_EQ(found, 3);
  const auto& q0 = queues->front();
  auto none = consumer.query_offset(q0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), -1);
  ASSERT_TRUE(consumer.commit_offset(q0, 1));
  EXPECT_EQ(consumer.query_offset(q0).value(), 1);
  EXPECT_EQ(consumer.min_offset(q0).value(), 0);
  EXPECT_EQ(consumer.fetch_subscribe_queues("NoSuchTopic").status().code(),
            sdk::StatusCode::kNotFound);
}

}  // namespace
}  // namespace mq::client
