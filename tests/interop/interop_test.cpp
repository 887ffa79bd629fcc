// Wire compatibility: the third-party pure-JavaScript RocketMQ client ali-ons (pinned in
// package.json, installed by `npm ci` in the test command) produces and consumes through our
// real name server and broker. See interop.js for what it checks.
#include "cluster_fixture.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

namespace mq::test {
namespace {

using namespace std::chrono_literals;

std::string find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe)
  std::stringstream dirs(path ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return "";
}

// Creates the topic as an operator would (ali-ons never auto-creates topics) and waits until
// the name server routes it.
void create_topic(LocalCluster& cluster, const std::string& topic) {
  auto create = core::RemotingCommand::request(core::request_code::kUpdateAndCreateTopic);
  create.set("topic", topic);
  create.set("defaultTopic", "TBW102");
  create.set("readQueueNums", std::int64_t{4});
  create.set("writeQueueNums", std::int64_t{4});
  create.set("perm", std::int64_t{6});
  create.set("topicFilterType", "SINGLE_TAG");
  auto created = cluster.call(cluster.broker_address(), std::move(create));
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  ASSERT_EQ(created->code, core::response_code::kSuccess) << created->remark.value_or("");
  bool routed = false;
  for (int i = 0; i < 100 && !routed; ++i) {
    auto route = core::RemotingCommand::request(core::request_code::kGetRouteinfoByTopic);
    route.set("topic", topic);
    auto answer = cluster.call(cluster.namesrv_address(), std::move(route));
    routed = answer.ok() && answer->code == core::response_code::kSuccess;
    if (!routed) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(routed);
}

void run_ali_ons(LocalCluster& cluster) {
  const std::string interop_dir = MQ_INTEROP_DIR;
  ASSERT_TRUE(std::filesystem::exists(interop_dir + "/node_modules/ali-ons"))
      << "ali-ons is not installed: run `npm ci` in tests/interop (scripts/test.sh does)";
  const std::string node = find_in_path("node");
  ASSERT_FALSE(node.empty()) << "node is not installed (scripts/install-deps.sh installs it)";
  create_topic(cluster, "InteropTopic");
  auto result =
      run_command(node, {interop_dir + "/interop.js", cluster.namesrv_address(), "InteropTopic"},
                  120s, interop_dir);
  EXPECT_EQ(result.exit_code, 0) << "stdout: " << result.out << "\nstderr: " << result.err
                                 << "\nbroker: " << cluster.broker_err();
  std::printf("ali-ons: %s\n", result.out.c_str());
  EXPECT_NE(result.out.find("\"received\":6"), std::string::npos) << result.out;
}

TEST(AliOnsInterop, ProducesAndConsumesWithTagsKeysAndProperties) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start_broker()) << cluster.broker_err();
  run_ali_ons(cluster);
}

TEST(AliOnsInterop, OnStoreLmdb) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start_broker({"-o", "storePlugin=store-lmdb"})) << cluster.broker_err();
  run_ali_ons(cluster);
}

// A broker serving TCP and a Unix socket at once: ali-ons over TCP, our client (mqadmin, which
// prefers the socket of a local broker) over the socket, against the same broker.
TEST(AliOnsInterop, WhileTheBrokerAlsoServesAUnixSocket) {
  LocalCluster cluster;
  // The default unixSocketDir (/tmp), which is also where our client looks by default.
  ASSERT_TRUE(cluster.start_broker({"-o", "transportPlugins=transport-tcp,transport-uds"}))
      << cluster.broker_err();
  run_ali_ons(cluster);
  const std::string socket =
      std::string("/tmp/rocketmq-") +
      cluster.broker_address().substr(cluster.broker_address().rfind(':') + 1) + ".sock";
  ASSERT_TRUE(std::filesystem::exists(socket)) << socket;
  auto sent =
      run_command(bin_path("mqadmin"), {"sendMessage", "-n", cluster.namesrv_address(), "-t",
                                        "InteropTopic", "-p", "also here", "-c", "TagA"});
  EXPECT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
}

