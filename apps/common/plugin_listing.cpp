#include "common/plugin_listing.h"

#include <algorithm>
#include <sstream>

namespace mq::apps {
namespace {

const char* type_name(sdk::ConfigType type) {
  switch (type) {
    case sdk::ConfigType::kString:
      return "string";
    case sdk::ConfigType::kInt:
      return "int";
    case sdk::ConfigType::kBool:
      return "bool";
    case sdk::ConfigType::kDouble:
      return "double";
  }
  return "?";
}

}  // namespace

std::string format_plugin_listing(const core::PluginHost& host, const core::BrokerConfig& config) {
  const std::string replication =
      config.replication_plugin.empty()
          ? core::default_replication_plugin(config.replication.broker_role)
          : config.replication_plugin;
  auto selected_by = [&](const std::string& name) -> std::string {
    std::string keys;
    if (name == config.store_plugin) keys += "storePlugin ";
    if (std::find(config.transport_plugins.begin(), config.transport_plugins.end(), name) !=
        config.transport_plugins.end()) {
      keys += "transportPlugins ";
    }
    if (name == replication) keys += "replicationPlugin ";
    if (!keys.empty()) keys.pop_back();
    return keys;
  };

  std::ostringstream out;
  out << "plugin directory: " << host.plugin_dir().string() << "\n";
  auto found = host.discover();
  for (const auto& plugin : found) {
    if (!plugin.loadable) {
      out << "  " << plugin.file_stem << ": NOT LOADABLE: " << plugin.error << "\n";
      continue;
    }
    out << "  " << plugin.name << "  seam=" << sdk::seam_name(plugin.seam)
        << "  version=" << plugin.version << "  abi=" << plugin.abi_major << "."
        << plugin.abi_minor;
    if (auto keys = selected_by(plugin.name); !keys.empty())
      out << "  [selected by " << keys << "]";
    out << "\n    " << plugin.description << "\n";
    for (const auto& key : plugin.keys) {
      out << "    " << key.name << " (" << type_name(key.type) << ", default " << key.default_value
          << "): " << key.description << "\n";
    }
  }
  auto missing = [&](const std::string& name, const char* key) {
    bool present = std::any_of(found.begin(), found.end(),
                               [&](const auto& p) { return p.loadable && p.name == name; });
    if (!present) out << "  " << name << ": selected by " << key << " but not found\n";
  };
  missing(config.store_plugin, "storePlugin");
  for (const auto& name : config.transport_plugins) missing(name, "transportPlugins");
  missing(replication, "replicationPlugin");
  return out.str();
}

}  // namespace mq::apps
