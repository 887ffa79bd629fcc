// The plugin entry point: one extern "C" symbol returning a versioned plain-data descriptor.
//
// A plugin .so exports exactly `mq_plugin_descriptor` (write it with MQ_DEFINE_PLUGIN). The
// core reads the descriptor, checks ABI major/minor, descriptor size, seam and build
// fingerprint, and only then calls `create`. Everything else in the .so stays hidden.
//
// Lifetime: the core never unloads a library while any object it created lives; objects are
// destroyed through their virtual destructor (code inside the plugin) before the library goes.
#pragma once

#include "mq/sdk/abi.h"
#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"

#include <cstdint>
#include <exception>
#include <new>

namespace mq::sdk {

static_assert(kAbiMajor == MQ_SDK_ABI_MAJOR_LITERAL && kAbiMinor == MQ_SDK_ABI_MINOR_LITERAL,
              "abi.h: literal ABI version must equal kAbiMajor/kAbiMinor");

enum class Seam : std::uint32_t { kStore = 1, kTransport = 2, kReplication = 3 };

constexpr const char* seam_name(Seam seam) noexcept {
  switch (seam) {
    case Seam::kStore:
      return "store";
    case Seam::kTransport:
      return "transport";
    case Seam::kReplication:
      return "replication";
  }
  return "unknown";
}

// Base of every object a plugin creates. The concrete class also derives from the seam's
// interface (MessageStore, Transport, ReplicationPolicy).
class MQ_SDK_API PluginInstance {
 public:
  virtual ~PluginInstance() = default;
  // Stops threads and timers and completes every pending callback (with kUnavailable if need
  // be). Idempotent. After stop() returns the plugin calls nothing of the host's any more.
  virtual void stop() noexcept = 0;
};

using CreateFunction = Status (*)(HostServices& host, const PluginConfig& config,
                                  PluginInstance** out) noexcept;

struct PluginDescriptor {
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  std::uint32_t descriptor_size;  // sizeof(PluginDescriptor) as the plugin compiled it
  Seam seam;
  const char* name;               // "store-mmap": what operators write in the properties
  const char* version;            // the plugin's own version, shown by `mqadmin plugins`
  const char* description;        // one line
  const char* build_fingerprint;  // MQ_SDK_BUILD_FINGERPRINT as the plugin was compiled
  const ConfigKey* config_keys;   // the keys it owns, ended by an entry with name == nullptr
  CreateFunction create;          // never throws; see MQ_DEFINE_PLUGIN
};

inline constexpr const char* kPluginEntrySymbol = "mq_plugin_descriptor";

}  // namespace mq::sdk

extern "C" {
using mq_plugin_descriptor_fn = const mq::sdk::PluginDescriptor* (*)() noexcept;
}

// Defines the plugin's entry symbol. FACTORY is a function
//   mq::sdk::Result<std::unique_ptr<T>> FACTORY(mq::sdk::HostServices&,
//                                                const mq::sdk::PluginConfig&)
// where T derives from PluginInstance and the seam's interface. The generated trampoline
// turns exceptions into a Status, so nothing ever unwinds into the core.
#define MQ_DEFINE_PLUGIN(SEAM, NAME, VERSION, DESCRIPTION, CONFIG_KEYS, FACTORY)                   \
  namespace {                                                                                      \
  ::mq::sdk::Status mq_plugin_create_trampoline(::mq::sdk::HostServices& host,                     \
                                                const ::mq::sdk::PluginConfig& config,             \
                                                ::mq::sdk::PluginInstance** out) noexcept {        \
    *out = nullptr;                                                                                \
    try {                                                                                          \
      auto made = FACTORY(host, config);                                                           \
      if (!made.ok()) return made.status();                                                        \
      *out = made.value().release();                                                               \
      return ::mq::sdk::Status::ok();                                                              \
    } catch (const std::bad_alloc&) {                                                              \
      return ::mq::sdk::Status(::mq::sdk::StatusCode::kResourceExhausted,                          \
                               "out of memory while creating plugin " NAME);                       \
    } catch (const std::exception& e) {                                                            \
      return ::mq::sdk::Status(::mq::sdk::StatusCode::kInternal,                                   \
                               std::string("plugin " NAME " threw: ") + e.what());                 \
    } catch (...) {                                                                                \
      return ::mq::sdk::Status(::mq::sdk::StatusCode::kInternal,                                   \
                               "plugin " NAME " threw a non-standard exception");                  \
    }                                                                                              \
  }                                                                                                \
  const ::mq::sdk::PluginDescriptor mq_plugin_descriptor_instance{                                 \
      ::mq::sdk::kAbiMajor,                                                                        \
      ::mq::sdk::kAbiMinor,                                                                        \
      static_cast<std::uint32_t>(sizeof(::mq::sdk::PluginDescriptor)),                             \
      SEAM,                                                                                        \
      NAME,                                                                                        \
      VERSION,                                                                                     \
      DESCRIPTION,                                                                                 \
      MQ_SDK_BUILD_FINGERPRINT,                                                                    \
      CONFIG_KEYS,                                                                                 \
      &mq_plugin_create_trampoline};                                                               \
  }                                                                                                \
  extern "C" MQ_PLUGIN_EXPORT const ::mq::sdk::PluginDescriptor* mq_plugin_descriptor() noexcept { \
    return &mq_plugin_descriptor_instance;                                                         \
  }
