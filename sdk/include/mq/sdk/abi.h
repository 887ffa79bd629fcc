// The ABI contract between the broker core and its plugins.
//
// A plugin is accepted only when it was built against the same ABI major, an ABI minor not
// higher than the core's, and the same toolchain fingerprint. Seams are C++ vtables and carry
// standard library types, so "same compiler, same libstdc++ ABI, same SDK" is part of the
// contract and is checked before any C++ object crosses the boundary.
#pragma once

#include <cstdint>

namespace mq::sdk {

// Bump on any change of layout, vtable or meaning under sdk/include (and update sdk/ABI_HASH).
inline constexpr std::uint32_t kAbiMajor = 2;
// Bump on additions an older core can safely ignore.
inline constexpr std::uint32_t kAbiMinor = 0;

}  // namespace mq::sdk

#define MQ_SDK_STRINGIFY_IMPL(x) #x
#define MQ_SDK_STRINGIFY(x) MQ_SDK_STRINGIFY_IMPL(x)

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define MQ_SDK_CXX11_ABI MQ_SDK_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define MQ_SDK_CXX11_ABI "none"
#endif

#if defined(__clang__)
#define MQ_SDK_COMPILER "clang-" __clang_version__
#elif defined(__GNUC__)
#define MQ_SDK_COMPILER "gcc-" __VERSION__
#else
#define MQ_SDK_COMPILER "unknown"
#endif

// Compiler, C++ library ABI and SDK ABI version, as the translation unit that expands it was
// built. The core compares the plugin's string with its own, byte for byte.
#define MQ_SDK_BUILD_FINGERPRINT                                              \
  MQ_SDK_COMPILER "/cxx11abi=" MQ_SDK_CXX11_ABI "/sdk-abi=" MQ_SDK_STRINGIFY( \
      MQ_SDK_ABI_MAJOR_LITERAL) "." MQ_SDK_STRINGIFY(MQ_SDK_ABI_MINOR_LITERAL)

// Literal copies of kAbiMajor/kAbiMinor for the fingerprint string; a static_assert in
// plugin.h keeps them equal.
#define MQ_SDK_ABI_MAJOR_LITERAL 2
#define MQ_SDK_ABI_MINOR_LITERAL 0

#if defined(_WIN32)
#define MQ_PLUGIN_EXPORT __declspec(dllexport)
#define MQ_SDK_API
#else
#define MQ_PLUGIN_EXPORT __attribute__((visibility("default")))
// Marks SDK interface classes visible so their type info is shared across the .so boundary
// (dynamic_cast from PluginInstance to a seam interface in the core).
#define MQ_SDK_API __attribute__((visibility("default")))
#endif
