// Test support shared by the replication plugins' tests: a fake HostServices, plugins loaded
// from their built .so files with dlopen (as the core loads them), store-mmap stores in fresh
// temp dirs, a loopback port, bounded waits, and a raw slave that speaks the HA protocol by
// hand. Header-only; every test binary gets its own copy.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/replication.h"
#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mq::replication::testing {

// ---- host services ------------------------------------------------------------------------

class FakeLogger final : public sdk::Logger {
 public:
  explicit FakeLogger(std::string tag) : tag_(std::move(tag)) {}
  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    std::lock_guard lock(mu_);
    try {
      lines_.emplace_back(message);
    } catch (...) {
    }
    // Warnings and errors always; every line with MQ_TEST_VERBOSE set.
    static const bool verbose = std::getenv("MQ_TEST_VERBOSE") != nullptr;
    if (level >= sdk::LogLevel::kWarn || verbose) {
      std::fprintf(stderr, "[%s] %.*s\n", tag_.c_str(), static_cast<int>(message.size()),
                   message.data());
    }
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }
  // Lines that contain `text`.
  int count(const std::string& text) const {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count_if(lines_.begin(), lines_.end(), [&](const auto& line) {
      return line.find(text) != std::string::npos;
    }));
  }

 private:
  const std::string tag_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

class FakeMetrics final : public sdk::Metrics {
 public:
  void add(std::string_view, std::int64_t) noexcept override {}
  void set(std::string_view, std::int64_t) noexcept override {}
};

class RealClock final : public sdk::Clock {
 public:
  std::int64_t now_ms() const noexcept override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t steady_ns() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// The replication plugins need no host timers: these never fire.
class NoTimers final : public sdk::Timers {
 public:
  sdk::TimerId every(std::int64_t, std::function<void()>) noexcept override { return 0; }
  sdk::TimerId after(std::int64_t, std::function<void()>) noexcept override { return 0; }
  void cancel(sdk::TimerId) noexcept override {}
};

class FakeHost final : public sdk::HostServices {
 public:
  explicit FakeHost(std::string tag) : logger_(std::move(tag)) {}
  sdk::Logger& logger() noexcept override { return logger_; }
  sdk::Metrics& metrics() noexcept override { return metrics_; }
  const sdk::Clock& clock() noexcept override { return clock_; }
  sdk::Timers& timers() noexcept override { return timers_; }

  FakeLogger logger_;
  FakeMetrics metrics_;
  RealClock clock_;
  NoTimers timers_;
};

// ---- plugins --------------------------------------------------------------------------------

inline const sdk::PluginDescriptor* load_descriptor(const char* path) {
  void* handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    ADD_FAILURE() << ::dlerror();
    return nullptr;
  }
  auto entry = reinterpret_cast<mq_plugin_descriptor_fn>(::dlsym(handle, sdk::kPluginEntrySymbol));
  if (entry == nullptr) {
    ADD_FAILURE() << "no " << sdk::kPluginEntrySymbol << " in " << path;
    return nullptr;
  }
  return entry();
}

// Every declared key at its default.
inline void fill_default_keys(const sdk::PluginDescriptor& d, sdk::PluginConfig& config) {
  for (const sdk::ConfigKey* key = d.config_keys; key->name != nullptr; ++key) {
    sdk::ConfigValue value;
    value.type = key->type;
    value.text = key->default_value;
    value.bool_value = value.text == "true";
    if (key->type == sdk::ConfigType::kInt) value.int_value = std::stoll(value.text);
    config.keys[key->name] = value;
  }
}

