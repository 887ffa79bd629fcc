// Every refused value is exactly one line: FILE:LINE: KEY: what is wrong; allowed: ...
#include "config_test_support.h"

#include "config/broker_config.h"

#include <gtest/gtest.h>

#include <string>

namespace mq::core {
namespace {

using testing::broker_error;

struct ErrorCase {
  const char* text;      // the file, one entry per line
  const char* expected;  // the whole error line
};

// Lines above the bad one shift its number, so each case starts with a comment or a good key.
const ErrorCase kCases[] = {
    {"# roles\nbrokerRole=MASTER\n",
     "broker.properties:2: brokerRole: 'MASTER' is not a broker role; allowed: ASYNC_MASTER, "
     "SYNC_MASTER, SLAVE"},
    {"brokerRole=sync_master\n",
     "broker.properties:1: brokerRole: 'sync_master' is not a broker role; allowed: "
     "ASYNC_MASTER, SYNC_MASTER, SLAVE"},
    {"brokerName=b\nlistenPort=abc\n",
     "broker.properties:2: listenPort: 'abc' is not an integer; allowed: 1..65535"},
    {"listenPort=70000\n",
     "broker.properties:1: listenPort: '70000' is out of range; allowed: 1..65535"},
    {"listenPort=0\n", "broker.properties:1: listenPort: '0' is out of range; allowed: 1..65535"},
    {"flushDiskType=SYNC\n",
     "broker.properties:1: flushDiskType: 'SYNC' is not a flush type; allowed: ASYNC_FLUSH, "
     "SYNC_FLUSH"},
    {"haListenPort=-1\n",
     "broker.properties:1: haListenPort: '-1' is out of range; allowed: 1..65535"},
    {"brokerId=-1\n",
     "broker.properties:1: brokerId: '-1' is out of range; allowed: an integer >= 0"},
    {"brokerClusterName=my cluster\n",
     "broker.properties:1: brokerClusterName: 'my cluster' contains ' '; allowed: 1 to 127 "
     "characters from A-Z a-z 0-9 . _ - % |"},
    {"brokerName=\n",
     "broker.properties:1: brokerName: '' is empty; allowed: 1 to 127 characters from A-Z a-z "
     "0-9 . _ - % |"},
    {"brokerIP1=not an ip\n",
     "broker.properties:1: brokerIP1: 'not an ip' is not an IPv4 address or host name; allowed: "
     "an IPv4 address, or a host name that resolves to one"},
    {"deleteWhen=25\n",
     "broker.properties:1: deleteWhen: '25' has '25', which is not an hour; allowed: hours of "
     "the day 00..23 separated by ';', such as 04 or 04;16"},
    {"deleteWhen=04;4pm\n",
     "broker.properties:1: deleteWhen: '04;4pm' has '4pm', which is not an hour; allowed: hours "
     "of the day 00..23 separated by ';', such as 04 or 04;16"},
    {"fileReservedTime=0\n",
     "broker.properties:1: fileReservedTime: '0' is out of range; allowed: 1..2147483647"},
    {"fileReservedTime=48h\n",
     "broker.properties:1: fileReservedTime: '48h' is not an integer; allowed: 1..2147483647"},
    {"diskMaxUsedSpaceRatio=88%\n",
     "broker.properties:1: diskMaxUsedSpaceRatio: '88%' is not an integer; allowed: 10..95"},
    {"maxMessageSize=0\n",
     "broker.properties:1: maxMessageSize: '0' is out of range; allowed: 1..16711680"},
    {"maxMessageSize=16777216\n",
     "broker.properties:1: maxMessageSize: '16777216' is out of range; allowed: 1..16711680"},
    {"syncFlushTimeout=0\n",
     "broker.properties:1: syncFlushTimeout: '0' is out of range; allowed: 1..600000"},
    {"slaveTimeout=3s\n",
     "broker.properties:1: slaveTimeout: '3s' is not an integer; allowed: 1..600000"},
    {"mappedFileSizeConsumeQueue=10\n",
     "broker.properties:1: mappedFileSizeConsumeQueue: '10' is out of range; allowed: "
     "20..2147483640"},
    {"storePlugin=Store_Mmap\n",
     "broker.properties:1: storePlugin: 'Store_Mmap' is not a plugin name; allowed: a plugin "
     "name of [a-z0-9_-]+"},
    {"transportPlugins=transport-tcp,,transport-uds\n",
     "broker.properties:1: transportPlugins: 'transport-tcp,,transport-uds' has an empty item; "
     "allowed: comma-separated plugin names of [a-z0-9_-]+"},
    {"transportPlugins=transport-tcp,../x\n",
     "broker.properties:1: transportPlugins: 'transport-tcp,../x' has '../x', which is not a "
     "plugin name; allowed: comma-separated plugin names of [a-z0-9_-]+"},
    {"logLevel=verbose\n",
     "broker.properties:1: logLevel: 'verbose' is not a log level; allowed: trace, debug, info, "
     "warn, error"},
    {"logDir=\n",
     "broker.properties:1: logDir: '' is empty; allowed: a path (a relative one is taken from "
     "the working directory)"},
    {"storePathRootDir=\n",
     "broker.properties:1: storePathRootDir: '' is empty; allowed: a path (a relative one is "
     "taken from the working directory)"},
    {"autoCreateTopicEnable=yes\n",
     "broker.properties:1: autoCreateTopicEnable: 'yes' is not a boolean; allowed: true, false"},
    {"messageIndexEnable=\n",
     "broker.properties:1: messageIndexEnable: '' is not a boolean; allowed: true, false"},
    {"defaultTopicQueueNums=0\n",
     "broker.properties:1: defaultTopicQueueNums: '0' is out of range; allowed: 1..1024"},
    {"brokerPermission=8\n",
     "broker.properties:1: brokerPermission: '8' is out of range; allowed: 0..7"},
    {"messageDelayLevel=1s 5q\n",
     "broker.properties:1: messageDelayLevel: '1s 5q' has '5q', which is not a duration; "
     "allowed: durations such as 1s 5s 1m 2h 1d separated by blanks"},
    {"haMasterAddress=10.0.0.1\n",
     "broker.properties:1: haMasterAddress: '10.0.0.1' has no ':port'; allowed: host:port with "
     "port 1..65535, or empty"},
    {"serverChannelMaxIdleTimeSeconds=0\n",
     "broker.properties:1: serverChannelMaxIdleTimeSeconds: '0' is out of range; allowed: "
     "1..86400"},
    {"useTLS=true\n",
     "broker.properties:1: useTLS: 'true' is not supported: TLS is not implemented by the "
     "transport plugins; allowed: false"},
    // Junk bytes are quoted so the error stays on one line.
    {"listenPort=\x01\x02\n",
     "broker.properties:1: listenPort: '\\x01\\x02' is not an integer; allowed: 1..65535"},
    // Line numbers count continuation lines, CRLF endings and comments.
    {"#a\r\nnamesrvAddr=127.0.0.1:9876;\\\r\n  127.0.0.1:9877\r\nlistenPort=x\r\n",
     "broker.properties:4: listenPort: 'x' is not an integer; allowed: 1..65535"},
};

TEST(BrokerConfigErrors, EachBadValueIsExactlyOneLine) {
  for (const auto& c : kCases) {
    const std::string error = broker_error(c.text);
    EXPECT_EQ(error, c.expected) << "input: " << c.text;
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
}

TEST(BrokerConfigErrors, TheFirstBadLineIsReported) {
  EXPECT_EQ(broker_error("listenPort=a\nbrokerRole=b\n"),
            "broker.properties:1: listenPort: 'a' is not an integer; allowed: 1..65535");
  EXPECT_EQ(broker_error("brokerRole=b\nlistenPort=a\n"),
            "broker.properties:1: brokerRole: 'b' is not a broker role; allowed: ASYNC_MASTER, "
            "SYNC_MASTER, SLAVE");
}

TEST(BrokerConfigErrors, CommandLineErrorsHaveNoLineNumber) {
  EXPECT_EQ(broker_error("", {testing::command_line("brokerRole", "MASTER")}),
            "<command line>: brokerRole: 'MASTER' is not a broker role; allowed: ASYNC_MASTER, "
            "SYNC_MASTER, SLAVE");
  EXPECT_EQ(broker_error("", {testing::command_line("flushDiskType", "SYNC")}),
            "<command line>: flushDiskType: 'SYNC' is not a flush type; allowed: ASYNC_FLUSH, "
            "SYNC_FLUSH");
}

TEST(BrokerConfigErrors, StatusCodeIsInvalidArgument) {
  auto parsed = testing::parse_broker_text("listenPort=abc\n");
  ASSERT_FALSE(parsed.result.ok());
  EXPECT_EQ(parsed.result.status().code(), sdk::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mq::core
