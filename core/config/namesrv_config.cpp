// parse_namesrv_config and its -p printer. The keys are in namesrv_config_keys.cpp.
#include "config/broker_config.h"
#include "config/config_key_parser.h"
#include "config/namesrv_config_keys.h"
#include "config/shared_config_keys.h"

#include <string>
#include <utility>

namespace mq::core {

sdk::Result<NamesrvConfig> parse_namesrv_config(const PropertiesFile* file,
                                                const std::vector<PropertyEntry>& overrides,
                                                const ConfigEnvironment& env,
                                                ConfigDiagnostics& diagnostics) {
  NamesrvConfig config;
  config.source_file = file != nullptr ? file->file_name() : std::string();
  KeySources sources;
  sdk::Status status = apply_key_table(namesrv_key_table(), file, overrides, env.completed(),
                                       config, sources, diagnostics);
  if (!status.is_ok()) return status;
  status = check_transport_consistency(config.transport, sources);
  if (!status.is_ok()) return status;
  return config;
}

sdk::Result<NamesrvConfig> parse_namesrv_config(const PropertiesFile* file,
                                                const std::vector<PropertyEntry>& overrides,
                                                std::vector<std::string>& warnings) {
  ConfigDiagnostics diagnostics;
  auto result = parse_namesrv_config(file, overrides, ConfigEnvironment::system(), diagnostics);
  for (auto& warning : diagnostics.warnings) warnings.push_back(std::move(warning));
  return result;
}

std::string format_effective_config(const NamesrvConfig& config) {
  return format_key_table(namesrv_key_table(), config);
}

std::vector<ConfigKeyInfo> describe_namesrv_keys() {
  return describe_key_table(namesrv_key_table());
}

}  // namespace mq::core
