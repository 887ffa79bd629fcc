// Producer against a FakeBroker registered with a real mqnamesrv.
#include "mq/client/producer.h"

#include "client_test_support.h"

#include "mq/sdk/stored_record.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <future>
#include <set>

namespace mq::client {
namespace {

using test::ClientWorld;
namespace rq = core::request_code;

class ProducerTest : public ClientWorld {
 protected:
  ProducerOptions options() { return {.namesrv_addr = namesrv(), .group = "PG"}; }
};

TEST_F(ProducerTest, SyncSendReturnsOffsetMsgIdAndStoresProperties) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  auto result = producer.send({.topic = "TopicTest",
                               .tags = "TagA",
                               .keys = "k1 k2",
                               .body = "hello",
                               .properties = {{"color", "red"}}});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->status, SendStatus::kSendOk);
  EXPECT_EQ(send_status_name(result->status), "SEND_OK");
  EXPECT_EQ(result->queue.topic, "TopicTest");
  EXPECT_EQ(result->queue.broker_name, "broker-a");
  EXPECT_EQ(result->queue_offset, 0);
  auto stored = broker_->messages("TopicTest");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].body, "hello");
  EXPECT_EQ(stored[0].queue_id, result->queue.queue_id);
  sdk::HostAddress host;
  std::int64_t physical = -1;
  ASSERT_TRUE(sdk::record::parse_offset_message_id(result->msg_id, &host, &physical));
  EXPECT_EQ(physical, stored[0].physical_offset);
  const auto& props = stored[0].properties;
  EXPECT_EQ(sdk::record::find_property(props, "TAGS").value_or(""), "TagA");
  EXPECT_EQ(sdk::record::find_property(props, "KEYS").value_or(""), "k1 k2");
  EXPECT_EQ(sdk::record::find_property(props, "color").value_or(""), "red");
  EXPECT_EQ(sdk::record::find_property(props, "UNIQ_KEY").value_or(""), result->uniq_msg_id);
  auto requests = broker_->requests(rq::kSendMessageV2);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].get("a").value_or(""), "PG");
  EXPECT_EQ(requests[0].get("b").value_or(""), "TopicTest");
  EXPECT_EQ(requests[0].get("c").value_or(""), "TBW102");
  EXPECT_EQ(requests[0].get("f").value_or(""), "0");
  EXPECT_FALSE(requests[0].get("l").has_value());
}

TEST_F(ProducerTest, RoundRobinCoversEveryQueue) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  std::map<int, int> per_queue;
  for (int i = 0; i < 8; ++i) {
    auto result = producer.send({.topic = "TopicTest", .body = "m" + std::to_string(i)});
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    ++per_queue[result->queue.queue_id];
  }
  EXPECT_EQ(per_queue, (std::map<int, int>{{0, 2}, {1, 2}, {2, 2}, {3, 2}}));
}

TEST_F(ProducerTest, LargeBodiesAreZlibCompressed) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  const std::string big(8192, 'q');
  ASSERT_TRUE(producer.send({.topic = "TopicTest", .body = big}).ok());
  ASSERT_TRUE(producer.send({.topic = "TopicTest", .body = std::string(4095, 'r')}).ok());
  auto stored = broker_->messages("TopicTest");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].sys_flag & 1, 1);
  EXPECT_LT(stored[0].body.size(), big.size());
  EXPECT_EQ(static_cast<unsigned char>(stored[0].body[0]), 0x78);
  EXPECT_EQ(stored[1].sys_flag & 1, 0);
}

TEST_F(ProducerTest, RetriesOnBusyThenSucceeds) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(2, core::response_code::kSystemBusy);
  auto result = producer.send({.topic = "TopicTest", .body = "x"});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(broker_->request_count(rq::kSendMessageV2), 3);
}

TEST_F(ProducerTest, GivesUpAfterTwoRetries) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(3, core::response_code::kServiceNotAvailable);
  auto result = producer.send({.topic = "TopicTest", .body = "x"});
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("SERVICE_NOT_AVAILABLE"), std::string::npos)
      << result.status().to_string();
  EXPECT_EQ(broker_->request_count(rq::kSendMessageV2), 3);
}

TEST_F(ProducerTest, DoesNotRetryMessageIllegal) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(1, core::response_code::kMessageIllegal);
  auto result = producer.send({.topic = "TopicTest", .body = "x"});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(broker_->request_count(rq::kSendMessageV2), 1);
}

TEST_F(ProducerTest, FlushDiskTimeoutIsAResult) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(1, core::response_code::kFlushDiskTimeout);
  auto result = producer.send({.topic = "TopicTest", .body = "x"});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->status, SendStatus::kFlushDiskTimeout);
}

TEST_F(ProducerTest, AsyncSendCompletesOnce) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  std::promise<sdk::Result<SendResult>> done;
  broker_->fail_next_sends(1, core::response_code::kSystemError);
  producer.send_async({.topic = "TopicTest", .body = "async"},
                      [&done](sdk::Result<SendResult> r) { done.set_value(std::move(r)); });
  auto result = done.get_future().get();
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(broker_->messages("TopicTest").size(), 1u);
}

TEST_F(ProducerTest, OnewayArrives) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  ASSERT_TRUE(producer.send_oneway({.topic = "TopicTest", .body = "fire"}));
  EXPECT_TRUE(test::eventually([&] { return broker_->messages("TopicTest").size() == 1; }));
}

