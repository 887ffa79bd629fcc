// Several transports at once: a broker and a name server serving TCP and a Unix socket
// (transport-uds). Local clients of ours reach them over the socket, remote-style clients
// (ali-ons, or anyone dialling TCP) over TCP, at the same time; a broker with the Unix socket
// alone is still reachable by our clients through the name server's TCP route.
#include "net/local_socket.h"

#include "mq/client/producer.h"
#include "mq/client/pull_consumer.h"
#include "test_process.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace mq::test {
namespace {

using namespace std::chrono_literals;

class LocalSocketTest : public ::testing::Test {
 protected:
  void start(const std::string& broker_transports) {
    namesrv_port_ = free_port_block(1);
    namesrv_ = std::make_unique<ChildProcess>(
        bin_path("mqnamesrv"),
        std::vector<std::string>{"-o", "listenPort=" + std::to_string(namesrv_port_), "-o",
                                 "listenAddress=127.0.0.1", "-o", "logDir=" + dir_.file("logs"),
                                 "-o", "transportPlugins=transport-tcp,transport-uds", "-o",
                                 "unixSocketDir=" + dir_.path()},
        dir_.path());
    ASSERT_TRUE(wait_for_port(namesrv_port_, 10s)) << namesrv_->err();
    broker_port_ = free_port_block(4) + 2;
    // The broker registers over the name server's socket: it may have no TCP at all.
    const std::string namesrv_socket = core::local_socket_address(dir_.path(), namesrv_port_);
    broker_ = std::make_unique<ChildProcess>(
        bin_path("mqbroker"),
        std::vector<std::string>{
            "-o", "brokerIP1=127.0.0.1", "-o", "listenPort=" + std::to_string(broker_port_), "-o",
            "namesrvAddr=" + namesrv_socket, "-o", "storePathRootDir=" + dir_.file("store"), "-o",
            "logDir=" + dir_.file("logs"), "-o", "mappedFileSizeCommitLog=8388608", "-o",
            "transportPlugins=" + broker_transports, "-o", "unixSocketDir=" + dir_.path()},
        dir_.path());
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (broker_->out().find("boot success") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline && broker_->running()) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_NE(broker_->out().find("boot success"), std::string::npos)
        << broker_->err() << broker_->out();
  }

  std::string namesrv() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }

  // Sends `n` messages and reads them back with our client over the broker's socket.
  void round_trip(const std::string& topic, int n) {
    client::Producer producer(
        {.namesrv_addr = namesrv(), .group = "PG", .unix_socket_dir = dir_.path()});
    ASSERT_TRUE(producer.start().is_ok());
    for (int i = 0; i < n; ++i) {
      auto sent =
          producer.send({.topic = topic, .tags = "T", .body = "via socket " + std::to_string(i)});
      ASSERT_TRUE(sent.ok()) << sent.status().to_string();
      EXPECT_EQ(sent->status, client::SendStatus::kSendOk);
    }
    client::PullConsumer consumer(
        {.namesrv_addr = namesrv(), .group = "CG", .unix_socket_dir = dir_.path()});
    ASSERT_TRUE(consumer.start().is_ok());
    auto queues = consumer.fetch_subscribe_queues(topic);
    ASSERT_TRUE(queues.ok()) << queues.status().to_string();
    int received = 0;
    for (const auto& queue : queues.value()) {
      auto pulled = consumer.pull(queue, "*", 0, 32);
      ASSERT_TRUE(pulled.ok()) << pulled.status().to_string();
      received += static_cast<int>(pulled->messages.size());
    }
    EXPECT_EQ(received, n);
  }

  TempDir dir_;
  int namesrv_port_ = 0, broker_port_ = 0;
  std::unique_ptr<ChildProcess> namesrv_, broker_;
};

TEST_F(LocalSocketTest, BrokerWithTheSocketAloneServesOurClients) {
  start("transport-uds");
  EXPECT_TRUE(
      std::filesystem::exists(dir_.file("rocketmq-" + std::to_string(broker_port_) + ".sock")));
  EXPECT_FALSE(wait_for_port(broker_port_, 200ms)) << "the broker should not listen on TCP";
  round_trip("OverSocket", 5);
}

TEST_F(LocalSocketTest, BothTransportsAtOnce) {
  start("transport-tcp,transport-uds");
  EXPECT_TRUE(wait_for_port(broker_port_, 1s));
  round_trip("BothWays", 3);
  // The same broker over TCP, as a remote client sees it.
  auto sent = run_command(bin_path("mqadmin"),
                          {"sendMessage", "-n", namesrv(), "-t", "BothWays", "-p", "over tcp"});
  EXPECT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
}

}  // namespace
}  // namespace mq::test
