// What the transport conformance tests share: which plugin to test, an address to listen on in
// its scheme, transports created through the core's real PluginHost (the loader the broker
// uses), recording and echoing FrameHandlers, and raw sockets that misbehave on purpose.
//
// The plugins under test are transport-tcp and transport-uds from this build, or the single .so
// named by the environment variable MQ_TRANSPORT_PLUGIN (see README.md).
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/config.h"
#include "mq/sdk/transport.h"

#include "config/properties_file.h"
#include "plugin_host/plugin_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mq::conformance {

using namespace std::chrono_literals;

// A plugin to test: the directory holding it and its name (the file stem).
struct TransportUnderTest {
  std::string dir;
  std::string name;
};

inline void PrintTo(const TransportUnderTest& plugin, std::ostream* out) { *out << plugin.name; }

inline std::vector<TransportUnderTest> transports_under_test() {
  if (const char* path = std::getenv("MQ_TRANSPORT_PLUGIN"); path != nullptr && *path != '\0') {
    const std::filesystem::path file(path);
    return {{file.parent_path().string(), file.stem().string()}};
  }
  return {{MQ_PLUGIN_DIR, "transport-tcp"}, {MQ_PLUGIN_DIR, "transport-uds"}};
}

// A fresh address to listen on in `scheme`: an ephemeral TCP port, or a short socket path
// under the temp directory (sun_path holds 107 bytes). MQ_TRANSPORT_LISTEN_ADDRESS overrides
// it for other schemes.
inline std::string listen_address_for(std::string_view scheme) {
  if (const char* text = std::getenv("MQ_TRANSPORT_LISTEN_ADDRESS"); text != nullptr && *text) {
    return text;
  }
  if (scheme == "tcp") return "127.0.0.1:0";
  static std::atomic<int> counter{0};
  std::string dir = std::filesystem::temp_directory_path().string();
  if (dir.size() > 60) dir = "/tmp";
  return "unix:" + dir + "/mqct-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + ".sock";
}

// Frame bytes that tell frames apart: byte i is (seed + i * 31) mod 251.
inline std::string pattern(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((seed + i * 31) % 251);
  return out;
}

inline sdk::OutboundFrame frame_of(std::string_view text) {
  sdk::OutboundFrame frame;
  frame.head = sdk::Bytes::copy_of(text);
  return frame;
}

// Records everything a transport reports; waits with a deadline.
class Recorder : public sdk::FrameHandler {
 public:
  void on_open(sdk::ConnectionId id, std::string_view peer, std::string_view) noexcept override {
    std::lock_guard lock(mu_);
    opened_.push_back(id);
    peers_[id] = std::string(peer);
    cv_.notify_all();
  }
  void on_frame(sdk::ConnectionId id, sdk::Bytes frame) noexcept override {
    std::lock_guard lock(mu_);
    frames_[id].emplace_back(frame.as_string_view());
    ++frame_count_;
    ++frames_since_end_[id];
    frame_threads_[id] = std::this_thread::get_id();
    cv_.notify_all();
  }
  void on_frames_end(sdk::ConnectionId id) noexcept override {
    std::lock_guard lock(mu_);
    if (frames_since_end_[id] == 0) ++empty_ends_;
    if (frame_threads_[id] != std::this_thread::get_id()) ++ends_on_another_thread_;
    frames_since_end_[id] = 0;
    ++ends_;
    cv_.notify_all();
  }
  void on_close(sdk::ConnectionId id, const sdk::Status& why) noexcept override {
    std::lock_guard lock(mu_);
    closed_[id].push_back(why.code());
    cv_.notify_all();
  }

  template <typename Predicate>
  bool wait_for(Predicate predicate, std::chrono::milliseconds timeout = 2500ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return predicate(*this); });
  }
  // Accessors for predicates (called with mu_ held by wait_for) and afterwards.
  std::size_t open_count() const { return opened_.size(); }
  std::size_t close_count() const {
    std::size_t total = 0;
    for (const auto& [id, codes] : closed_) total += codes.size();
    return total;
  }
  std::size_t frame_count() const { return frame_count_; }
  std::size_t frames_on(sdk::ConnectionId id) const {
    auto it = frames_.find(id);
    return it == frames_.end() ? 0 : it->second.size();
  }
  bool closed(sdk::ConnectionId id) const { return closed_.contains(id); }
  // on_frames_end: calls, calls with no frame since the previous one, calls on another thread
  // than the frames', frames not yet followed by a call.
  std::size_t ends() const { return ends_; }
  std::size_t empty_ends() const { return empty_ends_; }
  std::size_t ends_on_another_thread() const { return ends_on_another_thread_; }
  std::size_t frames_since_end(sdk::ConnectionId id) const {
    auto it = frames_since_end_.find(id);
    return it == frames_since_end_.end() ? 0 : it->second;
  }

  std::vector<std::string> frames(sdk::ConnectionId id) {
    std::lock_guard lock(mu_);
    return frames_[id];
  }
  std::vector<sdk::StatusCode> close_codes(sdk::ConnectionId id) {
    std::lock_guard lock(mu_);
    return closed_[id];
  }
  std::vector<sdk::ConnectionId> opened() {
    std::lock_guard lock(mu_);
    return opened_;
  }
  std::map<sdk::ConnectionId, std::vector<sdk::StatusCode>> all_closed() {
    std::lock_guard lock(mu_);
    return closed_;
  }
  std::string peer(sdk::ConnectionId id) {
    std::lock_guard lock(mu_);
    return peers_[id];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sdk::ConnectionId> opened_;
  std::map<sdk::ConnectionId, std::string> peers_;
  std::map<sdk::ConnectionId, std::vector<std::string>> frames_;
  std::map<sdk::ConnectionId, std::vector<sdk::StatusCode>> closed_;
  std::size_t frame_count_ = 0;
  std::map<sdk::ConnectionId, std::size_t> frames_since_end_;
  std::map<sdk::ConnectionId, std::thread::id> frame_threads_;
  std::size_t ends_ = 0;
  std::size_t empty_ends_ = 0;
  std::size_t ends_on_another_thread_ = 0;
};