TEST_F(ProducerTest, BatchGoesToOneQueueWithConsecutiveOffsets) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  std::vector<Message> batch{{.topic = "TopicTest", .tags = "A", .body = "one"},
                             {.topic = "TopicTest", .tags = "B", .body = "two"},
                             {.topic = "TopicTest", .body = "three"}};
  auto result = producer.send_batch(batch);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(std::count(result->msg_id.begin(), result->msg_id.end(), ','), 2);
  auto stored = broker_->messages("TopicTest");
  ASSERT_EQ(stored.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(stored[i].queue_id, result->queue.queue_id);
    EXPECT_EQ(stored[i].queue_offset, i);
    EXPECT_EQ(stored[i].body, batch[i].body);
  }
  EXPECT_EQ(sdk::record::find_property(stored[1].properties, "TAGS").value_or(""), "B");
  auto requests = broker_->requests(rq::kSendBatchMessage);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].get("m").value_or(""), "true");
  EXPECT_FALSE(producer.send_batch({{.topic = "TopicTest", .body = "x", .delay_level = 2}}).ok());
}

TEST_F(ProducerTest, AsyncBatchArrivesInOneRequestAndRetriesLikeASingleSend) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(1, core::response_code::kSystemError);
  std::vector<Message> batch{{.topic = "TopicTest", .body = "one"},
                             {.topic = "TopicTest", .body = "two"}};
  std::promise<sdk::Result<SendResult>> done;
  producer.send_batch_async(batch,
                            [&done](sdk::Result<SendResult> r) { done.set_value(std::move(r)); });
  auto result = done.get_future().get();
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(std::count(result->msg_id.begin(), result->msg_id.end(), ','), 1);
  auto stored = broker_->messages("TopicTest");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].body, "one");
  EXPECT_EQ(stored[1].body, "two");
  EXPECT_EQ(broker_->requests(rq::kSendBatchMessage).size(), 2u);  // the refused one and the retry

  std::promise<sdk::Result<SendResult>> refused;
  producer.send_batch_async(
      {}, [&refused](sdk::Result<SendResult> r) { refused.set_value(std::move(r)); });
  EXPECT_EQ(refused.get_future().get().status().code(), sdk::StatusCode::kInvalidArgument);
}

TEST_F(ProducerTest, UnknownTopicUsesTheDefaultRouteToAutoCreate) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  auto result = producer.send({.topic = "Fresh", .body = "new"});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(broker_->messages("Fresh").size(), 1u);
}

TEST_F(ProducerTest, BadMessagesAndUnreachableNamesrv) {
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  EXPECT_EQ(producer.send({.topic = "bad topic", .body = "x"}).status().code(),
            sdk::StatusCode::kInvalidArgument);
  EXPECT_EQ(producer.send({.topic = "TopicTest"}).status().code(),
            sdk::StatusCode::kInvalidArgument);
  Producer lost({.namesrv_addr = "127.0.0.1:" + std::to_string(test::free_port()), .group = "PG"});
  ASSERT_TRUE(lost.start());
  EXPECT_FALSE(lost.send({.topic = "TopicTest", .body = "x"}).ok());
  Producer unnamed({.namesrv_addr = namesrv()});
  EXPECT_EQ(unnamed.start().code(), sdk::StatusCode::kInvalidArgument);
}

TEST_F(ProducerTest, ShutdownUnregistersAndHeartbeatsReachTheMaster) {
  {
    Producer producer({.namesrv_addr = namesrv(), .group = "PG", .heartbeat_interval_ms = 200});
    ASSERT_TRUE(producer.start());
    ASSERT_TRUE(producer.send({.topic = "TopicTest", .body = "x"}).ok());
    EXPECT_TRUE(test::eventually([&] { return broker_->request_count(rq::kHeartBeat) > 0; }));
  }
  auto unregister = broker_->requests(rq::kUnregisterClient);
  ASSERT_EQ(unregister.size(), 1u);
  EXPECT_EQ(unregister[0].get("producerGroup").value_or(""), "PG");
  EXPECT_NE(unregister[0].get("clientID").value_or("").find('@'), std::string::npos);
}

}  // namespace
}  // namespace mq::client

namespace mq::client {
namespace {

using test::FakeBroker;
using test::plugin_dir;

// After a send fails on one broker, the following sends go straight to the other broker for
// a while instead of paying a failed attempt each (a master that went down).
TEST_F(ProducerTest, ABrokerThatJustFailedIsPassedOver) {
  FakeBroker other(plugin_dir(), "broker-b");
  other.add_topic("TopicTest", 4);
  ASSERT_TRUE(other.register_with(namesrv()));
  Producer producer(options());
  ASSERT_TRUE(producer.start());
  broker_->fail_next_sends(1000, core::response_code::kServiceNotAvailable);
  for (int i = 0; i < 20; ++i) {
    auto result = producer.send({.topic = "TopicTest", .body = "x" + std::to_string(i)});
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    EXPECT_EQ(result->queue.broker_name, "broker-b");
  }
  // One failed attempt on broker-a at most, then it was isolated.
  EXPECT_LE(broker_->request_count(rq::kSendMessageV2), 1);
  EXPECT_EQ(other.request_count(rq::kSendMessageV2), 20);
}

}  // namespace
}  // namespace mq::client
