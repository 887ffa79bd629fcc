// The strict value syntaxes: integers, booleans, numbers, host:port, names.
#include "config/config_values.h"

#include "config/config_checks.h"

#include <gtest/gtest.h>

#include <limits>

namespace mq::core {
namespace {

TEST(ConfigValues, IntegersAreDecimalWithAnOptionalSign) {
  EXPECT_EQ(parse_int64("10911"), 10911);
  EXPECT_EQ(parse_int64("-12"), -12);
  EXPECT_EQ(parse_int64("+7"), 7);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  for (const char* bad : {"", "-", "+", "+-1", "abc", "1k", " 1", "1 ", "0x10", "1.0", "1e3",
                          "9223372036854775808"}) {
    EXPECT_FALSE(parse_int64(bad).has_value()) << bad;
  }
}

TEST(ConfigValues, BooleansAreTrueOrFalseInAnyCase) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("False"), false);
  for (const char* bad : {"", "yes", "no", "1", "0", "on", "truee", " true"}) {
    EXPECT_FALSE(parse_bool(bad).has_value()) << bad;
  }
}

TEST(ConfigValues, DoublesAreFiniteDecimals) {
  EXPECT_EQ(parse_double("0.5"), 0.5);
  EXPECT_EQ(parse_double("-1e3"), -1000.0);
  EXPECT_EQ(parse_double("+2"), 2.0);
  EXPECT_EQ(parse_double(".25"), 0.25);
  for (const char* bad : {"", "nan", "inf", "-inf", "Infinity", "1,5", "0x1p3", "1e999", "abc"}) {
    EXPECT_FALSE(parse_double(bad).has_value()) << bad;
  }
  EXPECT_EQ(parse_double(format_double(0.1)), 0.1);
}

TEST(ConfigValues, HostPortNeedsAHostAndAPortInRange) {
  std::string problem;
  auto ok = parse_host_port("rocketmq-nameserver1:9876", problem);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->host, "rocketmq-nameserver1");
  EXPECT_EQ(ok->port, 9876);
  EXPECT_FALSE(parse_host_port("localhost", problem));
  EXPECT_EQ(problem, "has no ':port'");
  EXPECT_FALSE(parse_host_port(":9876", problem));
  EXPECT_EQ(problem, "has no host before ':'");
  EXPECT_FALSE(parse_host_port("localhost:0", problem));
  EXPECT_EQ(problem, "has port 0, which is out of range");
  EXPECT_FALSE(parse_host_port("localhost:x", problem));
  EXPECT_EQ(problem, "has port 'x', which is not an integer");
  EXPECT_FALSE(parse_host_port("bad host:1", problem));
  EXPECT_EQ(problem, "has 'bad host', which is not a host name or IPv4 address");
}

TEST(ConfigValues, NamesAndAddresses) {
  EXPECT_TRUE(is_valid_plugin_name("store-mmap"));
  EXPECT_TRUE(is_valid_plugin_name("my_plugin2"));
  EXPECT_FALSE(is_valid_plugin_name(""));
  EXPECT_FALSE(is_valid_plugin_name("Store"));
  EXPECT_FALSE(is_valid_plugin_name("../evil"));
  EXPECT_TRUE(is_ipv4_literal("127.0.0.1"));
  EXPECT_FALSE(is_ipv4_literal("127.0.0"));
  EXPECT_FALSE(is_ipv4_literal("256.0.0.1"));
  EXPECT_FALSE(is_ipv4_literal("::1"));
  EXPECT_TRUE(is_valid_host_name("rocketmq-nameserver1"));
  EXPECT_FALSE(is_valid_host_name(".leading"));
  EXPECT_FALSE(is_valid_host_name("semi;colon"));
  EXPECT_EQ(join_path("/srv/", "x"), "/srv/x");
  EXPECT_EQ(join_path("./data/store", "commitlog"), "./data/store/commitlog");
  EXPECT_EQ(quote_value(std::string("a\x01\n", 3)), "'a\\x01\\x0a'");
}

TEST(ConfigChecks, DeleteWhenIsHoursOfTheDay) {
  EXPECT_FALSE(check_delete_when("04"));
  EXPECT_FALSE(check_delete_when("4"));
  EXPECT_FALSE(check_delete_when("04;16"));
  EXPECT_FALSE(check_delete_when("00;23"));
  EXPECT_EQ(check_delete_when("24"), "has '24', which is not an hour");
  EXPECT_EQ(check_delete_when("04;"), "has '', which is not an hour");
  EXPECT_EQ(check_delete_when("4am"), "has '4am', which is not an hour");
  EXPECT_EQ(check_delete_when(""), "is empty");
}

TEST(ConfigChecks, DelayLevelsAreDurations) {
  EXPECT_FALSE(check_delay_levels("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"));
  EXPECT_FALSE(check_delay_levels("1d"));
  EXPECT_EQ(check_delay_levels("1s 5x"), "has '5x', which is not a duration");
  EXPECT_EQ(check_delay_levels("0s"), "has '0s', which is not a duration");
  EXPECT_EQ(check_delay_levels("-1s"), "has '-1s', which is not a duration");
  EXPECT_EQ(check_delay_levels("s"), "has 's', which is not a duration");
  EXPECT_EQ(check_delay_levels("   "), "is empty");
}

TEST(ConfigChecks, BrokerNames) {
  EXPECT_FALSE(check_broker_name("broker-a"));
  EXPECT_FALSE(check_broker_name("host.example.com"));
  EXPECT_EQ(check_broker_name("broker a"), "contains ' '");
  EXPECT_EQ(check_broker_name(""), "is empty");
  EXPECT_EQ(check_broker_name(std::string(128, 'a')), "is longer than 127 characters");
}

}  // namespace
}  // namespace mq::core