// The user guide's broker-a.properties as an operator would use it on one machine: name
// server and store paths pointed here, ASYNC_MASTER (no slave runs in this test). ali-ons and
// our own client (through mqadmin) both produce to and consume from it.
TEST(UserGuideBroker, ServesAliOnsAndOurClient) {
  LocalCluster cluster;
  const std::string store = cluster.store_dir();
  ASSERT_TRUE(cluster.start_broker(
      {"-c", std::string(MQ_TEST_DATA_DIR) + "/user-guide/broker-a.properties", "-o",
       "brokerRole=ASYNC_MASTER", "-o", "storePathCommitLog=" + store + "/commitlog", "-o",
       "storePathConsumeQueue=" + store + "/consumequeue", "-o",
       "storePathIndex=" + store + "/index", "-o", "storeCheckpoint=" + store + "/checkpoint", "-o",
       "abortFile=" + store + "/abort"}))
      << cluster.broker_err();
  run_ali_ons(cluster);

  create_topic(cluster, "GuideTopic");
  const std::string mqadmin = bin_path("mqadmin");
  auto sent = run_command(mqadmin, {"sendMessage", "-n", cluster.namesrv_address(), "-t",
                                    "GuideTopic", "-p", "hello from the user guide", "-c", "TagA"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
  auto consumed = run_command(
      mqadmin, {"consumeMessage", "-n", cluster.namesrv_address(), "-t", "GuideTopic", "-c", "1"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out << consumed.err;
  EXPECT_NE(consumed.out.find("hello from the user guide"), std::string::npos) << consumed.out;
}

// ali-ons reads from a slave whose master is down: a master and its slave (same brokerName,
// brokerId 1), five messages sent with mqadmin and replicated, the master SIGKILLed, then an
// ali-ons consumer (consume_only.js) that finds only the slave in the route and must receive
// all five from it.
TEST(AliOnsInterop, ConsumesFromASlaveWhoseMasterIsDown) {
  const std::string interop_dir = MQ_INTEROP_DIR;
  ASSERT_TRUE(std::filesystem::exists(interop_dir + "/node_modules/ali-ons"))
      << "ali-ons is not installed: run `npm ci` in tests/interop (scripts/test.sh does)";
  const std::string node = find_in_path("node");
  ASSERT_FALSE(node.empty()) << "node is not installed (scripts/install-deps.sh installs it)";
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start_broker({"-o", "brokerRole=ASYNC_MASTER"})) << cluster.broker_err();
  const std::string topic = "SlaveReadTopic";
  // Before the slave starts, so it takes the topic from its master at its first registration.
  create_topic(cluster, topic);

  const int slave_port = free_port_block(4) + 2;  // fast port - 2, HA port + 1
  const std::string slave_address = "127.0.0.1:" + std::to_string(slave_port);
  ChildProcess slave(bin_path("mqbroker"),
                     {"-o", "brokerClusterName=DefaultCluster",
                      "-o", "brokerName=broker-a",
                      "-o", "brokerId=1",
                      "-o", "brokerRole=SLAVE",
                      "-o", "brokerIP1=127.0.0.1",
                      "-o", "listenPort=" + std::to_string(slave_port),
                      "-o", "namesrvAddr=" + cluster.namesrv_address(),
                      "-o", "storePathRootDir=" + cluster.dir().path() + "/slave-store",
                      "-o", "logDir=" + cluster.dir().path() + "/slave-logs",
                      "-o", "mappedFileSizeCommitLog=8388608",
                      "-o", "mappedFileSizeConsumeQueue=6000"},
                     cluster.dir().path());
  bool booted = false;
  for (int i = 0; i < 150 && !booted && slave.running(); ++i) {
    booted = slave.out().find("boot success") != std::string::npos;
    if (!booted) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(booted) << slave.err() << slave.out();

  constexpr int kMessages = 5;
  for (int i = 0; i < kMessages; ++i) {
    auto sent = run_command(bin_path("mqadmin"),
                            {"sendMessage", "-n", cluster.namesrv_address(), "-t", topic, "-p",
                             "from the slave " + std::to_string(i), "-c", "TagS"});
    ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
    ASSERT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
  }
  // Replicated: the slave's queues hold all five.
  auto slave_total = [&] {
    std::int64_t total = 0;
    for (std::int64_t queue = 0; queue < 4; ++queue) {
      auto request = core::RemotingCommand::request(core::request_code::kGetMaxOffset);
      request.set("topic", topic);
      request.set("queueId", queue);
      auto answer = cluster.call(slave_address, std::move(request));
      if (!answer.ok() || answer->code != core::response_code::kSuccess) return std::int64_t{-1};
      total += answer->get_int("offset").value_or(0);
    }
    return total;
  };
  bool replicated = false;
  for (int i = 0; i < 100 && !replicated; ++i) {
    replicated = slave_total() == kMessages;
    if (!replicated) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(replicated) << slave_total();

  cluster.kill_broker();
  // The name server drops the master; the route names the slave only.
  bool slave_only = false;
  for (int i = 0; i < 100 && !slave_only; ++i) {
    auto route = core::RemotingCommand::request(core::request_code::kGetRouteinfoByTopic);
    route.set("topic", topic);
    auto answer = cluster.call(cluster.namesrv_address(), std::move(route));
    slave_only =
        answer.ok() && answer->code == core::response_code::kSuccess &&
        answer->body.as_string_view().find(slave_address) != std::string_view::npos &&
        answer->body.as_string_view().find(cluster.broker_address()) == std::string_view::npos;
    if (!slave_only) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(slave_only);

  auto result = run_command(node,
                            {interop_dir + "/consume_only.js", cluster.namesrv_address(), topic,
                             std::to_string(kMessages), "GID_SlaveRead"},
                            30s, interop_dir);
  EXPECT_EQ(result.exit_code, 0) << "stdout: " << result.out << "\nstderr: " << result.err
                                 << "\nslave: " << slave.err() << slave.out();
  std::printf("ali-ons from the slave: %s\n", result.out.c_str());
  EXPECT_NE(result.out.find("\"received\":5"), std::string::npos) << result.out;
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_NE(result.out.find("from the slave " + std::to_string(i)), std::string::npos)
        << result.out;
  }
}

}  // namespace
}  // namespace mq::test
