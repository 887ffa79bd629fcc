// A real broker and name server, driven through the wire protocol: what a RocketMQ client
// observes when it sends, pulls, heartbeats and commits offsets.
#include "cluster_fixture.h"

#include "mq/sdk/stored_record.h"

#include "remoting/heartbeat_data.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_route_data.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace mq::test {
namespace {

using namespace std::chrono_literals;
using core::RemotingCommand;
namespace rc = core::request_code;
namespace resp = core::response_code;

RemotingCommand send_request(const std::string& topic, std::int32_t queue, const std::string& body,
                             const std::string& tags, const std::string& keys = "") {
  auto request = RemotingCommand::request(rc::kSendMessageV2);
  request.set("a", "PG");
  request.set("b", topic);
  request.set("c", "TBW102");
  request.set("d", std::int64_t{4});
  request.set("e", std::int64_t{queue});
  request.set("f", std::int64_t{0});
  request.set("g", std::int64_t{1700000000000});
  request.set("h", std::int64_t{0});
  std::string properties = "TAGS\x01" + tags + "\x02";
  if (!keys.empty()) properties += "KEYS\x01" + keys + "\x02";
  request.set("i", properties);
  request.set("j", std::int64_t{0});
  request.set("k", "false");
  request.body = sdk::Bytes::copy_of(body);
  return request;
}

RemotingCommand pull_request(const std::string& topic, std::int32_t queue, std::int64_t offset,
                             const std::string& subscription, std::int64_t sys_flag = 4,
                             std::int64_t suspend_ms = 0) {
  auto request = RemotingCommand::request(rc::kPullMessage);
  request.set("consumerGroup", "CG");
  request.set("topic", topic);
  request.set("queueId", std::int64_t{queue});
  request.set("queueOffset", offset);
  request.set("maxMsgNums", std::int64_t{32});
  request.set("sysFlag", sys_flag);
  request.set("commitOffset", std::int64_t{0});
  request.set("suspendTimeoutMillis", suspend_ms);
  request.set("subscription", subscription);
  request.set("subVersion", std::int64_t{1});
  return request;
}

std::vector<sdk::record::StoredRecord> records_of(const RemotingCommand& response) {
  std::vector<sdk::record::StoredRecord> out;
  sdk::ByteView data = response.body.view();
  while (!data.empty()) {
    sdk::record::StoredRecord record;
    if (sdk::record::decode_record(data, &record, true) != sdk::record::DecodeStatus::kOk) break;
    out.push_back(record);
    data = data.subspan(static_cast<std::size_t>(record.total_size));
  }
  return out;
}

std::string body_text(const sdk::record::StoredRecord& record) {
  return std::string(reinterpret_cast<const char*>(record.body.data()), record.body.size());
}

class BrokerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.start_broker(extra_)) << cluster_.broker_err(); }
  sdk::Result<RemotingCommand> call(RemotingCommand request, std::int64_t timeout_ms = 5000) {
    return cluster_.call(cluster_.broker_address(), std::move(request), timeout_ms);
  }
  LocalCluster cluster_;
  std::vector<std::string> extra_;
};

TEST_F(BrokerTest, SendThenPullReturnsTheStoredRecordsByteForByte) {
  for (int i = 0; i < 3; ++i) {
    auto response = call(send_request("TopicTest", 1, "hello-" + std::to_string(i), "TagA",
                                      "k" + std::to_string(i)));
    ASSERT_TRUE(response.ok()) << response.status().to_string();
    ASSERT_EQ(response->code, resp::kSuccess) << response->remark.value_or("");
    EXPECT_EQ(response->get("queueId").value_or(""), "1");
    EXPECT_EQ(response->get("queueOffset").value_or(""), std::to_string(i));
    EXPECT_EQ(response->get("msgId").value_or("").size(), 32u);
    EXPECT_EQ(response->get("MSG_REGION").value_or(""), "DefaultRegion");
  }
  auto pulled = call(pull_request("TopicTest", 1, 0, "*"));
  ASSERT_TRUE(pulled.ok());
  ASSERT_EQ(pulled->code, resp::kSuccess) << pulled->remark.value_or("");
  EXPECT_EQ(pulled->get("nextBeginOffset").value_or(""), "3");
  EXPECT_EQ(pulled->get("minOffset").value_or(""), "0");
  EXPECT_EQ(pulled->get("maxOffset").value_or(""), "3");
  EXPECT_EQ(pulled->get("suggestWhichBrokerId").value_or(""), "0");
  auto records = records_of(pulled.value());
  ASSERT_EQ(records.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(body_text(records[i]), "hello-" + std::to_string(i));
    EXPECT_EQ(records[i].topic, "TopicTest");
    EXPECT_EQ(records[i].queue_offset, i);
    EXPECT_NE(records[i].properties.find("CLUSTER\x01"
                                         "DefaultCluster"),
              std::string::npos);
  }
  // Caught up: PULL_NOT_FOUND with all four header fields.
  auto caught_up = call(pull_request("TopicTest", 1, 3, "*"));
  ASSERT_TRUE(caught_up.ok());
  EXPECT_EQ(caught_up->code, resp::kPullNotFound);
  EXPECT_EQ(caught_up->get("nextBeginOffset").value_or(""), "3");
  // Past the end: PULL_OFFSET_MOVED to the max.
  auto moved = call(pull_request("TopicTest", 1, 10, "*"));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->code, resp::kPullOffsetMoved);
  EXPECT_EQ(moved->get("nextBeginOffset").value_or(""), "3");
}