// A server handler: records like Recorder and sends every frame back on its connection.
class Echo : public Recorder {
 public:
  void attach(sdk::Transport& transport) { transport_.store(&transport); }
  void on_frame(sdk::ConnectionId id, sdk::Bytes frame) noexcept override {
    sdk::OutboundFrame reply;
    reply.head = sdk::Bytes::copy_of(frame.view());
    Recorder::on_frame(id, std::move(frame));
    if (auto* transport = transport_.load()) {
      if (!transport->send(id, std::move(reply))) failed_sends_.fetch_add(1);
    }
  }
  int failed_sends() const { return failed_sends_.load(); }

 private:
  std::atomic<sdk::Transport*> transport_{nullptr};
  std::atomic<int> failed_sends_{0};
};

// One plugin loaded through PluginHost, and transports created from it.
class TransportHarness {
 public:
  explicit TransportHarness(TransportUnderTest plugin) : plugin_(std::move(plugin)) {}
  TransportHarness(const TransportHarness&) = delete;
  TransportHarness& operator=(const TransportHarness&) = delete;

  sdk::Status load() {
    host_ = std::make_unique<core::PluginHost>(std::make_shared<spdlog::logger>("conformance"),
                                               plugin_.dir);
    auto loaded = host_->load(plugin_.name, sdk::Seam::kTransport, "transportPlugins");
    if (!loaded.ok()) return loaded.status();
    library_ = loaded.value();
    std::vector<std::string> warnings;
    return host_->resolve_keys({}, warnings);
  }

  // A new transport with `options`; the options object lives as long as the harness.
  sdk::Result<core::PluginObject<sdk::Transport>> create(const sdk::TransportOptions& options) {
    options_.push_back(std::make_unique<sdk::TransportOptions>(options));
    sdk::PluginConfig config;
    config.broker = &broker_;
    config.transport = options_.back().get();
    return host_->create<sdk::Transport>(library_, config);
  }

 private:
  TransportUnderTest plugin_;
  sdk::BrokerIdentity broker_;
  std::unique_ptr<core::PluginHost> host_;
  std::shared_ptr<core::PluginLibrary> library_;
  std::vector<std::unique_ptr<sdk::TransportOptions>> options_;
};

// A plain socket to a listening address ("host:port" or "unix:/path"); -1 on failure.
inline int raw_connect(const std::string& address) {
  if (address.starts_with("unix:")) {
    const std::string path = address.substr(5);
    sockaddr_un where{};
    where.sun_family = AF_UNIX;
    if (path.size() >= sizeof(where.sun_path)) return -1;
    std::memcpy(where.sun_path, path.data(), path.size());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof(where)) == 0) {
      return fd;
    }
    if (fd >= 0) ::close(fd);
    return -1;
  }
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return -1;
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  if (::inet_pton(AF_INET, address.substr(0, colon).c_str(), &where.sin_addr) != 1) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof(where)) == 0) {
    return fd;
  }
  if (fd >= 0) ::close(fd);
  return -1;
}

inline bool write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::send(fd, bytes, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

inline std::string be32(std::uint32_t value) {
  std::string out(4, '\0');
  out[0] = static_cast<char>(value >> 24);
  out[1] = static_cast<char>(value >> 16);
  out[2] = static_cast<char>(value >> 8);
  out[3] = static_cast<char>(value);
  return out;
}

// Waits until the peer of `fd` closes (read returns 0 or an error); false after `timeout`.
inline bool wait_peer_closed(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char sink[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, sink, sizeof(sink), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET || errno == EPIPE;
  }
}

// Raises the soft RLIMIT_NOFILE towards `wanted`; returns the limit now in force.
inline rlim_t raise_fd_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

}  // namespace mq::conformance
