// Helpers shared by the config tests: a machine that always answers the same (no network,
// no dependence on the host running the tests) and one-call parsing of inline text.
#pragma once

#include "mq/sdk/status.h"

#include "config/broker_config.h"
#include "config/config_environment.h"
#include "config/properties_file.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core::testing {

// host "testhost", home "/home/tester", first IPv4 192.0.2.10, no environment variables;
// resolves localhost and the user guide's name-server host names, nothing else.
inline ConfigEnvironment fake_environment() {
  ConfigEnvironment env;
  env.host_name = [] { return std::string("testhost"); };
  env.home_dir = [] { return std::string("/home/tester"); };
  env.first_ipv4 = [] { return std::string("192.0.2.10"); };
  env.resolve_ipv4 = [](const std::string& host) -> sdk::Result<std::string> {
    if (host == "localhost") return std::string("127.0.0.1");
    if (host == "rocketmq-nameserver1") return std::string("192.0.2.146");
    if (host == "rocketmq-nameserver2") return std::string("192.0.2.145");
    return sdk::Status(sdk::StatusCode::kNotFound, "Name or service not known");
  };
  env.get_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return env;
}

struct BrokerParse {
  sdk::Result<BrokerConfig> result;
  ConfigDiagnostics diagnostics;
};

// Parses `text` as broker.properties with the fake machine.
inline BrokerParse parse_broker_text(std::string_view text,
                                     const std::vector<PropertyEntry>& overrides = {},
                                     const ConfigEnvironment& env = fake_environment()) {
  const PropertiesFile file = PropertiesFile::parse(text, "broker.properties");
  ConfigDiagnostics diagnostics;
  auto result = parse_broker_config(&file, overrides, env, diagnostics);
  return BrokerParse{std::move(result), std::move(diagnostics)};
}

// The error line of a parse that must fail ("" when it succeeded).
inline std::string broker_error(std::string_view text,
                                const std::vector<PropertyEntry>& overrides = {}) {
  auto parsed = parse_broker_text(text, overrides);
  return parsed.result.ok() ? std::string() : parsed.result.status().message();
}

// A command-line override as mqbroker -o builds it.
inline PropertyEntry command_line(std::string key, std::string value) {
  return PropertyEntry{std::move(key), std::move(value), "<command line>", 0};
}

inline bool contains(const std::vector<std::string>& lines, std::string_view line) {
  for (const auto& l : lines) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace mq::core::testing
