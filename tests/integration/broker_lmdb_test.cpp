// The same broker binary on store-lmdb: switching the commit log is a properties change.
#include "cluster_fixture.h"

#include "mq/sdk/stored_record.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <gtest/gtest.h>

namespace mq::test {
namespace {

using core::RemotingCommand;
namespace rc = core::request_code;
namespace resp = core::response_code;

RemotingCommand send(const std::string& topic, const std::string& body) {
  auto request = RemotingCommand::request(rc::kSendMessageV2);
  request.set("a", "PG");
  request.set("b", topic);
  request.set("c", "TBW102");
  request.set("d", std::int64_t{4});
  request.set("e", std::int64_t{0});
  request.set("f", std::int64_t{0});
  request.set("g", std::int64_t{1700000000000});
  request.set("h", std::int64_t{0});
  request.set("i", std::string("TAGS\x01TagA\x02KEYS\x01k-") + body);
  request.body = sdk::Bytes::copy_of(body);
  return request;
}

RemotingCommand pull(const std::string& topic, std::int64_t offset) {
  auto request = RemotingCommand::request(rc::kPullMessage);
  request.set("consumerGroup", "CG");
  request.set("topic", topic);
  request.set("queueId", std::int64_t{0});
  request.set("queueOffset", offset);
  request.set("maxMsgNums", std::int64_t{32});
  request.set("sysFlag", std::int64_t{4});
  request.set("commitOffset", std::int64_t{0});
  request.set("suspendTimeoutMillis", std::int64_t{0});
  request.set("subscription", "*");
  request.set("subVersion", std::int64_t{1});
  return request;
}

std::vector<std::string> bodies(const RemotingCommand& response) {
  std::vector<std::string> out;
  sdk::ByteView data = response.body.view();
  while (!data.empty()) {
    sdk::record::StoredRecord record;
    if (sdk::record::decode_record(data, &record, true) != sdk::record::DecodeStatus::kOk) break;
    out.emplace_back(reinterpret_cast<const char*>(record.body.data()), record.body.size());
    data = data.subspan(static_cast<std::size_t>(record.total_size));
  }
  return out;
}

TEST(BrokerOnLmdb, SendPullAndRestartKeepTheMessages) {
  LocalCluster cluster;
  const std::vector<std::string> lmdb{"-o", "storePlugin=store-lmdb"};
  ASSERT_TRUE(cluster.start_broker(lmdb)) << cluster.broker_err();
  for (int i = 0; i < 5; ++i) {
    auto response = cluster.call(cluster.broker_address(), send("OnLmdb", "m" + std::to_string(i)));
    ASSERT_TRUE(response.ok()) << response.status().to_string();
    ASSERT_EQ(response->code, resp::kSuccess) << response->remark.value_or("");
  }
  auto pulled = cluster.call(cluster.broker_address(), pull("OnLmdb", 0));
  ASSERT_TRUE(pulled.ok());
  ASSERT_EQ(pulled->code, resp::kSuccess);
  EXPECT_EQ(bodies(pulled.value()), (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));

  ASSERT_EQ(cluster.stop_broker(), 0) << cluster.broker_err();
  ASSERT_TRUE(cluster.start_broker(lmdb)) << cluster.broker_err();
  auto again = cluster.call(cluster.broker_address(), pull("OnLmdb", 2));
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->code, resp::kSuccess);
  EXPECT_EQ(bodies(again.value()), (std::vector<std::string>{"m2", "m3", "m4"}));
  EXPECT_NE(cluster.broker_err().find("store-lmdb"), std::string::npos);
}

}  // namespace
}  // namespace mq::test
