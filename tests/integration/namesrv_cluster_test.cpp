// Two real mqnamesrv processes side by side: a broker registers with both through the real
// codec and transport, and each answers routes and cluster info on its own.
#include "test_process.h"

#include "common/logging.h"
#include "net/remoting_client.h"
#include "plugin_host/plugin_host.h"
#include "remoting/cluster_info.h"
#include "remoting/register_broker_body.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_list.h"
#include "remoting/topic_route_data.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <thread>

namespace mq::core {
namespace {

using namespace std::chrono_literals;

class NamesrvClusterTest : public ::testing::Test {
 protected:
  struct Namesrv {
    int port;
    std::unique_ptr<test::ChildProcess> process;
    std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  };

  void SetUp() override {
    for (int i = 0; i < 2; ++i) start_namesrv({});
    logger_ = make_console_logger("test", "error");
    host_ = std::make_unique<PluginHost>(logger_, test::plugin_dir());
    auto library = host_->load("transport-tcp", sdk::Seam::kTransport, "transportPlugins");
    ASSERT_TRUE(library.ok()) << library.status().to_string();
    sdk::PluginConfig config;
    config.transport = &options_;
    auto transport = host_->create<sdk::Transport>(library.value(), std::move(config));
    ASSERT_TRUE(transport.ok()) << transport.status().to_string();
    transport_ = std::move(transport).value();
    client_ = std::make_unique<RemotingClient>(std::vector<sdk::Transport*>{transport_.get()});
  }

  void TearDown() override {
    client_.reset();
    if (transport_) transport_->stop();
    transport_.reset();
    for (auto& n : namesrvs_) {
      if (n.process) {
        EXPECT_EQ(n.process->terminate(), 0) << n.process->err();
      }
    }
  }

