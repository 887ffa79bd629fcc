// The client library and mqadmin against real processes: one mqnamesrv and one mqbroker on
// free loopback ports with fresh temp dirs. Topics are created with `mqadmin updateTopic`.
#include "mq/client/producer.h"
#include "mq/client/push_consumer.h"
#include "test_process.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace mq::client {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

// Collects what a listener sees; thread-safe.
class Inbox {
 public:
  MessageListener listener() {
    return [this](const std::vector<MessageExt>& batch) {
      std::lock_guard lock(mu_);
      for (const auto& m : batch) messages_.push_back(m);
      return ConsumeResult::kConsumeSuccess;
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

class ClientBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    namesrv_port_ = test::free_port_block(1);
    namesrv_ = std::make_unique<test::ChildProcess>(
        test::bin_path("mqnamesrv"),
        std::vector<std::string>{"-o", "listenPort=" + std::to_string(namesrv_port_), "-o",
                                 "listenAddress=127.0.0.1", "-o", "logDir=" + dir_.file("ns")},
        dir_.path());
    ASSERT_TRUE(test::wait_for_port(namesrv_port_, 10s)) << namesrv_->err();
    broker_port_ = test::free_port_block(4) + 2;  // fast port - 2 and HA port + 1 free too
    const std::string conf = dir_.write("broker.properties",
                                        "brokerClusterName=DefaultCluster\n"
                                        "brokerName=broker-a\n"
                                        "brokerId=0\n"
                                        "brokerRole=ASYNC_MASTER\n"
                                        "flushDiskType=ASYNC_FLUSH\n");
    broker_ = std::make_unique<test::ChildProcess>(
        test::bin_path("mqbroker"),
        std::vector<std::string>{"-c", conf, "-o", "brokerIP1=127.0.0.1", "-o",
                                 "listenPort=" + std::to_string(broker_port_), "-o",
                                 "storePathRootDir=" + dir_.file("store"), "-o",
                                 "namesrvAddr=" + namesrv(), "-o", "logDir=" + dir_.file("logs")},
        dir_.path());
    ASSERT_TRUE(test::wait_for_port(broker_port_, 20s)) << broker_->err();
    create_topic("TopicTest", 4);
  }

  void TearDown() override {
    if (broker_) broker_->terminate();
    if (namesrv_) namesrv_->terminate();
  }

  std::string namesrv() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }
  std::string broker() const { return "127.0.0.1:" + std::to_string(broker_port_); }

  test::CommandResult admin(const std::vector<std::string>& args) {
    return test::run_command(test::bin_path("mqadmin"), args, 30s);
  }

  void create_topic(const std::string& topic, int queues) {
    auto result = admin({"updateTopic", "-n", namesrv(), "-b", broker(), "-t", topic, "-r",
                         std::to_string(queues), "-w", std::to_string(queues)});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    // The broker registers the new topic with the name server at once.
    ASSERT_TRUE(eventually([&] {
      return admin({"topicRoute", "-n", namesrv(), "-t", topic}).exit_code == 0;
    })) << "no route for "
        << topic;
  }

  void produce(const std::vector<Message>& messages) {
    Producer producer({.namesrv_addr = namesrv(), .group = "PG"});
    ASSERT_TRUE(producer.start());
    for (const auto& message : messages) {
      auto result = producer.send(message);
      ASSERT_TRUE(result.ok()) << result.status().to_string();
      EXPECT_EQ(result->status, SendStatus::kSendOk);
    }
  }

  std::vector<Message> numbered(int count, const std::string& prefix,
                                const std::string& tags = "") {
    std::vector<Message> out;
    for (int i = 0; i < count; ++i) {
      out.push_back({.topic = "TopicTest", .tags = tags, .body = prefix + std::to_string(i)});
    }
    return out;
  }

  PushConsumerOptions consumer_options(const std::string& group) {
    return {.namesrv_addr = namesrv(),
            .group = group,
            .consume_from = ConsumeFromWhere::kFirstOffset,
            .rebalance_interval_ms = 1000,
            .heartbeat_interval_ms = 2000,
            .persist_offset_interval_ms = 500};
  }

