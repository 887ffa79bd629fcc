// parse_namesrv_config: defaults, our documented keys, RocketMQ keys accepted and ignored.
#include "config_test_support.h"

#include "config/broker_config.h"

#include <gtest/gtest.h>

#include <string>

namespace mq::core {
namespace {

using testing::contains;
using testing::fake_environment;

struct NamesrvParse {
  sdk::Result<NamesrvConfig> result;
  ConfigDiagnostics diagnostics;
};

NamesrvParse parse_namesrv_text(std::string_view text,
                                const std::vector<PropertyEntry>& overrides = {}) {
  const PropertiesFile file = PropertiesFile::parse(text, "namesrv.properties");
  ConfigDiagnostics diagnostics;
  auto result = parse_namesrv_config(&file, overrides, fake_environment(), diagnostics);
  return NamesrvParse{std::move(result), std::move(diagnostics)};
}

TEST(NamesrvConfig, Defaults) {
  ConfigDiagnostics diagnostics;
  auto parsed = parse_namesrv_config(nullptr, {}, fake_environment(), diagnostics);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->listen_address, "0.0.0.0");
  EXPECT_EQ(parsed->listen_port, 9876);
  EXPECT_EQ(parsed->broker_expired_ms, 120000);
  EXPECT_EQ(parsed->scan_not_active_broker_interval_ms, 10000);
  EXPECT_FALSE(parsed->order_message_enable);
  EXPECT_EQ(parsed->transport.idle_timeout_ms, 120000);
  EXPECT_EQ(parsed->transport_plugins, std::vector<std::string>{"transport-tcp"});
  EXPECT_EQ(parsed->log_dir, "/home/tester/logs/rocketmqlogs");
  EXPECT_EQ(parsed->log_level, "info");
  EXPECT_TRUE(diagnostics.warnings.empty());
}

TEST(NamesrvConfig, DocumentedKeysForTests) {
  auto parsed = parse_namesrv_text(
      "listenPort=19876\nbrokerChannelExpiredTime=3000\nscanNotActiveBrokerInterval=500\n"
      "listenAddress=127.0.0.1\nlogLevel=DEBUG\norderMessageEnable=true\n"
      "transportPlugins=transport-uds\n");
  ASSERT_TRUE(parsed.result.ok()) << parsed.result.status().to_string();
  EXPECT_EQ(parsed.result->listen_port, 19876);
  EXPECT_EQ(parsed.result->broker_expired_ms, 3000);
  EXPECT_EQ(parsed.result->scan_not_active_broker_interval_ms, 500);
  EXPECT_EQ(parsed.result->listen_address, "127.0.0.1");
  EXPECT_EQ(parsed.result->log_level, "debug");
  EXPECT_TRUE(parsed.result->order_message_enable);
  EXPECT_EQ(parsed.result->transport_plugins, std::vector<std::string>{"transport-uds"});
}

TEST(NamesrvConfig, RocketMqKeysAreAcceptedAndIgnored) {
  auto parsed = parse_namesrv_text(
      "rocketmqHome=/opt/rocketmq\nkvConfigPath=/srv/namesrv/kvConfig.json\n"
      "serverWorkerThreads=8\nlistenPrt=1\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.diagnostics.notes.size(), 3u);
  EXPECT_EQ(parsed.diagnostics.notes[1],
            "namesrv.properties:2: kvConfigPath is accepted for RocketMQ compatibility and "
            "ignored: the name server keeps no key-value config file; it is stateless");
  EXPECT_EQ(parsed.diagnostics.warnings,
            std::vector<std::string>{"namesrv.properties:4: unknown key 'listenPrt' ignored; did "
                                     "you mean 'listenPort'?"});
}

TEST(NamesrvConfig, BadValuesAreOneLine) {
  EXPECT_EQ(parse_namesrv_text("listenPort=abc\n").result.status().message(),
            "namesrv.properties:1: listenPort: 'abc' is not an integer; allowed: 1..65535");
  EXPECT_EQ(parse_namesrv_text("brokerChannelExpiredTime=10\n").result.status().message(),
            "namesrv.properties:1: brokerChannelExpiredTime: '10' is out of range; allowed: "
            "1000..86400000");
  EXPECT_EQ(parse_namesrv_text("listenAddress=localhost\n").result.status().message(),
            "namesrv.properties:1: listenAddress: 'localhost' is not an IPv4 address; allowed: "
            "an IPv4 address");
  EXPECT_EQ(
      parse_namesrv_text("", {testing::command_line("listenPort", "0")}).result.status().message(),
      "<command line>: listenPort: '0' is out of range; allowed: 1..65535");
}

TEST(NamesrvConfig, EffectiveConfigListsEveryKey) {
  auto parsed = parse_namesrv_text("listenPort=19876\n");
  ASSERT_TRUE(parsed.result.ok());
  const std::string printed = format_effective_config(*parsed.result);
  EXPECT_EQ(printed.rfind("brokerChannelExpiredTime=120000\n", 0), 0u);  // sorted: first
  EXPECT_NE(printed.find("\nlistenPort=19876\n"), std::string::npos);
  EXPECT_NE(printed.find("\nserverChannelMaxIdleTimeSeconds=120\n"), std::string::npos);
  EXPECT_EQ(printed.find("rocketmqHome"), std::string::npos);
  auto reread = parse_namesrv_text(printed);
  ASSERT_TRUE(reread.result.ok());
  EXPECT_EQ(format_effective_config(*reread.result), printed);
}

}  // namespace
}  // namespace mq::core
