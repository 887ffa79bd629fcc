// PluginObject<T>: an object a plugin created, owned by the core.
//
// The deleter pins the plugin's library and host services, and tears down in the only safe
// order: stop() the object (joining its threads), cancel the timers it left, destroy it (its
// destructor is code inside the library), and only then let the library go.
#pragma once

#include "mq/sdk/plugin.h"

#include "plugin_host/plugin_host_services.h"
#include "plugin_host/plugin_library.h"

#include <memory>

namespace mq::core {

struct PluginObjectDeleter {
  std::shared_ptr<PluginLibrary> library;
  std::shared_ptr<PluginHostServices> host;

  void operator()(sdk::PluginInstance* object) const noexcept {
    if (object == nullptr) return;
    object->stop();
    if (host) host->cancel_all();
    delete object;
  }
};

template <typename T>
using PluginObject = std::unique_ptr<T, PluginObjectDeleter>;

}  // namespace mq::core