template <typename T>
std::unique_ptr<T> create_instance(const sdk::PluginDescriptor* d, sdk::HostServices& host,
                                   const sdk::PluginConfig& config) {
  if (d == nullptr) return nullptr;
  sdk::PluginInstance* instance = nullptr;
  auto status = d->create(host, config, &instance);
  EXPECT_TRUE(status) << status.to_string();
  std::unique_ptr<sdk::PluginInstance> owned(instance);
  auto* typed = dynamic_cast<T*>(instance);
  EXPECT_NE(typed, nullptr);
  if (typed != nullptr) owned.release();
  return std::unique_ptr<T>(typed);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "replication-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  std::string sub(const std::string& leaf) const {
    return (std::filesystem::path(path_) / leaf).string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Small segment files, so replication crosses file ends (and their fillers) quickly.
inline sdk::StoreOptions small_store_options(const TempDir& dir) {
  sdk::StoreOptions options;
  options.store_path_root_dir = dir.path();
  options.store_path_commit_log = dir.sub("commitlog");
  options.store_path_consume_queue = dir.sub("consumequeue");
  options.store_path_index = dir.sub("index");
  options.store_checkpoint = dir.sub("checkpoint");
  options.abort_file = dir.sub("abort");
  options.mapped_file_size_commit_log = 4096;
  options.mapped_file_size_consume_queue = 20 * 64;
  options.flush_interval_commit_log_ms = 20;
  options.flush_interval_consume_queue_ms = 20;
  options.max_hash_slot_num = 64;
  options.max_index_num = 256;
  options.max_message_size = 2048;
  return options;
}

// A store-mmap store over `dir`, made by the built store-mmap.so and started.
class TestStore {
 public:
  explicit TestStore(const TempDir& dir, const std::string& tag = "store")
      : host_(tag), options_(small_store_options(dir)) {
    const auto* d = load_descriptor(MQ_STORE_MMAP_PLUGIN_PATH);
    if (d == nullptr) return;
    config_.plugin_name = d->name;
    config_.store = &options_;
    fill_default_keys(*d, config_);
    store_ = create_instance<sdk::MessageStore>(d, host_, config_);
    if (store_) {
      auto started = store_->start();
      EXPECT_TRUE(started) << started.to_string();
    }
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;
  ~TestStore() { close(); }
  void close() {
    if (store_) store_->stop();
    store_.reset();
  }
  sdk::MessageStore& operator*() { return *store_; }
  sdk::MessageStore* operator->() { return store_.get(); }
  sdk::MessageStore* get() { return store_.get(); }

 private:
  FakeHost host_;
  sdk::StoreOptions options_;
  sdk::PluginConfig config_;
  std::unique_ptr<sdk::MessageStore> store_;
};

// Replication options for loopback tests: short heartbeats so reconnects and caught-up
// heartbeats happen within a test's time.
inline sdk::ReplicationOptions fast_options(sdk::BrokerRole role, int port) {
  sdk::ReplicationOptions options;
  options.broker_role = role;
  options.ha_listen_port = port;
  options.slave_timeout_ms = 1500;
  options.ha_send_heartbeat_interval_ms = 100;
  options.ha_housekeeping_interval_ms = 2000;
  options.ha_transfer_batch_size = 1024;
  return options;
}

// A replication policy made by the .so at `path`.
class TestPolicy {
 public:
  TestPolicy(const char* path, const sdk::ReplicationOptions& options,
             const std::string& tag = "policy")
      : host_(tag), options_(options) {
    const auto* d = load_descriptor(path);
    if (d == nullptr) return;
    config_.plugin_name = d->name;
    config_.replication = &options_;
    fill_default_keys(*d, config_);
    policy_ = create_instance<sdk::ReplicationPolicy>(d, host_, config_);
  }
  TestPolicy(const TestPolicy&) = delete;
  TestPolicy& operator=(const TestPolicy&) = delete;
  ~TestPolicy() { close(); }
  void start(sdk::MessageStore& store) {
    ASSERT_NE(policy_, nullptr);
    auto started = policy_->start(store);
    ASSERT_TRUE(started) << started.to_string();
  }
  void close() {
    if (policy_) policy_->stop();
    policy_.reset();
  }
  sdk::ReplicationPolicy& operator*() { return *policy_; }
  sdk::ReplicationPolicy* operator->() { return policy_.get(); }
  FakeLogger& log() { return host_.logger_; }

 private:
  FakeHost host_;
  sdk::ReplicationOptions options_;
  sdk::PluginConfig config_;
  std::unique_ptr<sdk::ReplicationPolicy> policy_;
};

// ---- messages -------------------------------------------------------------------------------

struct AppendOutcome {
  sdk::Status status;
  sdk::AppendResult result;
};

// Appends one message (body `body`, tag `tag`) to topic/queue and waits for the store.
inline AppendOutcome append(sdk::MessageStore& store, const std::string& topic,
                            std::int32_t queue_id, const std::string& body,
                            const std::string& tag = "TagA") {
  std::string properties = std::string("TAGS") + '\x01' + tag;
  sdk::MessageToAppend m;
  m.topic = topic;
  m.queue_id = queue_id;
  m.born_timestamp_ms = 1700000000000;
  m.born_host.ip[0] = 127;
  m.born_host.ip[3] = 1;
  m.born_host.port = 40000;
  m.store_host.ip[0] = 127;
  m.store_host.ip[3] = 1;
  m.store_host.port = 10911;
  m.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  m.properties = properties;
  m.tags_code = sdk::record::tags_code(tag);
  auto promise = std::make_shared<std::promise<AppendOutcome>>();
  auto future = promise->get_future();
  store.append(m, [promise](const sdk::Status& s, const sdk::AppendResult& r) {
    promise->set_value(AppendOutcome{s, r});
  });
  return future.get();
}

// Appends `count` messages spread over two topics and three queues; returns the log end.
inline std::int64_t append_many(sdk::MessageStore& store, int count, const std::string& prefix) {
  for (int i = 0; i < count; ++i) {
    const std::string topic = i % 2 == 0 ? "TopicA" : "TopicB";
    const std::string body = prefix + "-" + std::to_string(i) + std::string(40 + i % 70, 'x');
    auto outcome = append(store, topic, i % 3, body);
    EXPECT_TRUE(outcome.status) << outcome.status.to_string();
  }
  return store.log_end().value();
}

// Every log byte from `from` to the end, through read_log (as the master ships it).
inline std::vector<std::uint8_t> read_whole_log(sdk::MessageStore& store, std::int64_t from = 0) {
  std::vector<std::uint8_t> out;
  std::int64_t offset = from;
  for (;;) {
    auto read = store.read_log(sdk::PhysicalOffset(offset), 1 << 20);
    if (!read.ok()) {
      ADD_FAILURE() << "read_log(" << offset << "): " << read.status().to_string();
      break;
    }
    if (read->record.empty()) break;
    out.insert(out.end(), read->record.begin(), read->record.end());
    offset += static_cast<std::int64_t>(read->record.size());
  }
  return out;
}

// Bodies of every message in one queue.
inline std::vector<std::string> queue_bodies(sdk::MessageStore& store, const std::string& topic,
                                             std::int32_t queue_id) {
  std::vector<std::string> bodies;
  std::int64_t offset = 0;
  for (;;) {
    auto read = store.read_queue(topic, queue_id, sdk::QueueOffset(offset), 32, 1 << 20, {});
    if (read.status != sdk::ReadStatus::kFound) break;
    for (auto record : read.records) {
      sdk::record::StoredRecord decoded;
      if (sdk::record::decode_record(record, &decoded, true) != sdk::record::DecodeStatus::kOk) {
        bodies.push_back("<bad record>");
        continue;
      }
      bodies.emplace_back(reinterpret_cast<const char*>(decoded.body.data()), decoded.body.size());
    }
    offset = read.next_offset.value();
  }
  return bodies;
}

// ---- time and network -----------------------------------------------------------------------

// Polls `condition` every 5 ms for up to `limit`. The limit is a bound, not a measurement.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(2500)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

// A loopback port nobody listens on right now (the kernel's pick for port 0).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

inline std::string loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

// A slave written by hand: connects, sends reports when told, and reads nothing unless asked.
// Used to hold an acknowledgement back, or to send a chosen offset.
class RawSlave {
 public:
  explicit RawSlave(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  RawSlave(const RawSlave&) = delete;
  RawSlave& operator=(const RawSlave&) = delete;
  ~RawSlave() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool report(std::int64_t offset) {
    std::uint8_t bytes[8];
    sdk::record::put_u64(bytes, static_cast<std::uint64_t>(offset));
    return ::send(fd_, bytes, sizeof(bytes), MSG_NOSIGNAL) == 8;
  }
  // Reads one frame header (20 bytes) within 2 s; false on timeout or close.
  bool read_header(std::int64_t* offset, std::int32_t* body_size, std::int64_t* master_end) {
    std::uint8_t header[20];
    if (!read_exactly(header, sizeof(header))) return false;
    *offset = sdk::record::get_i64(header);
    *body_size = sdk::record::get_i32(header + 8);
    *master_end = sdk::record::get_i64(header + 12);
    return true;
  }
  bool read_exactly(std::uint8_t* out, std::size_t size) {
    std::size_t got = 0;
    while (got < size) {
      pollfd fd{fd_, POLLIN, 0};
      if (::poll(&fd, 1, 2000) <= 0) return false;
      const ssize_t n = ::recv(fd_, out + got, size - got, 0);
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace mq::replication::testing
