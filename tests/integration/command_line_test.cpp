// The binaries as an operator runs them: -p on the user guide's files, and every refusal
// (bad value, unknown plugin, plugin of the wrong seam) as one line with exit code 2.
#include "test_process.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mq::test {
namespace {

const std::string kGuideDir = std::string(MQ_TEST_DATA_DIR) + "/user-guide/";

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// The stderr lines that are not warnings.
std::string error_lines(const std::string& err) {
  std::string out;
  std::size_t start = 0;
  while (start < err.size()) {
    auto end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    if (line.find("warning:") == std::string::npos && !line.empty()) out += line + "\n";
    start = end + 1;
  }
  return out;
}

struct GuideFile {
  const char* file;
  const char* broker_name;
  const char* role;
  const char* replication;
  const char* port;
};

class UserGuideFiles : public ::testing::TestWithParam<GuideFile> {};

TEST_P(UserGuideFiles, PrintConfigShowsTheEffectiveValuesAndPlugins) {
  const auto& param = GetParam();
  auto result = run_command(bin_path("mqbroker"), {"-c", kGuideDir + param.file, "-p"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(std::string("brokerName=") + param.broker_name), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(std::string("brokerRole=") + param.role), std::string::npos);
  EXPECT_NE(result.out.find(std::string("listenPort=") + param.port), std::string::npos);
  EXPECT_NE(result.out.find("storePlugin=store-mmap"), std::string::npos);
  EXPECT_NE(result.out.find("transportPlugins=transport-tcp"), std::string::npos);
  EXPECT_NE(result.out.find(std::string("replicationPlugin=") + param.replication),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("namesrvAddr=127.0.0.1:9876;127.0.0.1:9877"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("mappedFileSizeCommitLog=1073741824"), std::string::npos);
  EXPECT_NE(result.out.find("maxMessageSize=65536"), std::string::npos);
  // The legacy spelling is accepted, and said so.
  EXPECT_NE(result.err.find("mapedFileSizeCommitLog"), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(
    Guide, UserGuideFiles,
    ::testing::Values(
        GuideFile{"broker-a.properties", "broker-a", "SYNC_MASTER", "replication-sync", "10911"},
        GuideFile{"broker-a-s.properties", "broker-a", "SLAVE", "replication-async", "11011"},
        GuideFile{"broker-b.properties", "broker-b", "SYNC_MASTER", "replication-sync", "10911"},
        GuideFile{"broker-b-s.properties", "broker-b", "SLAVE", "replication-async", "11011"}),
    [](const ::testing::TestParamInfo<GuideFile>& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(0, name.find('.'));
      for (auto& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

class Refusals : public ::testing::Test {
 protected:
  // Writes a properties file whose store and logs live in the temp dir.
  std::string properties(const std::string& extra) {
    return dir_.write("bad.properties",
                      "brokerClusterName=DefaultCluster\n"
                      "brokerName=broker-a\n" +
                          extra + "\nstorePathRootDir=" + dir_.path() +
                          "/store\nlogDir=" + dir_.path() + "/logs\nnamesrvAddr=\n");
  }
  void expect_one_line_refusal(const CommandResult& result, const std::string& expected) {
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    auto errors = error_lines(result.err);
    EXPECT_EQ(count_lines(errors), 1) << errors;
    EXPECT_NE(errors.find(expected), std::string::npos) << errors;
  }
  TempDir dir_;
};

TEST_F(Refusals, BadBrokerRole) {
  auto path = properties("brokerRole=MASTER");
  expect_one_line_refusal(
      run_command(bin_path("mqbroker"), {"-c", path, "-p"}),
      "bad.properties:3: brokerRole: 'MASTER' is not a broker role; allowed: ASYNC_MASTER, "
      "SYNC_MASTER, SLAVE");
}

TEST_F(Refusals, BadListenPort) {
  auto path = properties("listenPort=abc");
  auto result = run_command(bin_path("mqbroker"), {"-c", path, "-p"});
  expect_one_line_refusal(result, "bad.properties:3: listenPort: ");
  EXPECT_NE(result.err.find("abc"), std::string::npos);
}

TEST_F(Refusals, BadFlushDiskType) {
  auto path = properties("flushDiskType=SYNC");
  expect_one_line_refusal(run_command(bin_path("mqbroker"), {"-c", path, "-p"}),
                          "bad.properties:3: flushDiskType: 'SYNC'");
}

TEST_F(Refusals, UnknownPluginIsNamedWithWhatExists) {
  auto path = properties("storePlugin=store-nope");
  // -p still prints the choice; starting refuses it.
  auto printed = run_command(bin_path("mqbroker"), {"-c", path, "-p"});
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("storePlugin=store-nope"), std::string::npos);
  auto result = run_command(bin_path("mqbroker"), {"-c", path});
  expect_one_line_refusal(result, "storePlugin: plugin 'store-nope' not found");
  EXPECT_NE(result.err.find("transport-tcp"), std::string::npos) << result.err;
}

TEST_F(Refusals, PluginOfTheWrongSeam) {
  auto path = properties("storePlugin=transport-tcp");
  expect_one_line_refusal(run_command(bin_path("mqbroker"), {"-c", path}),
                          "storePlugin: plugin 'transport-tcp' (");
  auto result = run_command(bin_path("mqbroker"), {"-c", path});
  EXPECT_NE(result.err.find("is a transport plugin, but storePlugin needs a store plugin"),
            std::string::npos)
      << result.err;
}

TEST_F(Refusals, MissingFileIsNamed) {
  auto result = run_command(bin_path("mqbroker"), {"-c", dir_.file("nope.properties"), "-p"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nope.properties"), std::string::npos) << result.err;
}

TEST_F(Refusals, UnknownOption) {
  auto result = run_command(bin_path("mqnamesrv"), {"--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown option '--bogus'"), std::string::npos) << result.err;
}

TEST(NamesrvCommandLine, PrintConfigHasTheDefaults) {
  auto result = run_command(bin_path("mqnamesrv"), {"-p"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("listenPort=9876"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("brokerChannelExpiredTime=120000"), std::string::npos) << result.out;
}

TEST(NamesrvCommandLine, BadValueIsOneLine) {
  TempDir dir;
  auto path = dir.write("namesrv.properties", "# comment\nlistenPort=99999\n");
  auto result = run_command(bin_path("mqnamesrv"), {"-c", path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("namesrv.properties:2: listenPort: "), std::string::npos) << result.err;
}

TEST(BrokerCommandLine, PluginsListsWhatIsInstalled) {
  TempDir dir;
  auto result = run_command(bin_path("mqbroker"), {"--plugins", "-o", "logDir=" + dir.path()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("transport-tcp"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("seam=transport"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("selected by transportPlugins"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace mq::test
