// PluginLibrary: one opened plugin .so and its checked descriptor.
//
// Opening never loads with global symbols (RTLD_LOCAL) and resolves every symbol at load time
// (RTLD_NOW), so a plugin missing a library fails here with one line rather than dying later
// at its first call. The library stays mapped while the PluginLibrary lives; every object the
// plugin creates holds a shared_ptr to it (plugin_object.h), so code never leaves before its
// objects. Libraries are opened on the main thread at start-up and never unloaded while the
// broker runs.
#pragma once

#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"

#include <filesystem>
#include <memory>
#include <string>

namespace mq::core {

class PluginLibrary {
 public:
  // Opens `path` and validates its descriptor (check_descriptor). Every failure is a status
  // whose message is one line naming the file: not loadable (the dynamic loader's reason),
  // not a plugin (no entry symbol), ABI or toolchain mismatch (both values).
  static sdk::Result<std::shared_ptr<PluginLibrary>> open(const std::filesystem::path& path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const sdk::PluginDescriptor& descriptor() const noexcept { return *descriptor_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::string name() const { return descriptor_->name; }

 private:
  struct Handle;
  PluginLibrary(std::unique_ptr<Handle> handle, const sdk::PluginDescriptor* descriptor,
                std::filesystem::path path);

  std::unique_ptr<Handle> handle_;
  const sdk::PluginDescriptor* descriptor_;
  std::filesystem::path path_;
};

// Checks a descriptor the way open() does: ABI major equal, minor not higher than ours,
// descriptor_size known, build fingerprint identical, name/version/create present.
// `origin` names the file in the message.
sdk::Status check_descriptor(const sdk::PluginDescriptor* descriptor, const std::string& origin);

// The fingerprint this core was built with (MQ_SDK_BUILD_FINGERPRINT).
const char* core_build_fingerprint() noexcept;

}  // namespace mq::core
