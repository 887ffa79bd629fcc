// mqbench smoke run: a short produce, a consume of that backlog and an end-to-end run against
// real processes, checking that each completes with no errors. Figures are not asserted:
// speed is measured with mqbench itself (docs/BENCHMARKS.md), not in tests.
#include "cluster_fixture.h"

#include <gtest/gtest.h>

namespace mq::test {
namespace {

using namespace std::chrono_literals;

TEST(MqbenchSmoke, ProduceConsumeAndEndToEnd) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start_broker()) << cluster.broker_err();
  const std::string bench = bin_path("mqbench");
  auto produced = run_command(bench,
                              {"produce", "-n", cluster.namesrv_address(), "-t", "Smoke", "-c",
                               "2000", "-s", "512", "--json"},
                              60s);
  ASSERT_EQ(produced.exit_code, 0) << produced.out << produced.err;
  EXPECT_NE(produced.out.find("\"errors\":{}"), std::string::npos) << produced.out;
  auto consumed = run_command(
      bench, {"consume", "-n", cluster.namesrv_address(), "-t", "Smoke", "--json"}, 60s);
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out << consumed.err;
  EXPECT_NE(consumed.out.find("\"messages\":2000"), std::string::npos) << consumed.out;
  auto e2e = run_command(
      bench, {"e2e", "-n", cluster.namesrv_address(), "-t", "SmokeE2E", "-c", "500", "--json"},
      60s);
  ASSERT_EQ(e2e.exit_code, 0) << e2e.out << e2e.err;
  EXPECT_NE(e2e.out.find("\"messages\":500"), std::string::npos) << e2e.out;
}

}  // namespace
}  // namespace mq::test
