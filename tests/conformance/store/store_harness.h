// What the store conformance tests share: which plugin to test, a fresh directory, owned
// messages, and a store opened through the core's real PluginHost (the loader the broker uses).
//
// The plugins under test are store-mmap and store-lmdb from this build, or the single .so named
// by the environment variable MQ_STORE_PLUGIN (see README.md). MQ_STORE_PROFILE says what the
// plugin promises: `durable` (the default) or `volatile` (keeps nothing across a restart).
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include "config/properties_file.h"
#include "plugin_host/plugin_host.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace mq::conformance {

// A plugin to test: the directory holding it and its name (the file stem).
struct PluginUnderTest {
  std::string dir;
  std::string name;
};

// Test names print the plugin, not its bytes.
inline void PrintTo(const PluginUnderTest& plugin, std::ostream* out) { *out << plugin.name; }

inline std::vector<PluginUnderTest> plugins_under_test() {
  if (const char* path = std::getenv("MQ_STORE_PLUGIN"); path != nullptr && *path != '\0') {
    const std::filesystem::path file(path);
    return {{file.parent_path().string(), file.stem().string()}};
  }
  return {{MQ_PLUGIN_DIR, "store-mmap"}, {MQ_PLUGIN_DIR, "store-lmdb"}};
}

// What a store promises beyond the seam's common contract, chosen by whoever runs the suite with
// MQ_STORE_PROFILE. kDurable (unset, empty or `durable`): everything, as store-mmap and store-lmdb.
// kVolatile (`volatile`): a store that keeps nothing across a restart (memory-store); the tests
// that need the log to outlive the store object (reopen, recovery after SIGKILL, the disk-ratio
// guard) are reported as skipped, naming the profile. Any other value fails every test.
enum class StoreProfile { kDurable, kVolatile, kUnknown };

inline StoreProfile store_profile() {
  const char* value = std::getenv("MQ_STORE_PROFILE");
  const std::string profile = value == nullptr ? "" : value;
  if (profile.empty() || profile == "durable") return StoreProfile::kDurable;
  if (profile == "volatile") return StoreProfile::kVolatile;
  return StoreProfile::kUnknown;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "store-conformance-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Small segments so tests cross segment boundaries quickly.
inline sdk::StoreOptions small_options(const std::string& root) {
  sdk::StoreOptions options;
  options.store_path_root_dir = root;
  options.mapped_file_size_commit_log = 4096;
  options.mapped_file_size_consume_queue = 20 * 16;
  options.flush_interval_commit_log_ms = 20;
  options.flush_interval_consume_queue_ms = 20;
  options.max_hash_slot_num = 64;
  options.max_index_num = 256;
  options.max_message_size = 2048;
  options.sync_flush_timeout_ms = 5000;
  options.disk_max_used_space_ratio = 100;
  return options;
}

// A message that owns its bytes; message() views them.
struct OwnedMessage {
  std::string topic = "TopicTest";
  std::int32_t queue_id = 0;
  std::string body = "hello";
  std::string tags;
  std::string keys;
  std::string unique_key;
  std::string properties;
  std::int64_t born_ms = 1700000000000;

  OwnedMessage() = default;
  OwnedMessage(std::string t, std::int32_t q, std::string b, std::string tag = "",
               std::string k = "", std::string uniq = "")
      : topic(std::move(t)),
        queue_id(q),
        body(std::move(b)),
        tags(std::move(tag)),
        keys(std::move(k)),
        unique_key(std::move(uniq)) {
    auto add = [this](const char* name, const std::string& value) {
      if (value.empty()) return;
      if (!properties.empty()) properties += '\x02';
      properties += name;
      properties += '\x01';
      properties += value;
    };
    add("TAGS", tags);
    add("KEYS", keys);
    add("UNIQ_KEY", unique_key);
  }

  sdk::MessageToAppend message() const {
    sdk::MessageToAppend m;
    m.topic = topic;
    m.queue_id = queue_id;
    m.flag = 7;
    m.born_timestamp_ms = born_ms;
    m.born_host.ip[0] = 10;
    m.born_host.ip[3] = 2;
    m.born_host.port = 50000;
    m.store_host.ip[0] = 127;
    m.store_host.ip[3] = 1;
    m.store_host.port = 10911;
    m.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    m.properties = properties;
    m.tags_code = sdk::record::tags_code(tags);
    m.keys = keys;
    m.unique_key = unique_key;
    return m;
  }
};

struct Appended {
  sdk::Status status;
  sdk::AppendResult result;
};

inline Appended append_and_wait(sdk::MessageStore& store, const OwnedMessage& message) {
  auto promise = std::make_shared<std::promise<Appended>>();
  auto future = promise->get_future();
  store.append(message.message(), [promise](const sdk::Status& s, const sdk::AppendResult& r) {
    promise->set_value(Appended{s, r});
  });
  return future.get();
}

inline std::string body_of(sdk::ByteView record) {
  sdk::record::StoredRecord decoded;
  if (sdk::record::decode_record(record, &decoded, true) != sdk::record::DecodeStatus::kOk) {
    return "<bad record>";
  }
  return std::string(reinterpret_cast<const char*>(decoded.body.data()), decoded.body.size());
}

// One plugin loaded through PluginHost, and stores created from it.
class StoreHarness {
 public:
  explicit StoreHarness(PluginUnderTest plugin) : plugin_(std::move(plugin)) {}
  StoreHarness(const StoreHarness&) = delete;
  StoreHarness& operator=(const StoreHarness&) = delete;
  ~StoreHarness() { close(); }

  // Loads the plugin (once) and creates and starts a store with `options`. Plugin keys that
  // speed tests up are passed for both built-in stores; other plugins just ignore them.
  sdk::Status open(const sdk::StoreOptions& options) {
    close();
    if (!host_) {
      host_ = std::make_unique<core::PluginHost>(std::make_shared<spdlog::logger>("conformance"),
                                                 plugin_.dir);
      auto loaded = host_->load(plugin_.name, sdk::Seam::kStore, "storePlugin");
      if (!loaded.ok()) return loaded.status();
      library_ = loaded.value();
      std::vector<core::PropertyEntry> entries = {
          {"mmap.housekeepingIntervalMs", "100", "<conformance>", 0},
          {"lmdb.housekeepingIntervalMs", "100", "<conformance>", 0},
          {"lmdb.mapSize", "16777216", "<conformance>", 0},
      };
      std::vector<std::string> warnings;
      auto resolved = host_->resolve_keys(entries, warnings);
      if (!resolved) return resolved;
    }
    options_ = options;
    sdk::PluginConfig config;
    config.broker = &broker_;
    config.store = &options_;
    auto made = host_->create<sdk::MessageStore>(library_, config);
    if (!made.ok()) return made.status();
    store_ = std::move(made).value();
    return store_->start();
  }
  void close() {
    if (store_) store_->stop();
    store_.reset();
  }
  sdk::MessageStore& store() { return *store_; }
  const std::string& name() const { return plugin_.name; }

 private:
  PluginUnderTest plugin_;
  sdk::BrokerIdentity broker_;
  sdk::StoreOptions options_;
  std::unique_ptr<core::PluginHost> host_;
  std::shared_ptr<core::PluginLibrary> library_;
  core::PluginObject<sdk::MessageStore> store_;
};

}  // namespace mq::conformance