  test::TempDir dir_;
  int namesrv_port_ = 0;
  int broker_port_ = 0;
  std::unique_ptr<test::ChildProcess> namesrv_;
  std::unique_ptr<test::ChildProcess> broker_;
};

TEST_F(ClientBrokerTest, RoundTripIsByteForByte) {
  std::vector<Message> messages;
  for (int i = 0; i < 30; ++i) {
    std::string body(static_cast<std::size_t>(1 + i * 97), '\0');
    for (std::size_t j = 0; j < body.size(); ++j)
      body[j] = static_cast<char>((i * 7 + j * 13) & 0xFF);
    messages.push_back({.topic = "TopicTest",
                        .tags = "TagA",
                        .keys = "k" + std::to_string(i),
                        .body = body,
                        .properties = {{"n", std::to_string(i)}}});
  }
  messages.push_back({.topic = "TopicTest", .body = std::string(20000, 'z')});  // compressed
  produce(messages);
  Inbox inbox;
  PushConsumer consumer(consumer_options("CG"));
  consumer.subscribe("TopicTest", "*");
  consumer.register_listener(inbox.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return inbox.size() >= messages.size(); }));
  std::multiset<std::string> want, got;
  for (const auto& m : messages) want.insert(m.body);
  for (const auto& m : inbox.messages()) {
    got.insert(m.body);
    EXPECT_EQ(m.topic, "TopicTest");
    if (m.tags == "TagA") {
      EXPECT_EQ("k" + m.properties.at("n"), m.keys);
    }
  }
  EXPECT_EQ(got, want);
}

TEST_F(ClientBrokerTest, TagsAreFiltered) {
  produce(numbered(5, "a", "TagA"));
  produce(numbered(5, "b", "TagB"));
  Inbox inbox;
  PushConsumer consumer(consumer_options("CG"));
  consumer.subscribe("TopicTest", "TagB");
  consumer.register_listener(inbox.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return inbox.size() >= 5; }));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(inbox.size(), 5u);
  for (const auto& m : inbox.messages()) EXPECT_EQ(m.tags, "TagB");
}

TEST_F(ClientBrokerTest, GroupResumesFromItsCommittedOffset) {
  produce(numbered(8, "first"));
  Inbox first;
  {
    PushConsumer consumer(consumer_options("CG"));
    consumer.subscribe("TopicTest");
    consumer.register_listener(first.listener());
    ASSERT_TRUE(consumer.start());
    ASSERT_TRUE(eventually([&] { return first.size() >= 8; }));
  }  // shutdown commits the offsets
  produce(numbered(4, "second"));
  Inbox second;
  PushConsumer consumer(consumer_options("CG"));
  consumer.subscribe("TopicTest");
  consumer.register_listener(second.listener());
  ASSERT_TRUE(consumer.start());
  ASSERT_TRUE(eventually([&] { return second.size() >= 4; }));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(second.size(), 4u);
  for (const auto& m : second.messages()) EXPECT_EQ(m.body.rfind("second", 0), 0u) << m.body;
}

TEST_F(ClientBrokerTest, TwoGroupsEachGetEveryMessage) {
  produce(numbered(12, "m"));
  Inbox one, two;
  PushConsumer a(consumer_options("G1"));
  a.subscribe("TopicTest");
  a.register_listener(one.listener());
  PushConsumer b(consumer_options("G2"));
  b.subscribe("TopicTest");
  b.register_listener(two.listener());
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  ASSERT_TRUE(eventually([&] { return one.size() >= 12 && two.size() >= 12; }));
}

TEST_F(ClientBrokerTest, MqadminSendAndConsumeRoundTrip) {
  auto sent = admin({"sendMessage", "-n", namesrv(), "-t", "TopicTest", "-p", "from admin", "-c",
                     "TagA", "-k", "key1"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
  auto consumed = admin({"consumeMessage", "-n", namesrv(), "-t", "TopicTest"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_NE(consumed.out.find("tags=TagA keys=key1 body=from admin"), std::string::npos)
      << consumed.out;
  auto status = admin({"topicStatus", "-n", namesrv(), "-t", "TopicTest"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
}

}  // namespace
}  // namespace mq::client
