#include "common/plugin_listing.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

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
  const bool replication_defaulted = config.replication_plugin.empty();
  const std::string replication =
      replication_defaulted ? core::default_replication_plugin(config.replication.broker_role)
                            : config.replication_plugin;
  // What the properties select: key, plugin name, seam the key needs.
  struct Selection {
    std::string key, name;
    sdk::Seam seam;
  };
  std::vector<Selection> selections{{"storePlugin", config.store_plugin, sdk::Seam::kStore}};
  for (const auto& name : config.transport_plugins)
    selections.push_back({"transportPlugins", name, sdk::Seam::kTransport});
  selections.push_back({"replicationPlugin", replication, sdk::Seam::kReplication});

  auto selected_by = [&](const std::string& name) -> std::string {
    std::string keys;
    for (const auto& selection : selections) {
      if (selection.name == name && keys.find(selection.key) == std::string::npos) {
        keys += selection.key + " ";
      }
    }
    if (!keys.empty()) keys.pop_back();
    return keys;
  };
  // The value the properties give a plugin key, with where it was written.
  auto configured = [&](const std::string& key) -> std::string {
    std::string out;
    for (const auto& entry : config.plugin_entries) {
      if (entry.key == key) out = entry.value + " (" + core::entry_location(entry) + ")";
    }
    return out;
  };

  std::ostringstream out;
  auto found = host.discover();
  out << "plugin directory: " << host.plugin_dir().string() << "\n";
  out << "selected by the properties:\n";
  for (const auto& selection : selections) {
    std::string setting = selection.key + "=" + selection.name;
    if (selection.seam == sdk::Seam::kReplication && replication_defaulted) {
      setting += " (default for this brokerRole)";
    }
    out << "  " << setting << std::string(setting.size() < 44 ? 44 - setting.size() : 1, ' ');
    auto plugin = std::find_if(found.begin(), found.end(),
                               [&](const auto& p) { return p.file_stem == selection.name; });
    if (plugin == found.end()) {
      out << "NOT FOUND (no " << selection.name << ".so in the plugin directory)\n";
    } else if (!plugin->loadable) {
      out << "NOT LOADABLE: " << plugin->error << "\n";
    } else if (plugin->seam != selection.seam) {
      out << "WRONG SEAM: a " << sdk::seam_name(plugin->seam) << " plugin, " << selection.key
          << " needs a " << sdk::seam_name(selection.seam) << " plugin\n";
    } else {
      out << "ok (" << plugin->path.filename().string() << ", version " << plugin->version << ")\n";
    }
  }
  out << "plugins found (" << found.size() << "):\n";
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
          << ")";
      if (auto value = configured(key.name); !value.empty()) out << " = " << value;
      out << ": " << key.description << "\n";
    }
  }
  return out.str();
}

}  // namespace mq::apps