TEST_F(BrokerTest, AutoCreatedTopicIsRoutedByTheNameServer) {
  ASSERT_EQ(call(send_request("AutoTopic", 0, "x", "T"))->code, resp::kSuccess);
  bool routed = false;
  for (int i = 0; i < 100 && !routed; ++i) {
    auto request = RemotingCommand::request(rc::kGetRouteinfoByTopic);
    request.set("topic", "AutoTopic");
    auto route = cluster_.call(cluster_.namesrv_address(), std::move(request));
    routed = route.ok() && route->code == resp::kSuccess;
    if (routed) {
      auto data = core::TopicRouteData::from_json(route->body.as_string_view());
      ASSERT_TRUE(data.ok());
      ASSERT_EQ(data->queue_datas.size(), 1u);
      EXPECT_EQ(data->queue_datas[0].write_queue_nums, 4);  // min(d=4, TBW102's 8)
      EXPECT_EQ(data->broker_datas[0].broker_addrs.at(0), cluster_.broker_address());
    } else {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(routed);
}

TEST_F(BrokerTest, TagFilteringOnPull) {
  ASSERT_EQ(call(send_request("Tagged", 0, "a", "TagA"))->code, resp::kSuccess);
  ASSERT_EQ(call(send_request("Tagged", 0, "b", "TagB"))->code, resp::kSuccess);
  ASSERT_EQ(call(send_request("Tagged", 0, "c", "TagA"))->code, resp::kSuccess);
  auto pulled = call(pull_request("Tagged", 0, 0, "TagA"));
  ASSERT_TRUE(pulled.ok());
  ASSERT_EQ(pulled->code, resp::kSuccess);
  auto records = records_of(pulled.value());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(body_text(records[0]), "a");
  EXPECT_EQ(body_text(records[1]), "c");
  EXPECT_EQ(pulled->get("nextBeginOffset").value_or(""), "3");
  auto none = call(pull_request("Tagged", 0, 0, "TagZ"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->code, resp::kPullRetryImmediately);
}

TEST_F(BrokerTest, OversizedMessageIsIllegalAndTheBrokerKeepsServing) {
  auto response = call(send_request("TopicTest", 0, std::string(4 * 1024 * 1024 + 1, 'x'), "T"));
  ASSERT_TRUE(response.ok()) << response.status().to_string();
  EXPECT_EQ(response->code, resp::kMessageIllegal);
  EXPECT_EQ(call(send_request("TopicTest", 0, "small", "T"))->code, resp::kSuccess);
}

TEST_F(BrokerTest, ASendHeaderWithoutARequiredFieldIsRefusedByName) {
  auto no_topic = send_request("TopicTest", 0, "x", "T");
  no_topic.ext_fields.erase("b");
  auto response = call(std::move(no_topic));
  ASSERT_TRUE(response.ok()) << response.status().to_string();
  EXPECT_EQ(response->code, resp::kSystemError);
  EXPECT_EQ(response->remark.value_or(""), "the custom field <b> is null");
  // A number field that is not a number counts as missing.
  auto bad_queue = send_request("TopicTest", 0, "x", "T");
  bad_queue.set("e", std::string("one"));
  response = call(std::move(bad_queue));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->remark.value_or(""), "the custom field <e> is null");

  // SEND_MESSAGE (V1) names the fields in full.
  auto v1 = RemotingCommand::request(rc::kSendMessage);
  v1.set("producerGroup", "PG");
  v1.set("topic", "TopicV1");
  v1.set("defaultTopic", "TBW102");
  v1.set("defaultTopicQueueNums", std::int64_t{4});
  v1.set("queueId", std::int64_t{2});
  v1.set("sysFlag", std::int64_t{0});
  v1.set("bornTimestamp", std::int64_t{1700000000000});
  v1.set("flag", std::int64_t{0});
  v1.set("properties", std::string("TAGS\x01V1\x02"));
  v1.body = sdk::Bytes::copy_of(std::string_view("v1 body"));
  auto missing = RemotingCommand::request(rc::kSendMessage);
  missing.ext_fields = v1.ext_fields;
  missing.ext_fields.erase("bornTimestamp");
  response = call(std::move(missing));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->remark.value_or(""), "the custom field <bornTimestamp> is null");
  response = call(std::move(v1));
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->code, resp::kSuccess) << response->remark.value_or("");
  EXPECT_EQ(response->get_int("queueId"), 2);
  auto pulled = call(pull_request("TopicV1", 2, 0, "*"));
  ASSERT_TRUE(pulled.ok());
  ASSERT_EQ(pulled->code, resp::kSuccess) << pulled->remark.value_or("");
  auto records = records_of(pulled.value());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(body_text(records[0]), "v1 body");
  EXPECT_NE(records[0].properties.find("TAGS\x01V1\x02"), std::string::npos);
}

