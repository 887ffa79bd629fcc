// Shared helpers of the broker table tests: a BrokerConfig rooted in a temp dir, and
// channels that need no transport.
#pragma once

#include "config/broker_config.h"
#include "net/channel.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace mq::core::test {

inline BrokerConfig config_in(const std::string& store_root) {
  BrokerConfig config;
  config.store.store_path_root_dir = store_root;
  return config;
}

// Writes `text` to `path`, creating its parent directories; returns `path`.
inline std::string write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A channel told apart by `id` alone (no transport is needed by the registries).
inline Channel channel(std::uint64_t id) {
  Channel out;
  out.id = id;
  out.peer = "127.0.0.1:" + std::to_string(50000 + id);
  return out;
}

}  // namespace mq::core::test
