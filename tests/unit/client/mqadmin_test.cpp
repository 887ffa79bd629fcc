// The mqadmin binary against a FakeBroker registered with a real mqnamesrv.
#include "client_test_support.h"
#include "mq/client/pull_consumer.h"

#include <regex>

namespace mq::client {
namespace {

using test::ClientWorld;

class MqadminTest : public ClientWorld {
 protected:
  test::CommandResult admin(std::vector<std::string> args) {
    return test::run_command(test::bin_path("mqadmin"), args, std::chrono::seconds(30));
  }
};

TEST_F(MqadminTest, SendThenConsumeThenQueryById) {
  auto sent = admin({"sendMessage", "-n", namesrv(), "-t", "TopicTest", "-p", "hello admin", "-k",
                     "k1", "-c", "TagA"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("#Send Result"), std::string::npos) << sent.out;
  EXPECT_NE(sent.out.find("SEND_OK"), std::string::npos) << sent.out;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(sent.out, id, std::regex("[0-9A-F]{32}"))) << sent.out;

  auto consumed = admin({"consumeMessage", "-n", namesrv(), "-t", "TopicTest"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_NE(consumed.out.find("body=hello admin"), std::string::npos) << consumed.out;
  EXPECT_NE(consumed.out.find("tags=TagA keys=k1"), std::string::npos) << consumed.out;
  EXPECT_NE(consumed.out.find("msgId=" + id.str()), std::string::npos) << consumed.out;

  auto viewed = admin({"queryMsgById", "-n", namesrv(), "-i", id.str()});
  ASSERT_EQ(viewed.exit_code, 0) << viewed.err;
  EXPECT_NE(viewed.out.find("hello admin"), std::string::npos) << viewed.out;
  EXPECT_NE(viewed.out.find("TopicTest"), std::string::npos) << viewed.out;
}

TEST_F(MqadminTest, TopicStatusAndConsumerProgress) {
  ASSERT_EQ(admin({"sendMessage", "-n", namesrv(), "-t", "TopicTest", "-p", "x"}).exit_code, 0);
  auto status = admin({"topicStatus", "-n", namesrv(), "-t", "TopicTest"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("#Max Offset"), std::string::npos);
  EXPECT_NE(status.out.find("broker-a"), std::string::npos) << status.out;
  {
    PullConsumer consumer({.namesrv_addr = namesrv(), .group = "CG"});
    ASSERT_TRUE(consumer.start());
    ASSERT_TRUE(consumer.commit_offset({"TopicTest", "broker-a", 0}, 0));
  }
  auto progress = admin({"consumerProgress", "-n", namesrv(), "-g", "CG"});
  ASSERT_EQ(progress.exit_code, 0) << progress.err;
  EXPECT_NE(progress.out.find("Diff Total"), std::string::npos) << progress.out;
}

TEST_F(MqadminTest, BrokerCommands) {
  auto status = admin({"brokerStatus", "-n", namesrv(), "-b", broker_->address()});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("brokerVersionDesc"), std::string::npos) << status.out;
  auto config = admin({"getBrokerConfig", "-n", namesrv(), "-b", broker_->address()});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_NE(config.out.find("brokerName=broker-a"), std::string::npos) << config.out;
  auto update = admin({"updateTopic", "-n", namesrv(), "-c", "DefaultCluster", "-t", "NewTopic",
                       "-w", "2", "-r", "2"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_NE(update.out.find("success"), std::string::npos) << update.out;
  auto group = admin({"updateSubGroup", "-n", namesrv(), "-b", broker_->address(), "-g", "G"});
  ASSERT_EQ(group.exit_code, 0) << group.err;
  auto requests = broker_->requests(200);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.as_string_view().find("\"groupName\":\"G\""), std::string::npos);
}

TEST_F(MqadminTest, UnreachableIsExit1AndBadUsageIsExit2) {
  const std::string nowhere = "127.0.0.1:" + std::to_string(test::free_port());
  auto lost = admin({"brokerStatus", "-b", nowhere});
  EXPECT_EQ(lost.exit_code, 1);
  EXPECT_EQ(std::count(lost.err.begin(), lost.err.end(), '\n'), 1) << lost.err;
  EXPECT_EQ(admin({"topicStatus", "-n", nowhere, "-t", "T"}).exit_code, 1);
  EXPECT_EQ(admin({"sendMessage", "-n", nowhere, "-t", "T", "-p", "x"}).exit_code, 1);
  auto usage = admin({"updateTopic", "-n", namesrv(), "-t", "T"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("usage: mqadmin updateTopic"), std::string::npos) << usage.err;
  EXPECT_EQ(admin({"sendMessage", "-t", "T", "--bogus"}).exit_code, 2);
  EXPECT_EQ(admin({"queryMsgById", "-i", "nothex"}).exit_code, 2);
}

}  // namespace
}  // namespace mq::client
