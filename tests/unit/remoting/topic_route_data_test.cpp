#include "remoting/topic_route_data.h"

#include "remoting/cluster_info.h"

#include <gtest/gtest.h>

namespace mq::core {
namespace {

// §4.1, byte for byte.
constexpr std::string_view kLegacyRoute =
    R"({"brokerDatas":[{"brokerAddrs":{0:"10.0.0.5:10911",1:"10.0.0.6:10911"},)"
    R"("brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},)"
    R"("queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,)"
    R"("writeQueueNums":4}]})";
constexpr std::string_view kStandardRoute =
    R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.5:10911","1":"10.0.0.6:10911"},)"
    R"("brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},)"
    R"("queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,)"
    R"("writeQueueNums":4}]})";

TopicRouteData doc_route() {
  TopicRouteData route;
  BrokerData broker;
  broker.cluster = "DefaultCluster";
  broker.broker_name = "broker-a";
  broker.broker_addrs = {{1, "10.0.0.6:10911"}, {0, "10.0.0.5:10911"}};
  route.broker_datas.push_back(broker);
  QueueData queue;
  queue.broker_name = "broker-a";
  queue.read_queue_nums = 4;
  queue.write_queue_nums = 4;
  queue.perm = 6;
  route.queue_datas.push_back(queue);
  return route;
}

TEST(TopicRouteData, BothKeyStylesMatchTheProtocolDoc) {
  EXPECT_EQ(doc_route().to_json(IntKeyStyle::kUnquoted), kLegacyRoute);
  EXPECT_EQ(doc_route().to_json(IntKeyStyle::kQuoted), kStandardRoute);
}

TEST(TopicRouteData, ParsesBothKeyStyles) {
  for (const std::string_view text : {kLegacyRoute, kStandardRoute}) {
    auto parsed = TopicRouteData::from_json(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    EXPECT_EQ(*parsed, doc_route());
    EXPECT_EQ(parsed->broker_datas[0].broker_addrs.at(kMasterBrokerId), "10.0.0.5:10911");
  }
}

TEST(TopicRouteData, OptionalMembersAndOldSpelling) {
  TopicRouteData route = doc_route();
  route.order_topic_conf = "broker-a:4";
  route.filter_server_table["10.0.0.5:10911"] = {"10.0.0.5:45001"};
  const std::string text = route.to_json(IntKeyStyle::kUnquoted);
  EXPECT_NE(text.find(R"("filterServerTable":{"10.0.0.5:10911":["10.0.0.5:45001"]},)"
                      R"("orderTopicConf":"broker-a:4","queueDatas")"),
            std::string::npos);
  auto parsed = TopicRouteData::from_json(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, route);

  auto old = TopicRouteData::from_json(
      R"({"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"topicSynFlag":2,)"
      R"("writeQueueNums":1}]})");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->queue_datas[0].topic_sys_flag, 2);
  EXPECT_TRUE(old->broker_datas.empty());
}

TEST(TopicRouteData, Errors) {
  EXPECT_FALSE(TopicRouteData::from_json(R"({"brokerDatas":[{"brokerAddrs":{"m":"x"}}]})").ok());
  EXPECT_FALSE(TopicRouteData::from_json(R"({"brokerDatas":[{"brokerAddrs":{0:1}}]})").ok());
  EXPECT_FALSE(TopicRouteData::from_json(R"({"brokerDatas":{}})").ok());
  EXPECT_FALSE(TopicRouteData::from_json(R"({"queueDatas":[{"perm":"rw"}]})").ok());
  EXPECT_FALSE(TopicRouteData::from_json(R"({"filterServerTable":{"a":{}}})").ok());
  EXPECT_FALSE(TopicRouteData::from_json(R"({"queueDatas":[1]})").ok());
  EXPECT_FALSE(TopicRouteData::from_json("{").ok());
}

TEST(TopicRouteData, IntegerKeyRuleOfTheProtocolDoc) {
  RemotingCommand request = RemotingCommand::request(105);
  request.version = 0;  // a JSON header without "version"
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kUnquoted);
  request.version = 121;  // ali-ons
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kUnquoted);
  request.version = 317;  // Go client
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kUnquoted);
  request.version = 400;
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kUnquoted);
  request.version = 401;
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kQuoted);
  request.version = 407;
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kQuoted);
  request.version = 121;
  request.set("acceptStandardJsonOnly", std::string("true"));
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kQuoted);
  request.set("acceptStandardJsonOnly", std::string("false"));
  EXPECT_EQ(route_key_style(request), IntKeyStyle::kUnquoted);
}

// §4.2, byte for byte.
constexpr std::string_view kClusterInfo =
    R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.5:10911"},)"
    R"("brokerName":"broker-a","cluster":"DefaultCluster"}},)"
    R"("clusterAddrTable":{"DefaultCluster":["broker-a"]}})";

TEST(ClusterInfo, LegacyJsonOfTheProtocolDoc) {
  ClusterInfo info;
  BrokerData broker;
  broker.cluster = "DefaultCluster";
  broker.broker_name = "broker-a";
  broker.broker_addrs[0] = "10.0.0.5:10911";
  info.broker_addr_table["broker-a"] = broker;
  info.cluster_addr_table["DefaultCluster"].insert("broker-a");
  EXPECT_EQ(info.to_json(), kClusterInfo);

  auto parsed = ClusterInfo::from_json(kClusterInfo);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, info);
  auto quoted = ClusterInfo::from_json(info.to_json(IntKeyStyle::kQuoted));
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(*quoted, info);
}

TEST(ClusterInfo, SeveralClustersAndErrors) {
  auto parsed = ClusterInfo::from_json(
      R"({"clusterAddrTable":{"c1":["b2","b1","b1"],"c2":[]},"brokerAddrTable":{}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->cluster_addr_table.at("c1").size(), 2u);
  EXPECT_TRUE(parsed->cluster_addr_table.at("c2").empty());
  EXPECT_EQ(parsed->to_json(), R"({"brokerAddrTable":{},"clusterAddrTable":{"c1":["b1","b2"],)"
                               R"("c2":[]}})");
  EXPECT_FALSE(ClusterInfo::from_json(R"({"clusterAddrTable":{"c1":"b1"}})").ok());
  EXPECT_FALSE(ClusterInfo::from_json(R"({"brokerAddrTable":{"b":{"brokerAddrs":[]}}})").ok());
  EXPECT_FALSE(ClusterInfo::from_json(R"({"brokerAddrTable":[]})").ok());
}

}  // namespace
}  // namespace mq::core