TEST_F(BrokerTest, UnknownCodeIsAnsweredNotDropped) {
  auto response = call(RemotingCommand::request(9999));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, resp::kRequestCodeNotSupported);
  EXPECT_EQ(call(send_request("TopicTest", 0, "still here", "T"))->code, resp::kSuccess);
}

TEST_F(BrokerTest, LongPollIsAnsweredWhenAMessageArrives) {
  ASSERT_EQ(call(send_request("Polled", 0, "first", "T"))->code, resp::kSuccess);
  std::promise<sdk::Result<RemotingCommand>> answered;
  auto future = answered.get_future();
  const auto start = std::chrono::steady_clock::now();
  cluster_.client().invoke_async(
      cluster_.broker_address(), pull_request("Polled", 0, 1, "*", 4 | 2, 15000), 20000,
      [&answered](sdk::Result<RemotingCommand> r) { answered.set_value(std::move(r)); });
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(future.wait_for(0ms), std::future_status::timeout) << "the pull was not held";
  ASSERT_EQ(call(send_request("Polled", 0, "second", "T"))->code, resp::kSuccess);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto response = future.get();
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->code, resp::kSuccess);
  auto records = records_of(response.value());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(body_text(records[0]), "second");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(BrokerTest, LongPollTimesOutWithPullNotFound) {
  ASSERT_EQ(call(send_request("Quiet", 0, "only", "T"))->code, resp::kSuccess);
  auto response = call(pull_request("Quiet", 0, 1, "*", 4 | 2, 1000), 10000);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, resp::kPullNotFound);
}

TEST_F(BrokerTest, ConsumerOffsetsAreCommittedAndQueried) {
  ASSERT_EQ(call(send_request("Offsets", 0, "m", "T"))->code, resp::kSuccess);
  auto update = RemotingCommand::request(rc::kUpdateConsumerOffset);
  update.set("consumerGroup", "CG");
  update.set("topic", "Offsets");
  update.set("queueId", std::int64_t{0});
  update.set("commitOffset", std::int64_t{1});
  ASSERT_EQ(call(std::move(update))->code, resp::kSuccess);
  auto query = RemotingCommand::request(rc::kQueryConsumerOffset);
  query.set("consumerGroup", "CG");
  query.set("topic", "Offsets");
  query.set("queueId", std::int64_t{0});
  auto response = call(std::move(query));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, resp::kSuccess);
  EXPECT_EQ(response->get("offset").value_or(""), "1");

  auto max = RemotingCommand::request(rc::kGetMaxOffset);
  max.set("topic", "Offsets");
  max.set("queueId", std::int64_t{0});
  EXPECT_EQ(call(std::move(max))->get("offset").value_or(""), "1");
}

TEST_F(BrokerTest, HeartbeatRegistersTheConsumerAndItsRetryTopic) {
  core::HeartbeatData heartbeat;
  heartbeat.client_id = "127.0.0.1@4242";
  core::ConsumerData consumer;
  consumer.group_name = "CG";
  core::SubscriptionData subscription;
  subscription.topic = "TopicTest";
  subscription.sub_string = "*";
  subscription.sub_version = 1;
  consumer.subscription_data_set.push_back(subscription);
  heartbeat.consumer_data_set.push_back(consumer);
  auto request = RemotingCommand::request(rc::kHeartBeat);
  request.body = sdk::Bytes::copy_of(heartbeat.to_json());
  ASSERT_EQ(call(std::move(request))->code, resp::kSuccess);

  auto list = RemotingCommand::request(rc::kGetConsumerListByGroup);
  list.set("consumerGroup", "CG");
  auto response = call(std::move(list));
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->code, resp::kSuccess);
  EXPECT_EQ(response->body.as_string_view(), "{\"consumerIdList\":[\"127.0.0.1@4242\"]}");

  auto topics = call(RemotingCommand::request(rc::kGetAllTopicConfig));
  ASSERT_TRUE(topics.ok());
  EXPECT_NE(topics->body.as_string_view().find("%RETRY%CG"), std::string::npos);
}

