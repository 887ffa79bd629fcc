#include "plugin_host/plugin_host.h"

#include "common/logging.h"
#include "config/broker_config.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <spdlog/logger.h>

#include <algorithm>

namespace mq::core {
namespace {

sdk::Status invalid(std::string message) {
  return sdk::Status(sdk::StatusCode::kInvalidArgument, std::move(message));
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

PluginHost::PluginHost(std::shared_ptr<spdlog::logger> logger, std::filesystem::path plugin_dir)
    : logger_(std::move(logger)), plugin_dir_(std::move(plugin_dir)) {}

PluginHost::~PluginHost() { timers_.stop(); }

std::filesystem::path PluginHost::default_plugin_dir() {
  std::filesystem::path exe = boost::dll::program_location();
  return (exe.parent_path().parent_path() / "lib" / "rocketmq-cpp" / "plugins").lexically_normal();
}

bool PluginHost::valid_plugin_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::vector<std::string> PluginHost::available_names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(plugin_dir_, ec)) {
    if (entry.path().extension() == ".so") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

sdk::Result<std::shared_ptr<PluginLibrary>> PluginHost::load(std::string_view name, sdk::Seam seam,
                                                             std::string_view property) {
  const std::string key(property);
  if (!valid_plugin_name(name)) {
    return invalid(key + ": '" + std::string(name) +
                   "' is not a plugin name; allowed: lower-case letters, digits, '-' and '_'");
  }
  const std::string plugin_name(name);
  auto found = loaded_.find(plugin_name);
  std::shared_ptr<PluginLibrary> library;
  if (found != loaded_.end()) {
    library = found->second;
  } else {
    const auto path = plugin_dir_ / (plugin_name + ".so");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      auto names = available_names();
      return sdk::Status(sdk::StatusCode::kNotFound,
                         key + ": plugin '" + plugin_name + "' not found: no " + plugin_name +
                             ".so in " + plugin_dir_.string() +
                             " (available: " + (names.empty() ? std::string("none") : join(names)) +
                             "; set pluginDir to look elsewhere)");
    }
    auto opened = PluginLibrary::open(path);
    if (!opened.ok()) return opened.status();
    library = std::move(opened).value();
    if (library->name() != plugin_name) {
      return invalid(path.string() + " calls itself '" + library->name() +
                     "'; a plugin's file must be named after it (" + library->name() + ".so)");
    }
    loaded_.emplace(plugin_name, library);
    logger_->info("loaded plugin {} {} ({} seam) from {}", library->name(),
                  library->descriptor().version, sdk::seam_name(library->descriptor().seam),
                  path.string());
  }
  if (library->descriptor().seam != seam) {
    return invalid(key + ": plugin '" + plugin_name + "' (" + library->path().string() + ") is a " +
                   sdk::seam_name(library->descriptor().seam) + " plugin, but " + key +
                   " needs a " + sdk::seam_name(seam) + " plugin");
  }
  return library;
}

sdk::Status PluginHost::resolve_keys(const std::vector<PropertyEntry>& entries,
                                     std::vector<std::string>& warnings) {
  std::vector<bool> claimed(entries.size(), false);
  for (const auto& [name, library] : loaded_) {
    const sdk::ConfigKey* declared = library->descriptor().config_keys;
    std::vector<PropertyEntry> mine;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      for (const sdk::ConfigKey* key = declared; key && key->name; ++key) {
        if (entries[i].key == key->name) {
          mine.push_back(entries[i]);
          claimed[i] = true;
        }
      }
    }
    auto resolved = resolve_plugin_keys(declared, mine);
    if (!resolved.ok()) return resolved.status();
    resolved_keys_[name] = std::move(resolved).value();
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (claimed[i]) continue;
    const auto& e = entries[i];
    warnings.push_back(e.file + ":" + std::to_string(e.line) + ": key '" + e.key +
                       "' ignored: no loaded plugin declares it");
  }
  return sdk::Status::ok();
}

sdk::Result<PluginObject<sdk::PluginInstance>> PluginHost::create_instance(
    const std::shared_ptr<PluginLibrary>& library, sdk::PluginConfig config) {
  const std::string name = library->name();
  config.plugin_name = name;
  if (auto keys = resolved_keys_.find(name); keys != resolved_keys_.end()) {
    config.keys = keys->second;
  } else {
    auto defaults = resolve_plugin_keys(library->descriptor().config_keys, {});
    if (!defaults.ok()) return defaults.status();
    config.keys = std::move(defaults).value();
  }
  auto host =
      std::make_shared<PluginHostServices>(make_tagged_logger(logger_, name), metrics_, timers_);
  sdk::PluginInstance* raw = nullptr;
  sdk::Status status = library->descriptor().create(*host, config, &raw);
  PluginObject<sdk::PluginInstance> object(raw, PluginObjectDeleter{library, host});
  if (!status) {
    return sdk::Status(status.code(), "plugin " + name + " failed to start: " + status.message());
  }
  if (!object) {
    return invalid("plugin " + name + " (" + library->path().string() +
                   ") reported success but created no object");
  }
  return object;
}

std::vector<DiscoveredPlugin> PluginHost::discover() const {
  std::vector<DiscoveredPlugin> out;
  for (const auto& stem : available_names()) {
    DiscoveredPlugin item;
    item.file_stem = stem;
    item.path = plugin_dir_ / (stem + ".so");
    auto opened = PluginLibrary::open(item.path);
    if (!opened.ok()) {
      item.error = opened.status().message();
    } else {
      const auto& d = opened.value()->descriptor();
      item.loadable = true;
      item.name = d.name;
      item.version = d.version ? d.version : "";
      item.description = d.description ? d.description : "";
      item.seam = d.seam;
      item.abi_major = d.abi_major;
      item.abi_minor = d.abi_minor;
      for (const sdk::ConfigKey* key = d.config_keys; key && key->name; ++key) {
        item.keys.push_back(DiscoveredKey{key->name, key->default_value ? key->default_value : "",
                                          key->description ? key->description : "", key->type});
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace mq::core
