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

TEST(AliOnsInterop, ProducesAndConsumesWithTagsKeysAndProperties) {
  const std::string interop_dir = MQ_INTEROP_DIR;
  ASSERT_TRUE(std::filesystem::exists(interop_dir + "/node_modules/ali-ons"))
      << "ali-ons is not installed: run `npm ci` in tests/interop (scripts/test.sh does)";
  const std::string node = find_in_path("node");
  ASSERT_FALSE(node.empty()) << "node is not installed (scripts/install-deps.sh installs it)";

  LocalCluster cluster;
  ASSERT_TRUE(cluster.start_broker()) << cluster.broker_err();
  // ali-ons never auto-creates topics: create it as an operator would with mqadmin.
  auto create = core::RemotingCommand::request(core::request_code::kUpdateAndCreateTopic);
  create.set("topic", "InteropTopic");
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
    route.set("topic", "InteropTopic");
    auto answer = cluster.call(cluster.namesrv_address(), std::move(route));
    routed = answer.ok() && answer->code == core::response_code::kSuccess;
    if (!routed) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(routed);

  auto result =
      run_command(node, {interop_dir + "/interop.js", cluster.namesrv_address(), "InteropTopic"},
                  120s, interop_dir);
  EXPECT_EQ(result.exit_code, 0) << "stdout: " << result.out << "\nstderr: " << result.err
                                 << "\nbroker: " << cluster.broker_err();
  std::printf("ali-ons: %s\n", result.out.c_str());
  EXPECT_NE(result.out.find("\"received\":6"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace mq::test
