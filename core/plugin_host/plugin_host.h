// PluginHost: finds plugins by name in the plugin directory, opens and checks them, validates
// the properties keys they declare, and creates their objects with per-plugin host services.
//
// Usage at start-up, on the main thread: load() every selected plugin, resolve_keys() once
// (so every key is validated before any create() runs), then create<T>() each object.
// Every failure is a Status whose message is one line for the operator; apps print it and
// exit with code 2. Lifetime: the PluginHost must outlive every object it created.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/replication.h"
#include "mq/sdk/status.h"
#include "mq/sdk/store.h"
#include "mq/sdk/transport.h"

#include "common/timer_service.h"
#include "config/properties_file.h"
#include "plugin_host/metrics_registry.h"
#include "plugin_host/plugin_object.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spdlog {
class logger;
}

namespace mq::core {

// A key a discovered plugin declares (copied: the library may be closed again).
struct DiscoveredKey {
  std::string name, default_value, description;
  sdk::ConfigType type = sdk::ConfigType::kString;
};

// A plugin file found in the plugin directory, as `mqadmin plugins` / `--plugins` list it.
struct DiscoveredPlugin {
  std::filesystem::path path;
  std::string file_stem;  // "store-mmap"
  bool loadable = false;
  std::string error;  // why not, when !loadable
  std::string name, version, description;
  sdk::Seam seam = sdk::Seam::kStore;
  std::uint32_t abi_major = 0, abi_minor = 0;
  std::vector<DiscoveredKey> keys;
};

class PluginHost {
 public:
  PluginHost(std::shared_ptr<spdlog::logger> logger, std::filesystem::path plugin_dir);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // <dir of the executable>/../lib/rocketmq-cpp/plugins: the same in the build tree and in
  // an install tree, so no environment variable is needed.
  static std::filesystem::path default_plugin_dir();
  // True for names a plugin may have: [a-z0-9_-]+.
  static bool valid_plugin_name(std::string_view name);

  const std::filesystem::path& plugin_dir() const noexcept { return plugin_dir_; }

  // Opens plugin `name` (file <plugin_dir>/<name>.so) and checks that it serves `seam`.
  // `property` is the key that selected it, for the message ("storePlugin").
  // Errors: not found (where it looked, which plugins exist there), not loadable, not a
  // plugin, ABI mismatch, wrong seam, descriptor name differing from the file name.
  sdk::Result<std::shared_ptr<PluginLibrary>> load(std::string_view name, sdk::Seam seam,
                                                   std::string_view property);

  // Validates `entries` (keys containing '.') against the keys the loaded plugins declare.
  // Keys no loaded plugin declares get a warning; bad values fail with one line.
  sdk::Status resolve_keys(const std::vector<PropertyEntry>& entries,
                           std::vector<std::string>& warnings);

  // Creates an object of a loaded plugin. `base` carries the seam-wide options; the plugin's
  // own keys are filled in from resolve_keys(). Fails with the plugin's own message, or when
  // the object it returns does not implement T.
  template <typename T>
  sdk::Result<PluginObject<T>> create(const std::shared_ptr<PluginLibrary>& library,
                                      sdk::PluginConfig base);

  // Every *.so in the plugin directory, opened and described (or why it could not be).
  std::vector<DiscoveredPlugin> discover() const;

  MetricsRegistry& metrics() noexcept { return metrics_; }

 private:
  sdk::Result<PluginObject<sdk::PluginInstance>> create_instance(
      const std::shared_ptr<PluginLibrary>& library, sdk::PluginConfig config);
  std::vector<std::string> available_names() const;

  std::shared_ptr<spdlog::logger> logger_;
  std::filesystem::path plugin_dir_;
  MetricsRegistry metrics_;
  TimerService timers_;
  std::map<std::string, std::shared_ptr<PluginLibrary>> loaded_;
  std::map<std::string, std::map<std::string, sdk::ConfigValue, std::less<>>> resolved_keys_;
};

template <typename T>
sdk::Result<PluginObject<T>> PluginHost::create(const std::shared_ptr<PluginLibrary>& library,
                                                sdk::PluginConfig base) {
  auto made = create_instance(library, std::move(base));
  if (!made.ok()) return made.status();
  PluginObject<sdk::PluginInstance> instance = std::move(made).value();
  T* typed = dynamic_cast<T*>(instance.get());
  if (typed == nullptr) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "plugin " + library->name() + " (" + library->path().string() +
                           ") created an object that does not implement its declared seam " +
                           sdk::seam_name(library->descriptor().seam));
  }
  PluginObjectDeleter deleter = instance.get_deleter();
  instance.release();
  return PluginObject<T>(typed, std::move(deleter));
}

}  // namespace mq::core
