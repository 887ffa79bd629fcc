#include "plugin_host/plugin_library.h"

#include <boost/dll/shared_library.hpp>

#include <cstring>
#include <string_view>

namespace mq::core {

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
};

namespace {

std::string version_text(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Boost.DLL's message ends with an errno text that means nothing; keep the dlerror part.
std::string loader_reason(const std::string& what) {
  constexpr std::string_view kOpen = "dlerror system message: ";
  auto start = what.find(kOpen);
  if (start == std::string::npos) return what;
  start += kOpen.size();
  auto end = what.rfind("):");
  if (end == std::string::npos || end < start) end = what.size();
  return what.substr(start, end - start);
}

sdk::Status invalid(std::string message) {
  return sdk::Status(sdk::StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace

const char* core_build_fingerprint() noexcept { return MQ_SDK_BUILD_FINGERPRINT; }

sdk::Status check_descriptor(const sdk::PluginDescriptor* d, const std::string& origin) {
  if (d == nullptr) return invalid(origin + " is not a plugin: its entry point returned null");
  // The first three fields are fixed forever, so they are safe to read whatever the version.
  if (d->abi_major != sdk::kAbiMajor || d->abi_minor > sdk::kAbiMinor) {
    return invalid(origin + " was built for plugin SDK ABI " +
                   version_text(d->abi_major, d->abi_minor) + ", but this broker supports ABI " +
                   version_text(sdk::kAbiMajor, sdk::kAbiMinor) + " (same major, minor up to " +
                   std::to_string(sdk::kAbiMinor) + "); rebuild the plugin against this SDK");
  }
  if (d->descriptor_size != sizeof(sdk::PluginDescriptor)) {
    return invalid(origin + " has a plugin descriptor of " + std::to_string(d->descriptor_size) +
                   " bytes, expected " + std::to_string(sizeof(sdk::PluginDescriptor)) +
                   "; rebuild the plugin against this SDK");
  }
  if (d->build_fingerprint == nullptr ||
      std::strcmp(d->build_fingerprint, core_build_fingerprint()) != 0) {
    return invalid(origin + " was built with '" +
                   (d->build_fingerprint ? d->build_fingerprint : "(none)") +
                   "', but this broker with '" + core_build_fingerprint() +
                   "'; rebuild the plugin with the same compiler and SDK");
  }
  if (d->name == nullptr || *d->name == '\0' || d->create == nullptr) {
    return invalid(origin + " has an incomplete plugin descriptor (no name or no create function)");
  }
  if (d->seam != sdk::Seam::kStore && d->seam != sdk::Seam::kTransport &&
      d->seam != sdk::Seam::kReplication) {
    return invalid(origin + " declares unknown seam " +
                   std::to_string(static_cast<std::uint32_t>(d->seam)));
  }
  return sdk::Status::ok();
}

PluginLibrary::PluginLibrary(std::unique_ptr<Handle> handle,
                             const sdk::PluginDescriptor* descriptor, std::filesystem::path path)
    : handle_(std::move(handle)), descriptor_(descriptor), path_(std::move(path)) {}

PluginLibrary::~PluginLibrary() = default;

sdk::Result<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const std::filesystem::path& path) {
  auto handle = std::make_unique<Handle>();
  const std::string origin = path.string();
  boost::dll::fs::error_code ec;
  handle->library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
                       ec);
  if (ec || !handle->library.is_loaded()) {
    // Re-run with exceptions to get dlerror's text, which error_code does not carry.
    std::string reason = ec ? ec.message() : "unknown error";
    try {
      boost::dll::shared_library probe(
          path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
      reason = loader_reason(e.what());
    }
    return invalid("cannot load plugin " + origin + ": " + reason);
  }
  if (!handle->library.has(sdk::kPluginEntrySymbol)) {
    return invalid(origin + " is not a plugin: it does not export " +
                   std::string(sdk::kPluginEntrySymbol));
  }
  auto entry =
      handle->library.get<const sdk::PluginDescriptor*() noexcept>(sdk::kPluginEntrySymbol);
  const sdk::PluginDescriptor* descriptor = entry();
  if (auto status = check_descriptor(descriptor, origin); !status) return status;
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(std::move(handle), descriptor, path));
}

}  // namespace mq::core