TEST_F(BrokerTest, SendBackGoesToTheRetryTopicAfterItsDelay) {
  auto sent = call(send_request("Failing", 0, "retry me", "T"));
  ASSERT_EQ(sent->code, resp::kSuccess);
  auto pulled = call(pull_request("Failing", 0, 0, "*"));
  auto records = records_of(pulled.value());
  ASSERT_EQ(records.size(), 1u);
  auto back = RemotingCommand::request(rc::kConsumerSendMsgBack);
  back.set("offset", records[0].physical_offset);
  back.set("group", "CG");
  back.set("delayLevel", std::int64_t{1});  // 1 s
  back.set("maxReconsumeTimes", std::int64_t{16});
  auto response = call(std::move(back));
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->code, resp::kSuccess) << response->remark.value_or("");
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    std::this_thread::sleep_for(100ms);
    auto retry = call(pull_request("%RETRY%CG", 0, 0, "*"));
    if (retry.ok() && retry->code == resp::kSuccess) {
      auto retried = records_of(retry.value());
      ASSERT_EQ(retried.size(), 1u);
      EXPECT_EQ(body_text(retried[0]), "retry me");
      EXPECT_EQ(retried[0].reconsume_times, 1);
      EXPECT_NE(retried[0].properties.find("RETRY_TOPIC\x01"
                                           "Failing"),
                std::string::npos);
      delivered = true;
    }
  }
  EXPECT_TRUE(delivered);
}

TEST_F(BrokerTest, CommittedOffsetsSurviveARestart) {
  auto update = RemotingCommand::request(rc::kUpdateConsumerOffset);
  update.set("consumerGroup", "CG");
  update.set("topic", "TopicTest");
  update.set("queueId", std::int64_t{2});
  update.set("commitOffset", std::int64_t{7});
  ASSERT_EQ(call(std::move(update))->code, resp::kSuccess);
  ASSERT_EQ(cluster_.stop_broker(), 0) << cluster_.broker_err();
  ASSERT_TRUE(cluster_.start_broker()) << cluster_.broker_err();
  auto query = RemotingCommand::request(rc::kQueryConsumerOffset);
  query.set("consumerGroup", "CG");
  query.set("topic", "TopicTest");
  query.set("queueId", std::int64_t{2});
  auto response = call(std::move(query));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->get("offset").value_or(""), "7");
}

class SyncFlushBrokerTest : public BrokerTest {
 protected:
  SyncFlushBrokerTest() { extra_ = {"-o", "flushDiskType=SYNC_FLUSH"}; }
};

TEST_F(SyncFlushBrokerTest, NoAcknowledgedMessageIsLostWhenTheBrokerIsKilled) {
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> acknowledged{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      int n = 0;
      while (!stop) {
        auto response = call(send_request("Durable", t, "m" + std::to_string(n++), "T"), 3000);
        if (response.ok() && response->code == resp::kSuccess) acknowledged.fetch_add(1);
      }
    });
  }
  while (acknowledged.load() < 400) std::this_thread::sleep_for(10ms);
  cluster_.kill_broker();
  stop = true;
  for (auto& s : senders) s.join();
  const std::int64_t acked = acknowledged.load();
  ASSERT_TRUE(cluster_.start_broker()) << cluster_.broker_err();
  std::int64_t stored = 0;
  for (int q = 0; q < 4; ++q) {
    auto max = RemotingCommand::request(rc::kGetMaxOffset);
    max.set("topic", "Durable");
    max.set("queueId", std::int64_t{q});
    auto response = call(std::move(max));
    ASSERT_TRUE(response.ok());
    stored += std::stoll(std::string(response->get("offset").value_or("0")));
  }
  std::printf("SIGKILL under SYNC_FLUSH: %lld acknowledged, %lld stored after restart\n",
              static_cast<long long>(acked), static_cast<long long>(stored));
  EXPECT_GE(stored, acked);
}

}  // namespace
}  // namespace mq::test