  Namesrv& start_namesrv(const std::vector<std::string>& extra) {
    Namesrv n;
    n.port = test::free_port_block(1);
    std::vector<std::string> args{"-o", "listenPort=" + std::to_string(n.port),
                                  "-o", "listenAddress=127.0.0.1",
                                  "-o", "logDir=" + dir_.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    n.process =
        std::make_unique<test::ChildProcess>(test::bin_path("mqnamesrv"), args, dir_.path());
    EXPECT_TRUE(test::wait_for_port(n.port, 10s)) << n.process->err();
    namesrvs_.push_back(std::move(n));
    return namesrvs_.back();
  }

  RemotingCommand register_request(const std::string& broker_name, const std::string& addr,
                                   std::int64_t id, const std::vector<std::string>& topics,
                                   std::int64_t counter = 1) {
    RegisterBrokerBody body;
    body.topic_config_serialize_wrapper.data_version = DataVersion{counter, 1700000000000};
    for (const auto& name : topics) {
      TopicConfig topic;
      topic.topic_name = name;
      topic.read_queue_nums = 4;
      topic.write_queue_nums = 4;
      body.topic_config_serialize_wrapper.topic_config_table[name] = topic;
    }
    auto request = RemotingCommand::request(request_code::kRegisterBroker);
    request.set("brokerName", broker_name);
    request.set("brokerAddr", addr);
    request.set("clusterName", "DefaultCluster");
    request.set("haServerAddr", "127.0.0.1:10912");
    request.set("brokerId", id);
    request.body = sdk::Bytes::copy_of(body.to_json());
    return request;
  }

  sdk::Result<RemotingCommand> call(const std::string& addr, RemotingCommand request) {
    return client_->invoke(addr, std::move(request), 5000);
  }

  RemotingCommand route_request(const std::string& topic, std::int32_t version = 121) {
    auto request = RemotingCommand::request(request_code::kGetRouteinfoByTopic);
    request.version = version;
    request.set("topic", topic);
    return request;
  }

  test::TempDir dir_;
  std::vector<Namesrv> namesrvs_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<PluginHost> host_;
  sdk::TransportOptions options_;
  PluginObject<sdk::Transport> transport_;
  std::unique_ptr<RemotingClient> client_;
};

TEST_F(NamesrvClusterTest, BrokerRegisteredWithBothIsRoutedByEach) {
  for (auto& n : namesrvs_) {
    auto response = call(
        n.address(), register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest", "TBW102"}));
    ASSERT_TRUE(response.ok()) << response.status().to_string();
    EXPECT_EQ(response->code, response_code::kSuccess);
  }
  for (auto& n : namesrvs_) {
    auto response = call(n.address(), route_request("TopicTest"));
    ASSERT_TRUE(response.ok()) << response.status().to_string();
    ASSERT_EQ(response->code, response_code::kSuccess) << response->remark.value_or("");
    // Version 121 (ali-ons) gets the legacy unquoted integer keys.
    EXPECT_NE(response->body.as_string_view().find("{0:\"127.0.0.1:10911\"}"), std::string::npos)
        << response->body.as_string_view();
    auto route = TopicRouteData::from_json(response->body.as_string_view());
    ASSERT_TRUE(route.ok()) << route.status().to_string();
    ASSERT_EQ(route->queue_datas.size(), 1u);
    EXPECT_EQ(route->queue_datas[0].broker_name, "broker-a");
    EXPECT_EQ(route->queue_datas[0].write_queue_nums, 4);
    ASSERT_EQ(route->broker_datas.size(), 1u);
    EXPECT_EQ(route->broker_datas[0].broker_addrs.at(0), "127.0.0.1:10911");
  }
}

TEST_F(NamesrvClusterTest, NewClientsGetQuotedKeys) {
  ASSERT_TRUE(call(namesrvs_[0].address(),
                   register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest"}))
                  .ok());
  auto response = call(namesrvs_[0].address(), route_request("TopicTest", 407));
  ASSERT_TRUE(response.ok());
  EXPECT_NE(response->body.as_string_view().find("{\"0\":\"127.0.0.1:10911\"}"), std::string::npos)
      << response->body.as_string_view();
}

TEST_F(NamesrvClusterTest, UnknownTopicIsTopicNotExist) {
  auto response = call(namesrvs_[0].address(), route_request("NoSuchTopic"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, response_code::kTopicNotExist);
  EXPECT_EQ(response->remark.value_or(""),
            "No topic route info in name server for the topic: NoSuchTopic");
}

TEST_F(NamesrvClusterTest, SlaveLearnsItsMasterAndRoutesListBoth) {
  const auto& ns = namesrvs_[1].address();
  ASSERT_TRUE(call(ns, register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest"})).ok());
  auto slave = call(ns, register_request("broker-a", "127.0.0.1:11011", 1, {"TopicTest"}));
  ASSERT_TRUE(slave.ok());
  EXPECT_EQ(slave->get("masterAddr").value_or(""), "127.0.0.1:10911");
  EXPECT_EQ(slave->get("haServerAddr").value_or(""), "127.0.0.1:10912");

  auto cluster = call(ns, RemotingCommand::request(request_code::kGetBrokerClusterInfo));
  ASSERT_TRUE(cluster.ok());
  auto info = ClusterInfo::from_json(cluster->body.as_string_view());
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  const auto& addrs = info->broker_addr_table.at("broker-a").broker_addrs;
  EXPECT_EQ(addrs.at(0), "127.0.0.1:10911");
  EXPECT_EQ(addrs.at(1), "127.0.0.1:11011");
  ASSERT_EQ(info->cluster_addr_table.at("DefaultCluster").size(), 1u);
}

TEST_F(NamesrvClusterTest, UnregisterRemovesTheBrokerAndItsTopics) {
  const auto& ns = namesrvs_[0].address();
  ASSERT_TRUE(call(ns, register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest"})).ok());
  auto request = RemotingCommand::request(request_code::kUnregisterBroker);
  request.set("brokerName", "broker-a");
  request.set("brokerAddr", "127.0.0.1:10911");
  request.set("clusterName", "DefaultCluster");
  request.set("brokerId", std::int64_t{0});
  auto response = call(ns, std::move(request));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, response_code::kSuccess);
  EXPECT_EQ(call(ns, route_request("TopicTest"))->code, response_code::kTopicNotExist);
  // The other name server never heard of it: they do not talk to each other.
  EXPECT_EQ(call(namesrvs_[1].address(), route_request("TopicTest"))->code,
            response_code::kTopicNotExist);
}

TEST_F(NamesrvClusterTest, TopicListsAndDeleteTopic) {
  const auto& ns = namesrvs_[0].address();
  ASSERT_TRUE(call(ns, register_request("broker-a", "127.0.0.1:10911", 0, {"A", "B"})).ok());
  auto all = call(ns, RemotingCommand::request(request_code::kGetAllTopicListFromNameserver));
  ASSERT_TRUE(all.ok());
  auto list = TopicList::from_json(all->body.as_string_view());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->topic_list.size(), 2u);

  auto by_cluster = RemotingCommand::request(request_code::kGetTopicsByCluster);
  by_cluster.set("cluster", "DefaultCluster");
  auto clustered = call(ns, std::move(by_cluster));
  ASSERT_TRUE(clustered.ok());
  EXPECT_EQ(TopicList::from_json(clustered->body.as_string_view())->topic_list.size(), 2u);

  auto del = RemotingCommand::request(request_code::kDeleteTopicInNamesrv);
  del.set("topic", "A");
  EXPECT_EQ(call(ns, std::move(del))->code, response_code::kSuccess);
  EXPECT_EQ(call(ns, route_request("A"))->code, response_code::kTopicNotExist);
  EXPECT_EQ(call(ns, route_request("B"))->code, response_code::kSuccess);
}

TEST_F(NamesrvClusterTest, ClosingTheBrokersConnectionDropsItAtOnce) {
  const auto& ns = namesrvs_[0].address();
  ASSERT_TRUE(call(ns, register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest"})).ok());
  client_->close(ns);
  // A fresh connection (not the broker's) asks again.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto response = call(ns, route_request("TopicTest"));
    gone = response.ok() && response->code == response_code::kTopicNotExist;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
}

TEST_F(NamesrvClusterTest, SilentBrokerExpires) {
  auto& ns = start_namesrv(
      {"-o", "brokerChannelExpiredTime=1000", "-o", "scanNotActiveBrokerInterval=100"});
  ASSERT_TRUE(call(ns.address(), register_request("broker-a", "127.0.0.1:10911", 0, {"T"})).ok());
  EXPECT_EQ(call(ns.address(), route_request("T"))->code, response_code::kSuccess);
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    std::this_thread::sleep_for(10ms);
    gone = call(ns.address(), route_request("T"))->code == response_code::kTopicNotExist;
  }
  EXPECT_TRUE(gone);
}

TEST_F(NamesrvClusterTest, CompressedRegistrationAndCrcCheck) {
  const auto& ns = namesrvs_[0].address();
  auto request = register_request("broker-z", "127.0.0.1:20911", 0, {"Zipped"});
  auto body = RegisterBrokerBody::from_json(request.body.as_string_view());
  ASSERT_TRUE(body.ok());
  auto compressed = body->encode_compressed();
  ASSERT_TRUE(compressed.ok());
  request.body = std::move(compressed).value();
  request.set("compressed", "true");
  ASSERT_EQ(call(ns, std::move(request))->code, response_code::kSuccess);
  EXPECT_EQ(call(ns, route_request("Zipped"))->code, response_code::kSuccess);

  auto bad = register_request("broker-y", "127.0.0.1:30911", 0, {"Bad"});
  bad.set("bodyCrc32", std::int64_t{12345});
  auto refused = call(ns, std::move(bad));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->code, response_code::kSystemError);
  EXPECT_EQ(refused->remark.value_or(""), "crc32 not match");
}

TEST_F(NamesrvClusterTest, UnknownCodeAndMissingFieldsAreAnsweredNotDropped) {
  const auto& ns = namesrvs_[0].address();
  auto unknown = call(ns, RemotingCommand::request(9999));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->code, response_code::kRequestCodeNotSupported);
  auto missing = call(ns, RemotingCommand::request(request_code::kGetRouteinfoByTopic));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->code, response_code::kSystemError);
  EXPECT_NE(missing->remark.value_or("").find("topic"), std::string::npos);
  // The connection still works.
  EXPECT_EQ(call(ns, route_request("X"))->code, response_code::kTopicNotExist);
}

TEST_F(NamesrvClusterTest, MqadminReadsTheCluster) {
  const auto& ns = namesrvs_[0].address();
  ASSERT_TRUE(call(ns, register_request("broker-a", "127.0.0.1:10911", 0, {"TopicTest"})).ok());
  auto clusters = test::run_command(test::bin_path("mqadmin"), {"clusterList", "-n", ns});
  EXPECT_EQ(clusters.exit_code, 0) << clusters.err;
  EXPECT_NE(clusters.out.find("DefaultCluster"), std::string::npos) << clusters.out;
  EXPECT_NE(clusters.out.find("broker-a"), std::string::npos) << clusters.out;
  auto topics = test::run_command(test::bin_path("mqadmin"), {"topicList", "-n", ns});
  EXPECT_EQ(topics.exit_code, 0) << topics.err;
  EXPECT_NE(topics.out.find("TopicTest"), std::string::npos) << topics.out;
  auto route =
      test::run_command(test::bin_path("mqadmin"), {"topicRoute", "-n", ns, "-t", "TopicTest"});
  EXPECT_EQ(route.exit_code, 0) << route.err;
  EXPECT_NE(route.out.find("\"brokerName\":\"broker-a\""), std::string::npos) << route.out;
}

}  // namespace
}  // namespace mq::core
