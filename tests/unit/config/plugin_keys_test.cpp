// resolve_plugin_keys and warn_undeclared_plugin_keys: a plugin's own typed keys.
#include "config_test_support.h"

#include "config/broker_config.h"

#include <gtest/gtest.h>

#include <string>

namespace mq::core {
namespace {

using testing::contains;

const sdk::ConfigKey kLmdbKeys[] = {
    {"lmdb.mapSize", sdk::ConfigType::kInt, "1048576", "map size in bytes"},
    {"lmdb.sync", sdk::ConfigType::kBool, "true", "fsync on commit"},
    {"lmdb.fillRatio", sdk::ConfigType::kDouble, "0.5", "fill ratio"},
    {"lmdb.name", sdk::ConfigType::kString, "main", "database name"},
    {"lmdb.noDefault", sdk::ConfigType::kString, nullptr, "no default"},
    {nullptr, sdk::ConfigType::kString, nullptr, nullptr},
};

PropertyEntry entry(std::string key, std::string value, int line) {
  return PropertyEntry{std::move(key), std::move(value), "broker.properties", line};
}

TEST(PluginKeys, DefaultsAreFilledAndTyped) {
  auto resolved = resolve_plugin_keys(kLmdbKeys, {});
  ASSERT_TRUE(resolved.ok()) << resolved.status().to_string();
  const auto& keys = *resolved;
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys.at("lmdb.mapSize").type, sdk::ConfigType::kInt);
  EXPECT_EQ(keys.at("lmdb.mapSize").int_value, 1048576);
  EXPECT_EQ(keys.at("lmdb.mapSize").text, "1048576");
  EXPECT_TRUE(keys.at("lmdb.sync").bool_value);
  EXPECT_EQ(keys.at("lmdb.fillRatio").double_value, 0.5);
  EXPECT_EQ(keys.at("lmdb.name").text, "main");
  EXPECT_EQ(keys.at("lmdb.noDefault").text, "");

  sdk::PluginConfig config;
  config.keys = keys;
  EXPECT_EQ(config.get_int("lmdb.mapSize"), 1048576);
  EXPECT_EQ(config.get_string("lmdb.name"), "main");
}

TEST(PluginKeys, FileValuesOverrideDefaults) {
  auto resolved = resolve_plugin_keys(
      kLmdbKeys, {entry("lmdb.mapSize", "-5", 3), entry("lmdb.sync", "FALSE", 4),
                  entry("lmdb.fillRatio", "1e-2", 5), entry("lmdb.name", "x y", 6),
                  entry("lmdb.mapSize", "4096", 7), entry("other.key", "ignored here", 8)});
  ASSERT_TRUE(resolved.ok()) << resolved.status().to_string();
  EXPECT_EQ(resolved->at("lmdb.mapSize").int_value, 4096);  // the last entry wins
  EXPECT_FALSE(resolved->at("lmdb.sync").bool_value);
  EXPECT_EQ(resolved->at("lmdb.fillRatio").double_value, 0.01);
  EXPECT_EQ(resolved->at("lmdb.name").text, "x y");
  EXPECT_EQ(resolved->count("other.key"), 0u);
}

TEST(PluginKeys, BadValuesAreOneLine) {
  auto bad_int = resolve_plugin_keys(kLmdbKeys, {entry("lmdb.mapSize", "1g", 9)});
  ASSERT_FALSE(bad_int.ok());
  EXPECT_EQ(bad_int.status().code(), sdk::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_int.status().message(),
            "broker.properties:9: lmdb.mapSize: '1g' is not an integer; allowed: a 64-bit integer");
  EXPECT_EQ(resolve_plugin_keys(kLmdbKeys, {entry("lmdb.sync", "yes", 2)}).status().message(),
            "broker.properties:2: lmdb.sync: 'yes' is not a boolean; allowed: true, false");
  EXPECT_EQ(resolve_plugin_keys(kLmdbKeys, {entry("lmdb.fillRatio", "half", 4)}).status().message(),
            "broker.properties:4: lmdb.fillRatio: 'half' is not a number; allowed: a decimal "
            "number such as 0.5");
  EXPECT_EQ(resolve_plugin_keys(kLmdbKeys, {PropertyEntry{"lmdb.sync", "2", "<command line>", 0}})
                .status()
                .message(),
            "<command line>: lmdb.sync: '2' is not a boolean; allowed: true, false");
}

TEST(PluginKeys, BadDeclarationsAreReported) {
  const sdk::ConfigKey bad_default[] = {{"x.size", sdk::ConfigType::kInt, "big", "size"},
                                        {nullptr, sdk::ConfigType::kString, nullptr, nullptr}};
  EXPECT_EQ(resolve_plugin_keys(bad_default, {}).status().message(),
            "<plugin default>: x.size: 'big' is not an integer; allowed: a 64-bit integer");
  const sdk::ConfigKey bad_type[] = {{"x.t", static_cast<sdk::ConfigType>(42), "", ""},
                                     {nullptr, sdk::ConfigType::kString, nullptr, nullptr}};
  EXPECT_EQ(resolve_plugin_keys(bad_type, {}).status().message(),
            "<plugin default>: x.t: is declared with an unknown type 42; allowed: string, int, "
            "bool, double");
  auto none = resolve_plugin_keys(nullptr, {entry("x.y", "1", 1)});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PluginKeys, UndeclaredKeysWarnWithTheClosestDeclaredKey) {
  const sdk::ConfigKey tcp_keys[] = {{"tcp.noDelay", sdk::ConfigType::kBool, "true", "nodelay"},
                                     {nullptr, sdk::ConfigType::kString, nullptr, nullptr}};
  std::vector<std::string> warnings;
  warn_undeclared_plugin_keys({kLmdbKeys, tcp_keys, nullptr},
                              {entry("lmdb.mapSiz", "1", 3), entry("tcp.noDelay", "true", 4),
                               entry("uds.path", "/tmp/x", 5)},
                              warnings);
  EXPECT_EQ(warnings,
            (std::vector<std::string>{
                "broker.properties:3: unknown plugin key 'lmdb.mapSiz' ignored; did you mean "
                "'lmdb.mapSize'?",
                "broker.properties:5: unknown plugin key 'uds.path' ignored; no loaded plugin "
                "declares it"}));
}

}  // namespace
}  // namespace mq::core
