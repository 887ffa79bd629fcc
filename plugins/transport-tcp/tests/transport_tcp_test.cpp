// transport-tcp as the core sees it: the built .so opened with dlopen(RTLD_NOW | RTLD_LOCAL), its
// descriptor checked, transports created through descriptor->create() with a fake host. Hostile
// and slow peers are raw POSIX sockets. Waits poll with a deadline that only a failing test
// reaches; no test sleeps to let something happen.
#include "mq/sdk/abi.h"
#include "mq/sdk/bytes.h"
#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mq::transport_tcp {
namespace {

using namespace std::chrono_literals;
using sdk::ConnectionId;
using sdk::StatusCode;
using SteadyClock = std::chrono::steady_clock;

// Only a failing test waits this long.
constexpr auto kDeadline = 5s;
constexpr std::int64_t kMiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Fake host

class RecordingLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    std::lock_guard lock(mu_);
    lines_.emplace_back(level, std::string(message));
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }

  // True when a line at `level` contains every needle.
  bool has_line(sdk::LogLevel level, std::initializer_list<std::string_view> needles) const {
    std::lock_guard lock(mu_);
    for (const auto& [line_level, text] : lines_) {
      if (line_level != level) continue;
      const bool all = std::all_of(needles.begin(), needles.end(), [&](std::string_view n) {
        return text.find(n) != std::string::npos;
      });
      if (all) return true;
    }
    return false;
  }

  std::string dump() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [level, text] : lines_) {
      out += "  [" + std::to_string(static_cast<int>(level)) + "] " + text + "\n";
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<sdk::LogLevel, std::string>> lines_;
};

class NullMetrics final : public sdk::Metrics {
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
               SteadyClock::now().time_since_epoch())
        .count();
  }
};

// The transport needs no host timers; any use of them fails.
class NoTimers final : public sdk::Timers {
 public:
  sdk::TimerId every(std::int64_t, std::function<void()>) noexcept override { return 0; }
  sdk::TimerId after(std::int64_t, std::function<void()>) noexcept override { return 0; }
  void cancel(sdk::TimerId) noexcept override {}
};

class FakeHost final : public sdk::HostServices {
 public:
  sdk::Logger& logger() noexcept override { return logger_; }
  sdk::Metrics& metrics() noexcept override { return metrics_; }
  const sdk::Clock& clock() noexcept override { return clock_; }
  sdk::Timers& timers() noexcept override { return timers_; }
  RecordingLogger& log() { return logger_; }

 private:
  RecordingLogger logger_;
  NullMetrics metrics_;
  RealClock clock_;
  NoTimers timers_;
};

// ---------------------------------------------------------------------------------------------
// Loading the plugin the way the core does (minus Boost.DLL)

const sdk::PluginDescriptor* descriptor() {
  static const sdk::PluginDescriptor* const loaded = []() -> const sdk::PluginDescriptor* {
    // Never closed: a plugin's objects and threads must not outlive its code.
    void* library = dlopen(MQ_TRANSPORT_TCP_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      ADD_FAILURE() << "dlopen failed: " << dlerror();
      return nullptr;
    }
    void* symbol = dlsym(library, sdk::kPluginEntrySymbol);
    if (symbol == nullptr) {
      ADD_FAILURE() << "no " << sdk::kPluginEntrySymbol << ": " << dlerror();
      return nullptr;
    }
    mq_plugin_descriptor_fn entry = nullptr;
    static_assert(sizeof entry == sizeof symbol);
    std::memcpy(&entry, &symbol, sizeof entry);
    return entry();
  }();
  return loaded;
}

// The config the core would build: every declared key, from `overrides` or its default text.
sdk::PluginConfig make_config(const sdk::TransportOptions* options,
                              const std::map<std::string, std::string>& overrides) {
  sdk::PluginConfig config;
  config.plugin_name = descriptor()->name;
  config.transport = options;
  for (const sdk::ConfigKey* key = descriptor()->config_keys; key->name != nullptr; ++key) {
    const auto it = overrides.find(key->name);
    sdk::ConfigValue value;
    value.type = key->type;
    value.text = it != overrides.end() ? it->second : key->default_value;
    if (key->type == sdk::ConfigType::kInt) {
      std::from_chars(value.text.data(), value.text.data() + value.text.size(), value.int_value);
    } else if (key->type == sdk::ConfigType::kBool) {
      value.bool_value = value.text == "true";
    } else if (key->type == sdk::ConfigType::kDouble) {
      value.double_value = std::strtod(value.text.c_str(), nullptr);
    }
    config.keys.emplace(key->name, std::move(value));
  }
  return config;
}

sdk::Result<std::unique_ptr<sdk::Transport>> create_transport(sdk::HostServices& host,
                                                              const sdk::PluginConfig& config) {
  sdk::PluginInstance* instance = nullptr;
  sdk::Status status = descriptor()->create(host, config, &instance);
  if (!status.is_ok()) {
    EXPECT_EQ(instance, nullptr);
    return status;
  }
  auto* transport = dynamic_cast<sdk::Transport*>(instance);
  if (transport == nullptr) {
    delete instance;
    return sdk::Status(StatusCode::kInternal, "the plugin did not create a Transport");
  }
  return std::unique_ptr<sdk::Transport>(transport);
}

// ---------------------------------------------------------------------------------------------
// Frames

std::string prefix_of(std::uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

std::string framed(std::string_view body) {
  return prefix_of(static_cast<std::uint32_t>(body.size())) + std::string(body);
}

sdk::OutboundFrame frame_of(std::string_view body) {
  sdk::OutboundFrame frame;
  frame.head = sdk::Bytes::copy_of(body);
  return frame;
}

std::string pattern(std::size_t size, std::uint8_t seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131 + seed) & 0xff);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A FrameHandler that records everything and checks the callback contract as it goes

class RecordingHandler final : public sdk::FrameHandler {
 public:
  struct Connection {
    std::string peer;
    std::string local;
    std::vector<std::string> frames;
    int opens = 0;
    int closes = 0;
    std::optional<sdk::Status> why;
  };

  // Echo every frame back on its connection through `transport`.
  void echo_through(sdk::Transport* transport) { echo_ = transport; }
  // Called on the I/O thread after on_open / on_frame were recorded.
  std::function<void(ConnectionId)> after_open;
  std::function<void(ConnectionId, const std::string&)> after_frame;

  void on_open(ConnectionId id, std::string_view peer, std::string_view local) noexcept override {
    {
      std::lock_guard lock(mu_);
      Connection& c = connections_[id];
      if (c.opens > 0 || c.closes > 0 || !c.frames.empty()) violations_.push_back("late open");
      c.peer = peer;
      c.local = local;
      ++c.opens;
      order_.push_back(id);
    }
    cv_.notify_all();
    if (after_open) after_open(id);
  }

  void on_frame(ConnectionId id, sdk::Bytes frame) noexcept override {
    std::string text(frame.as_string_view());
    if (echo_ != nullptr) {
      sdk::OutboundFrame reply;
      reply.head = std::move(frame);
      const sdk::Status status = echo_->send(id, std::move(reply));
      if (!status.is_ok()) {
        std::lock_guard lock(mu_);
        violations_.push_back("echo failed: " + status.to_string());
      }
    }
    {
      std::lock_guard lock(mu_);
      Connection& c = connections_[id];
      if (c.opens != 1) violations_.push_back("frame before open");
      if (c.closes != 0) violations_.push_back("frame after close");
      c.frames.push_back(text);
      ++total_frames_;
    }
    cv_.notify_all();
    if (after_frame) after_frame(id, text);
  }

  void on_close(ConnectionId id, const sdk::Status& why) noexcept override {
    {
      std::lock_guard lock(mu_);
      Connection& c = connections_[id];
      if (c.opens != 1) violations_.push_back("close without open");
      if (c.closes != 0) violations_.push_back("second close");
      ++c.closes;
      c.why = why;
      ++total_closes_;
    }
    cv_.notify_all();
  }

  // Waits until `done` (evaluated under the handler's lock) holds; false at the deadline.
  bool wait(const std::function<bool()>& done, std::chrono::nanoseconds timeout = kDeadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, done);
  }
  bool wait_opens(std::size_t n) {
    return wait([&] { return order_.size() >= n; });
  }
  bool wait_closes(std::size_t n) {
    return wait([&] { return total_closes_ >= n; });
  }
  bool wait_closed(ConnectionId id) {
    return wait([&] { return connections_.count(id) != 0 && connections_[id].closes > 0; });
  }
  bool wait_frames(ConnectionId id, std::size_t n) {
    return wait([&] { return connections_.count(id) != 0 && connections_[id].frames.size() >= n; });
  }
  bool wait_total_frames(std::size_t n) {
    return wait([&] { return total_frames_ >= n; });
  }

  Connection connection(ConnectionId id) {
    std::lock_guard lock(mu_);
    return connections_[id];
  }
  // Waits for on_open from `peer`; returns its id, 0 at the deadline.
  ConnectionId wait_peer(const std::string& peer) {
    ConnectionId found = 0;
    wait([&] {
      for (const auto& [id, c] : connections_) {
        if (c.peer == peer) found = id;
      }
      return found != 0;
    });
    return found;
  }
  std::vector<ConnectionId> opened() {
    std::lock_guard lock(mu_);
    return order_;
  }
  std::size_t closes() {
    std::lock_guard lock(mu_);
    return total_closes_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }

 private:
  sdk::Transport* echo_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<ConnectionId, Connection> connections_;
  std::vector<ConnectionId> order_;
  std::size_t total_frames_ = 0;
  std::size_t total_closes_ = 0;
  std::vector<std::string> violations_;
};

// ---------------------------------------------------------------------------------------------
// Raw POSIX sockets for hostile, slow and simple peers

bool to_sockaddr(const std::string& address, sockaddr_storage& out, socklen_t& length) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  const int port = std::atoi(address.c_str() + colon + 1);
  std::memset(&out, 0, sizeof out);
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof(sockaddr_in6);
    return inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1;
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(static_cast<std::uint16_t>(port));
  length = sizeof(sockaddr_in);
  return inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1;
}

std::string format_sockaddr(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
  inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
}

// Polls `done` until it holds; false at the deadline. For state with no callback to wait on.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = SteadyClock::now() + kDeadline;
  while (!done()) {
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

int remaining_ms(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

class RawSocket {
 public:
  // Connects (blocking) to "host:port"; `receive_buffer` > 0 sets SO_RCVBUF first.
  static RawSocket connect_to(const std::string& address, int receive_buffer = 0) {
    sockaddr_storage target{};
    socklen_t length = 0;
    if (!to_sockaddr(address, target, length)) return RawSocket(-1);
    RawSocket raw(::socket(target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (raw.fd_ < 0) return raw;
    if (receive_buffer > 0) {
      setsockopt(raw.fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    const int one = 1;
    setsockopt(raw.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(raw.fd_, reinterpret_cast<const sockaddr*>(&target), length) != 0) {
      raw.reset();
    }
    return raw;
  }

  explicit RawSocket(int fd = -1) : fd_(fd) {}
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawSocket& operator=(RawSocket&& other) noexcept {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  ~RawSocket() { reset(); }

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string local_address() const {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    return format_sockaddr(address);
  }

  bool write_all(std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads exactly `n` bytes; false on EOF, error or deadline.
  bool read_exact(char* out, std::size_t n, SteadyClock::time_point deadline) const {
    while (n > 0) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      const ssize_t got = ::recv(fd_, out, n, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out += got;
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }

  std::optional<std::string> read_frame(SteadyClock::time_point deadline = SteadyClock::now() +
                                                                           kDeadline) {
    char prefix[4];
    if (!read_exact(prefix, 4, deadline)) return std::nullopt;
    const std::uint32_t n = (std::uint32_t{static_cast<std::uint8_t>(prefix[0])} << 24) |
                            (std::uint32_t{static_cast<std::uint8_t>(prefix[1])} << 16) |
                            (std::uint32_t{static_cast<std::uint8_t>(prefix[2])} << 8) |
                            std::uint32_t{static_cast<std::uint8_t>(prefix[3])};
    std::string body(n, '\0');
    if (!read_exact(body.data(), n, deadline)) return std::nullopt;
    return body;
  }

  // Drains until the peer closes (EOF or reset); false at the deadline.
  bool wait_closed(SteadyClock::time_point deadline = SteadyClock::now() + kDeadline) const {
    char scratch[4096];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      const ssize_t got = ::recv(fd_, scratch, sizeof scratch, 0);
      if (got == 0) return true;
      if (got < 0 && errno != EINTR && errno != EAGAIN) return true;
    }
  }

 private:
  int fd_;
};

// A listening raw socket on 127.0.0.1 with the given backlog; never accepts unless asked.
struct RawListener {
  RawSocket socket{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  std::string address;

  explicit RawListener(int backlog, bool listening = true) {
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(socket.fd(), reinterpret_cast<const sockaddr*>(&any), sizeof any);
    if (listening) ::listen(socket.fd(), backlog);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&bound), &length);
    address = format_sockaddr(bound);
  }

  RawSocket accept_one() const { return RawSocket(::accept(socket.fd(), nullptr, nullptr)); }
};

bool ipv6_loopback_available() {
  RawSocket probe(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe.valid()) return false;
  sockaddr_in6 loopback{};
  loopback.sin6_family = AF_INET6;
  loopback.sin6_addr = in6addr_loopback;
  return ::bind(probe.fd(), reinterpret_cast<const sockaddr*>(&loopback), sizeof loopback) == 0;
}

// ---------------------------------------------------------------------------------------------
// Fixture: owns handlers and transports, in the order the contract needs (handlers outlive the
// transports' stop()).

class TransportTcpTest : public ::testing::Test {
 protected:
  struct Instance {
    std::unique_ptr<sdk::TransportOptions> options;
    sdk::PluginConfig config;
    std::unique_ptr<sdk::Transport> transport;
  };

  void SetUp() override { ASSERT_NE(descriptor(), nullptr); }

  void TearDown() override {
    for (Instance& instance : instances_) {
      if (instance.transport) instance.transport->stop();
    }
    instances_.clear();
    for (auto& handler : handlers_) {
      EXPECT_EQ(handler->violations(), std::vector<std::string>{});
    }
    if (HasFailure()) std::fprintf(stderr, "plugin log:\n%s", host_.log().dump().c_str());
  }

  RecordingHandler& handler() {
    return *handlers_.emplace_back(std::make_unique<RecordingHandler>());
  }

  sdk::Transport& make(sdk::TransportOptions options = {},
                       const std::map<std::string, std::string>& keys = {}) {
    Instance instance;
    instance.options = std::make_unique<sdk::TransportOptions>(options);
    instance.config = make_config(instance.options.get(), keys);
    auto created = create_transport(host_, instance.config);
    EXPECT_TRUE(created.ok()) << created.status().to_string();
    if (!created.ok()) std::abort();
    instance.transport = std::move(created.value());
    return *instances_.emplace_back(std::move(instance)).transport;
  }

  // Destroys a transport without calling stop() first (the destructor must do it).
  void destroy(sdk::Transport& transport) {
    for (Instance& instance : instances_) {
      if (instance.transport.get() == &transport) instance.transport.reset();
    }
  }

  std::string listen(sdk::Transport& transport, RecordingHandler& handler,
                     const std::string& address = "127.0.0.1:0") {
    auto bound = transport.listen(address, handler);
    EXPECT_TRUE(bound.ok()) << bound.status().to_string();
    return bound.ok() ? *bound : std::string();
  }

  ConnectionId dial(sdk::Transport& transport, const std::string& address,
                    RecordingHandler& handler) {
    auto id = transport.connect(address, handler);
    EXPECT_TRUE(id.ok()) << id.status().to_string();
    return id.ok() ? *id : 0;
  }

  // Opens a raw client to `address` and waits until `server` has delivered its on_open.
  ConnectionId raw_peer(const std::string& address, RecordingHandler& server, RawSocket& raw,
                        int receive_buffer = 0) {
    raw = RawSocket::connect_to(address, receive_buffer);
    EXPECT_TRUE(raw.valid()) << "cannot connect to " << address;
    if (!raw.valid()) return 0;
    const ConnectionId id = server.wait_peer(raw.local_address());
    EXPECT_NE(id, 0u) << "no on_open for " << raw.local_address();
    return id;
  }

  FakeHost host_;
  std::deque<std::unique_ptr<RecordingHandler>> handlers_;  // destroyed after instances_
  std::deque<Instance> instances_;
};

// ---------------------------------------------------------------------------------------------
// The descriptor and create()

TEST_F(TransportTcpTest, DescriptorPassesTheCoreChecks) {
  const sdk::PluginDescriptor& d = *descriptor();
  EXPECT_EQ(d.abi_major, sdk::kAbiMajor);
  EXPECT_LE(d.abi_minor, sdk::kAbiMinor);
  EXPECT_EQ(d.descriptor_size, sizeof(sdk::PluginDescriptor));
  EXPECT_EQ(d.seam, sdk::Seam::kTransport);
  EXPECT_STREQ(d.name, "transport-tcp");
  EXPECT_STREQ(d.build_fingerprint, MQ_SDK_BUILD_FINGERPRINT);
  ASSERT_NE(d.version, nullptr);
  ASSERT_NE(d.description, nullptr);
  ASSERT_NE(d.create, nullptr);
  ASSERT_NE(d.config_keys, nullptr);

  std::map<std::string, const sdk::ConfigKey*> keys;
  for (const sdk::ConfigKey* key = d.config_keys; key->name != nullptr; ++key) {
    EXPECT_TRUE(std::string_view(key->name).starts_with("tcp.")) << key->name;
    EXPECT_NE(key->default_value, nullptr) << key->name;
    EXPECT_NE(key->description, nullptr) << key->name;
    keys[key->name] = key;
  }
  ASSERT_TRUE(keys.count("tcp.noDelay"));
  EXPECT_EQ(keys["tcp.noDelay"]->type, sdk::ConfigType::kBool);
  EXPECT_STREQ(keys["tcp.noDelay"]->default_value, "true");
  ASSERT_TRUE(keys.count("tcp.listenBacklog"));
  EXPECT_EQ(keys["tcp.listenBacklog"]->type, sdk::ConfigType::kInt);
  EXPECT_STREQ(keys["tcp.listenBacklog"]->default_value, "1024");
}

TEST_F(TransportTcpTest, CreateRefusesBadOptionsWithAStatus) {
  const auto refused = [&](const sdk::TransportOptions* options,
                           const std::map<std::string, std::string>& keys,
                           std::string_view mentions) {
    const sdk::PluginConfig config = make_config(options, keys);
    auto created = create_transport(host_, config);
    EXPECT_FALSE(created.ok()) << mentions;
    if (created.ok()) return;
    EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(created.status().message().find(mentions), std::string::npos)
        << created.status().to_string();
  };
  refused(nullptr, {}, "transport");
  sdk::TransportOptions tiny_frames;
  tiny_frames.max_frame_bytes = 7;
  refused(&tiny_frames, {}, "max_frame_bytes");
  sdk::TransportOptions small_queue;
  small_queue.write_queue_limit_bytes = small_queue.max_frame_bytes - 1;
  refused(&small_queue, {}, "write_queue_limit_bytes");
  sdk::TransportOptions no_threads;
  no_threads.io_threads = 0;
  refused(&no_threads, {}, "io_threads");
  const sdk::TransportOptions defaults;
  refused(&defaults, {{"tcp.listenBacklog", "0"}}, "tcp.listenBacklog");
  refused(&defaults, {{"tcp.readBufferBytes", "10"}}, "tcp.readBufferBytes");
  refused(&defaults, {{"tcp.sendBufferBytes", "-1"}}, "tcp.sendBufferBytes");
}

TEST_F(TransportTcpTest, DeclaredDefaultsApplyWhenTheHostPassesNoKeys) {
  const sdk::TransportOptions options;
  sdk::PluginConfig bare;
  bare.transport = &options;
  auto created = create_transport(host_, bare);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  RecordingHandler& server = handler();
  auto bound = (*created)->listen("127.0.0.1:0", server);
  EXPECT_TRUE(bound.ok());
  EXPECT_TRUE(host_.log().has_line(sdk::LogLevel::kInfo, {"listening on", "backlog 1024"}));
  (*created)->stop();
}

// ---------------------------------------------------------------------------------------------
// Addresses

TEST_F(TransportTcpTest, ServesHostPortAddressesOnly) {
  sdk::Transport& transport = make();
  EXPECT_EQ(transport.scheme(), "tcp");
  for (const char* good : {"127.0.0.1:10911", "0.0.0.0:0", "[::1]:9876", "[::]:0", "localhost:9876",
                           "broker-a.example.com:10911", "my_host:1"}) {
    EXPECT_TRUE(transport.accepts_address(good)) << good;
  }
  for (const char* bad :
       {"unix:/tmp/broker.sock", "unix:relative", "127.0.0.1", "127.0.0.1:", ":10911",
        "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:port", "::1:10911", "[::1]", "[::1:10911",
        "[nonsense]:1", "bad host:1", "host/path:1", ""}) {
    EXPECT_FALSE(transport.accepts_address(bad)) << bad;
  }
}

TEST_F(TransportTcpTest, ListenOnPortZeroReturnsTheBoundAddress) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  const std::string bound = listen(transport, server);
  ASSERT_TRUE(bound.starts_with("127.0.0.1:")) << bound;
  EXPECT_NE(bound, "127.0.0.1:0");

  RawSocket raw;
  const ConnectionId id = raw_peer(bound, server, raw);
  ASSERT_NE(id, 0u);
  const RecordingHandler::Connection c = server.connection(id);
  EXPECT_EQ(c.peer, raw.local_address());
  EXPECT_EQ(c.local, bound);

  auto any = transport.listen("0.0.0.0:0", server);
  ASSERT_TRUE(any.ok()) << any.status().to_string();
  EXPECT_TRUE(any->starts_with("0.0.0.0:")) << *any;

  auto named = transport.listen("localhost:0", server);
  ASSERT_TRUE(named.ok()) << named.status().to_string();
  RawSocket by_name = RawSocket::connect_to(*named);
  EXPECT_TRUE(by_name.valid()) << *named;

  if (ipv6_loopback_available()) {
    auto v6 = transport.listen("[::1]:0", server);
    ASSERT_TRUE(v6.ok()) << v6.status().to_string();
    EXPECT_TRUE(v6->starts_with("[::1]:")) << *v6;
    RawSocket raw6;
    const ConnectionId id6 = raw_peer(*v6, server, raw6);
    ASSERT_NE(id6, 0u);
    EXPECT_TRUE(server.connection(id6).peer.starts_with("[::1]:"));
  }
}

TEST_F(TransportTcpTest, BadListenAddressesGiveClearStatuses) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  const auto refused = [&](const std::string& address, StatusCode code, std::string_view says) {
    auto result = transport.listen(address, server);
    ASSERT_FALSE(result.ok()) << address;
    EXPECT_EQ(result.status().code(), code) << address << ": " << result.status().to_string();
    EXPECT_NE(result.status().message().find(says), std::string::npos)
        << address << ": " << result.status().to_string();
  };
  refused("unix:/tmp/broker.sock", StatusCode::kInvalidArgument, "Unix domain socket");
  refused("127.0.0.1", StatusCode::kInvalidArgument, "expected host:port");
  refused("127.0.0.1:70000", StatusCode::kInvalidArgument, "0..65535");
  refused("::1:0", StatusCode::kInvalidArgument, "brackets");
  refused("bad host!:0", StatusCode::kInvalidArgument, "host name");
  refused("192.0.2.1:0", StatusCode::kInvalidArgument, "not one of this host's");

  const std::string bound = listen(transport, server);
  refused(bound, StatusCode::kAlreadyExists, "already");
}

// ---------------------------------------------------------------------------------------------
// Frames

TEST_F(TransportTcpTest, EchoesFramesFromFourBytesToNearTheMaximum) {
  sdk::TransportOptions options;  // max_frame_bytes: 16 MiB, as RocketMQ
  sdk::Transport& server_transport = make(options);
  sdk::Transport& client_transport = make(options);
  RecordingHandler& server = handler();
  RecordingHandler& client = handler();
  server.echo_through(&server_transport);
  const std::string bound = listen(server_transport, server);
  const ConnectionId id = dial(client_transport, bound, client);
  ASSERT_NE(id, 0u);
  ASSERT_EQ(client.opened(), std::vector<ConnectionId>{id});

  const std::vector<std::size_t> sizes = {
      4, 5, 17, 4096, 65535, 65536 + 3, kMiB + 7, static_cast<std::size_t>(16 * kMiB - 4)};
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    bodies.push_back(pattern(sizes[i], static_cast<std::uint8_t>(i)));
    sdk::OutboundFrame frame;
    if (i % 2 == 0) {
      frame.head = sdk::Bytes::copy_of(bodies.back());
    } else {
      // Gather: a 4-byte head, then three spans into memory the keepalive pins.
      auto shared = std::make_shared<std::string>(bodies.back().substr(4));
      frame.head = sdk::Bytes::copy_of(std::string_view(bodies.back()).substr(0, 4));
      const auto* data = reinterpret_cast<const std::uint8_t*>(shared->data());
      const std::size_t third = shared->size() / 3;
      frame.tail = {sdk::ByteView(data, third), sdk::ByteView(data + third, third),
                    sdk::ByteView(data + 2 * third, shared->size() - 2 * third)};
      frame.keepalive = shared;
    }
    const sdk::Status status = client_transport.send(id, std::move(frame));
    ASSERT_TRUE(status.is_ok()) << "size " << sizes[i] << ": " << status.to_string();
  }
  ASSERT_TRUE(client.wait_frames(id, sizes.size()));
  const RecordingHandler::Connection c = client.connection(id);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    ASSERT_EQ(c.frames[i].size(), sizes[i]);
    EXPECT_TRUE(c.frames[i] == bodies[i]) << "frame of " << sizes[i] << " bytes corrupted";
  }
  EXPECT_TRUE(eventually([&] { return client_transport.queued_bytes(id) == 0; }));
}

TEST_F(TransportTcpTest, SplitsFramesHoweverTheBytesArrive) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  RawSocket raw;
  const ConnectionId id = raw_peer(listen(transport, server), server, raw);
  ASSERT_NE(id, 0u);

  std::string packed;  // many frames in one write
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    expected.push_back("frame-" + std::to_string(i));
    packed += framed(expected.back());
  }
  ASSERT_TRUE(raw.write_all(packed));
  expected.push_back("dribbled one byte at a time");
  for (const char byte : framed(expected.back())) ASSERT_TRUE(raw.write_all(std::string(1, byte)));
  expected.push_back(pattern(200 * 1024, 7));  // a large frame in uneven pieces
  const std::string large = framed(expected.back());
  for (std::size_t at = 0; at < large.size(); at += 70001) {
    ASSERT_TRUE(raw.write_all(std::string_view(large).substr(at, 70001)));
  }
  ASSERT_TRUE(server.wait_frames(id, expected.size()));
  EXPECT_TRUE(server.connection(id).frames == expected);
}

TEST_F(TransportTcpTest, SendValidatesIdsAndFrameSizes) {
  sdk::TransportOptions options;
  options.max_frame_bytes = 1024;
  options.write_queue_limit_bytes = 4096;
  sdk::Transport& transport = make(options);
  RecordingHandler& server = handler();
  RawSocket raw;
  const ConnectionId id = raw_peer(listen(transport, server), server, raw);
  ASSERT_NE(id, 0u);

  EXPECT_EQ(transport.send(id + 1000, frame_of("abcd")).code(), StatusCode::kClosed);
  EXPECT_EQ(transport.queued_bytes(id + 1000), 0u);
  EXPECT_EQ(transport.send(id, frame_of(std::string(1021, 'x'))).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(transport.send(id, frame_of("abc")).code(), StatusCode::kInvalidArgument);
  const std::string largest(1020, 'y');  // 1020 + 4 = max_frame_bytes
  ASSERT_TRUE(transport.send(id, frame_of(largest)).is_ok());
  EXPECT_EQ(raw.read_frame(), largest);
}

// ---------------------------------------------------------------------------------------------
// Many connections, many threads

TEST_F(TransportTcpTest, ServesTwoHundredFiftyConcurrentConnections) {
  sdk::TransportOptions options;
  options.io_threads = 2;
  sdk::Transport& server_transport = make(options);
  sdk::Transport& client_transport = make(options);
  RecordingHandler& server = handler();
  RecordingHandler& client = handler();
  server.echo_through(&server_transport);
  const std::string bound = listen(server_transport, server);

  constexpr std::size_t kConnections = 250;
  std::vector<ConnectionId> ids;
  for (std::size_t i = 0; i < kConnections; ++i) {
    const ConnectionId id = dial(client_transport, bound, client);
    ASSERT_NE(id, 0u) << "connection " << i;
    ids.push_back(id);
  }
  ASSERT_TRUE(server.wait_opens(kConnections));
  EXPECT_EQ(server.closes(), 0u);  // all open at once
  for (std::size_t i = 0; i < kConnections; ++i) {
    for (int n = 0; n < 2; ++n) {
      const std::string body = "c" + std::to_string(i) + "-" + std::to_string(n);
      ASSERT_TRUE(client_transport.send(ids[i], frame_of(body)).is_ok());
    }
  }
  ASSERT_TRUE(client.wait_total_frames(2 * kConnections));
  for (std::size_t i = 0; i < kConnections; ++i) {
    const std::string c = "c" + std::to_string(i);
    EXPECT_EQ(client.connection(ids[i]).frames, (std::vector<std::string>{c + "-0", c + "-1"}));
  }
}

TEST_F(TransportTcpTest, SendsFromEightThreadsKeepPerThreadOrder) {
  sdk::TransportOptions options;
  options.io_threads = 2;
  sdk::Transport& server_transport = make(options);
  sdk::Transport& client_transport = make(options);
  RecordingHandler& server = handler();
  RecordingHandler& client = handler();
  const std::string bound = listen(server_transport, server);
  const ConnectionId id = dial(client_transport, bound, client);
  ASSERT_NE(id, 0u);

  constexpr int kThreads = 8;
  constexpr int kFramesPerThread = 2000;
  std::atomic<int> failures{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int seq = 0; seq < kFramesPerThread; ++seq) {
        const std::string body = std::to_string(t) + ":" + std::to_string(100000 + seq);
        sdk::Status status = client_transport.send(id, frame_of(body));
        while (status.code() == StatusCode::kResourceExhausted) {
          std::this_thread::yield();
          status = client_transport.send(id, frame_of(body));
        }
        if (!status.is_ok()) ++failures;
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(server.wait_total_frames(kThreads * kFramesPerThread));

  const std::vector<ConnectionId> opened = server.opened();
  ASSERT_EQ(opened.size(), 1u);
  std::vector<int> next(kThreads, 0);
  for (const std::string& body : server.connection(opened[0]).frames) {
    const std::size_t colon = body.find(':');
    const int t = std::stoi(body.substr(0, colon));
    const int seq = std::stoi(body.substr(colon + 1)) - 100000;
    ASSERT_EQ(seq, next[t]) << "thread " << t << " out of order";
    ++next[t];
  }
  EXPECT_EQ(next, std::vector<int>(kThreads, kFramesPerThread));
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken peers

// A raw peer sends a bad length prefix: that connection closes with a warning naming the peer,
// and another connection keeps being served before and after.
void expect_bad_prefix_closes_only_its_connection(FakeHost& host, sdk::Transport& transport,
                                                  RecordingHandler& server,
                                                  const std::string& bound,
                                                  std::uint32_t bad_prefix,
                                                  std::string_view reason) {
  RawSocket good = RawSocket::connect_to(bound);
  ASSERT_TRUE(good.valid());
  ASSERT_TRUE(good.write_all(framed("ping")));
  ASSERT_EQ(good.read_frame(), "ping");

  RawSocket bad = RawSocket::connect_to(bound);
  ASSERT_TRUE(bad.valid());
  const std::string bad_peer = bad.local_address();
  const ConnectionId bad_id = server.wait_peer(bad_peer);
  ASSERT_NE(bad_id, 0u);
  ASSERT_TRUE(bad.write_all(prefix_of(bad_prefix) + "some bytes that follow"));
  EXPECT_TRUE(bad.wait_closed());
  ASSERT_TRUE(server.wait_closed(bad_id));
  const RecordingHandler::Connection c = server.connection(bad_id);
  EXPECT_TRUE(c.frames.empty());
  ASSERT_TRUE(c.why.has_value());
  EXPECT_EQ(c.why->code(), StatusCode::kCorruption) << c.why->to_string();
  EXPECT_TRUE(host.log().has_line(sdk::LogLevel::kWarn, {bad_peer, reason}))
      << "no warning naming " << bad_peer << "\n"
      << host.log().dump();

  ASSERT_TRUE(good.write_all(framed("still served")));
  EXPECT_EQ(good.read_frame(), "still served");
  EXPECT_EQ(server.closes(), 1u);
  EXPECT_TRUE(transport.send(bad_id, frame_of("late")).code() == StatusCode::kClosed);
}

TEST_F(TransportTcpTest, OversizedLengthPrefixClosesOnlyThatConnection) {
  sdk::TransportOptions options;
  options.max_frame_bytes = 64 * 1024;
  sdk::Transport& transport = make(options);
  RecordingHandler& server = handler();
  server.echo_through(&transport);
  const std::string bound = listen(transport, server);
  // 65533 + 4 prefix bytes = 65537: one byte over.
  expect_bad_prefix_closes_only_its_connection(host_, transport, server, bound, 65533, "exceeds");
}

TEST_F(TransportTcpTest, HugeLengthPrefixClosesWithoutAllocating) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  server.echo_through(&transport);
  const std::string bound = listen(transport, server);
  expect_bad_prefix_closes_only_its_connection(host_, transport, server, bound, 0xFFFFFFFFu,
                                               "exceeds");
}

TEST_F(TransportTcpTest, LengthPrefixBelowTheHeaderWordClosesOnlyThatConnection) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  server.echo_through(&transport);
  const std::string bound = listen(transport, server);
  expect_bad_prefix_closes_only_its_connection(host_, transport, server, bound, 3, "below 4");
}

TEST_F(TransportTcpTest, PeerLeavingMidFrameGetsOnCloseAndNothingElseBreaks) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  server.echo_through(&transport);
  const std::string bound = listen(transport, server);
  RawSocket good = RawSocket::connect_to(bound);
  ASSERT_TRUE(good.valid());

  RawSocket quitter;
  const ConnectionId id = raw_peer(bound, server, quitter);
  ASSERT_NE(id, 0u);
  const std::string quitter_peer = quitter.local_address();
  ASSERT_TRUE(quitter.write_all(prefix_of(100) + std::string(10, 'q')));
  quitter.reset();
  ASSERT_TRUE(server.wait_closed(id));
  const RecordingHandler::Connection c = server.connection(id);
  EXPECT_TRUE(c.frames.empty());
  EXPECT_EQ(c.why->code(), StatusCode::kClosed) << c.why->to_string();
  EXPECT_TRUE(host_.log().has_line(sdk::LogLevel::kInfo, {quitter_peer, "middle of a frame"}));

  ASSERT_TRUE(good.write_all(framed("after")));
  EXPECT_EQ(good.read_frame(), "after");
}

// ---------------------------------------------------------------------------------------------
// Backpressure

TEST_F(TransportTcpTest, SlowReaderMakesSendReportResourceExhaustedWithBoundedMemory) {
  sdk::TransportOptions options;
  options.max_frame_bytes = 256 * 1024;
  options.write_queue_limit_bytes = kMiB;
  sdk::Transport& transport = make(options, {{"tcp.sendBufferBytes", "4096"}});
  RecordingHandler& server = handler();
  RawSocket slow;
  const ConnectionId id = raw_peer(listen(transport, server), server, slow, /*rcvbuf=*/4096);
  ASSERT_NE(id, 0u);

  constexpr std::size_t kBody = 64 * 1024;
  const std::string body = pattern(kBody, 3);
  const std::size_t max_attempts = (kMiB + 16 * kMiB) / kBody;
  std::size_t accepted_bytes = 0;
  bool exhausted = false;
  for (std::size_t i = 0; i < max_attempts && !exhausted; ++i) {
    const sdk::Status status = transport.send(id, frame_of(body));
    if (status.code() == StatusCode::kResourceExhausted) {
      exhausted = true;
      EXPECT_NE(status.message().find("limit"), std::string::npos) << status.to_string();
    } else {
      ASSERT_TRUE(status.is_ok()) << status.to_string();
      accepted_bytes += kBody + 4;
    }
  }
  ASSERT_TRUE(exhausted) << "accepted " << accepted_bytes << " bytes without backpressure";
  const std::size_t queued = transport.queued_bytes(id);
  EXPECT_LE(queued, static_cast<std::size_t>(kMiB));
  EXPECT_GT(queued, static_cast<std::size_t>(kMiB) - (kBody + 4));
  // Memory stays bounded: the queue limit plus what the kernel's small buffers took.
  EXPECT_LE(accepted_bytes, static_cast<std::size_t>(kMiB + 4 * kMiB));

  // Once the reader catches up, the queue drains and send() works again.
  const auto deadline = SteadyClock::now() + kDeadline;
  for (std::size_t got = 0; got < accepted_bytes / (kBody + 4); ++got) {
    const auto frame = slow.read_frame(deadline);
    ASSERT_TRUE(frame.has_value()) << "frame " << got;
    ASSERT_TRUE(*frame == body) << "frame " << got << " corrupted";
  }
  EXPECT_TRUE(eventually([&] { return transport.queued_bytes(id) == 0; }));
  EXPECT_TRUE(transport.send(id, frame_of("again")).is_ok());
  EXPECT_EQ(slow.read_frame(), "again");

  slow.reset();
  ASSERT_TRUE(server.wait_closed(id));
  EXPECT_EQ(transport.send(id, frame_of("gone")).code(), StatusCode::kClosed);
}

// ---------------------------------------------------------------------------------------------
// Idle timeout, close, stop

TEST_F(TransportTcpTest, IdleConnectionIsClosedWithALogLine) {
  sdk::TransportOptions options;
  options.idle_timeout_ms = 100;
  sdk::Transport& transport = make(options);
  RecordingHandler& server = handler();
  RawSocket idle;
  const ConnectionId id = raw_peer(listen(transport, server), server, idle);
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(idle.wait_closed());
  ASSERT_TRUE(server.wait_closed(id));
  EXPECT_EQ(server.connection(id).why->code(), StatusCode::kTimeout);
  EXPECT_TRUE(host_.log().has_line(sdk::LogLevel::kInfo, {idle.local_address(), "idle"}));
}

TEST_F(TransportTcpTest, CloseWritesQueuedFramesFirst) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  RawSocket raw;
  const ConnectionId id = raw_peer(listen(transport, server), server, raw);
  ASSERT_NE(id, 0u);
  std::vector<std::string> sent;
  for (int i = 0; i < 100; ++i) {
    sent.push_back(pattern(1000 + i, static_cast<std::uint8_t>(i)));
    ASSERT_TRUE(transport.send(id, frame_of(sent.back())).is_ok());
  }
  transport.close(id);
  transport.close(id);  // idempotent
  EXPECT_EQ(transport.send(id, frame_of("after close")).code(), StatusCode::kClosed);
  for (const std::string& expected : sent) {
    const auto frame = raw.read_frame();
    ASSERT_TRUE(frame.has_value());
    ASSERT_TRUE(*frame == expected);
  }
  EXPECT_TRUE(raw.wait_closed());
  raw.reset();
  ASSERT_TRUE(server.wait_closed(id));
  EXPECT_EQ(server.connection(id).why->code(), StatusCode::kClosed);
}

TEST_F(TransportTcpTest, CallbacksMaySendAndCloseTheirConnection) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  server.echo_through(&transport);
  server.after_frame = [&](ConnectionId id, const std::string& frame) {
    if (frame == "bye!") transport.close(id);
  };
  RawSocket raw;
  const ConnectionId id = raw_peer(listen(transport, server), server, raw);
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(raw.write_all(framed("hello") + framed("bye!") + framed("never delivered")));
  EXPECT_EQ(raw.read_frame(), "hello");
  EXPECT_EQ(raw.read_frame(), "bye!");  // queued before close(), so flushed
  EXPECT_TRUE(raw.wait_closed());
  raw.reset();  // answers the transport's FIN, which ends its linger
  ASSERT_TRUE(server.wait_closed(id));
  EXPECT_EQ(server.connection(id).frames, (std::vector<std::string>{"hello", "bye!"}));
}

TEST_F(TransportTcpTest, StopClosesEverythingPromptlyAndDeliversEachOnClose) {
  sdk::TransportOptions options;
  options.io_threads = 2;
  sdk::Transport& server_transport = make(options);
  sdk::Transport& client_transport = make();
  RecordingHandler& server = handler();
  RecordingHandler& client = handler();
  const std::string bound = listen(server_transport, server);

  std::vector<RawSocket> raws;
  for (int i = 0; i < 20; ++i) {
    raws.push_back(RawSocket::connect_to(bound));
    ASSERT_TRUE(raws.back().valid());
  }
  for (int i = 0; i < 5; ++i) ASSERT_NE(dial(client_transport, bound, client), 0u);
  ASSERT_TRUE(server.wait_opens(25));
  // Leave frames queued behind a peer that does not read; stop() must not wait for them.
  ASSERT_TRUE(server_transport.send(server.opened()[0], frame_of(pattern(kMiB, 1))).is_ok());

  const auto started = SteadyClock::now();
  server_transport.stop();
  EXPECT_LT(SteadyClock::now() - started, 2s);
  EXPECT_EQ(server.closes(), 25u);  // delivered before stop() returned
  for (const ConnectionId id : server.opened()) {
    const RecordingHandler::Connection c = server.connection(id);
    EXPECT_EQ(c.closes, 1);
    EXPECT_EQ(c.why->code(), StatusCode::kClosed);
  }
  for (const RawSocket& raw : raws) EXPECT_TRUE(raw.wait_closed());
  EXPECT_TRUE(client.wait_closes(5));

  server_transport.stop();  // idempotent
  EXPECT_EQ(server.closes(), 25u);
  EXPECT_EQ(server_transport.send(server.opened()[1], frame_of("late")).code(),
            StatusCode::kClosed);
  EXPECT_EQ(server_transport.listen("127.0.0.1:0", server).status().code(), StatusCode::kClosed);
  EXPECT_EQ(server_transport.connect(bound, server).status().code(), StatusCode::kClosed);
}

TEST_F(TransportTcpTest, DestructorStopsLikeStop) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  RawSocket raw;
  const ConnectionId id = raw_peer(listen(transport, server), server, raw);
  ASSERT_NE(id, 0u);
  destroy(transport);
  EXPECT_EQ(server.connection(id).closes, 1);
  EXPECT_TRUE(raw.wait_closed());
}

// ---------------------------------------------------------------------------------------------
// Connecting

TEST_F(TransportTcpTest, ConnectFailuresGiveClearStatuses) {
  sdk::TransportOptions options;
  options.connect_timeout_ms = 200;
  sdk::Transport& transport = make(options);
  RecordingHandler& client = handler();

  const RawListener bound_not_listening(0, /*listening=*/false);
  auto refused = transport.connect(bound_not_listening.address, client);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().to_string();
  EXPECT_NE(refused.status().message().find(bound_not_listening.address), std::string::npos);

  EXPECT_EQ(transport.connect("127.0.0.1:0", client).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport.connect("unix:/tmp/x.sock", client).status().code(),
            StatusCode::kInvalidArgument);

  // A listener whose accept queue is full drops new SYNs, so the connect cannot complete.
  const RawListener full(0);
  std::vector<RawSocket> fillers;
  for (int i = 0; i < 3; ++i) {
    RawSocket filler(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_storage target{};
    socklen_t length = 0;
    ASSERT_TRUE(to_sockaddr(full.address, target, length));
    ::connect(filler.fd(), reinterpret_cast<const sockaddr*>(&target), length);
    fillers.push_back(std::move(filler));
  }
  auto timed_out = transport.connect(full.address, client);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().code(), StatusCode::kTimeout) << timed_out.status().to_string();
  EXPECT_NE(timed_out.status().message().find("200 ms"), std::string::npos);
  EXPECT_TRUE(client.opened().empty());
}

TEST_F(TransportTcpTest, StopEndsAConnectInProgress) {
  sdk::TransportOptions options;
  options.connect_timeout_ms = 10000;
  sdk::Transport& transport = make(options);
  RecordingHandler& client = handler();
  const RawListener full(0);
  std::vector<RawSocket> fillers;
  for (int i = 0; i < 3; ++i) {
    RawSocket filler(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_storage target{};
    socklen_t length = 0;
    ASSERT_TRUE(to_sockaddr(full.address, target, length));
    ::connect(filler.fd(), reinterpret_cast<const sockaddr*>(&target), length);
    fillers.push_back(std::move(filler));
  }
  std::optional<sdk::Status> result;
  std::thread connector([&] { result = transport.connect(full.address, client).status(); });
  transport.stop();  // before or during the connect: either way it ends with kClosed
  connector.join();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code(), StatusCode::kClosed) << result->to_string();
}

TEST_F(TransportTcpTest, ConnectAndStopOnAnIoThreadAreRefused) {
  sdk::Transport& transport = make();
  RecordingHandler& server = handler();
  RecordingHandler& other = handler();
  const std::string bound = listen(transport, server);
  std::promise<sdk::Status> connect_status;
  server.after_open = [&](ConnectionId) {
    connect_status.set_value(transport.connect(bound, other).status());
  };
  server.after_frame = [&](ConnectionId, const std::string&) { transport.stop(); };
  RawSocket raw;
  const ConnectionId id = raw_peer(bound, server, raw);
  ASSERT_NE(id, 0u);
  std::future<sdk::Status> refused = connect_status.get_future();
  ASSERT_EQ(refused.wait_for(kDeadline), std::future_status::ready);
  const sdk::Status status = refused.get();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.to_string();
  // stop() from a callback starts the shutdown without joining its own thread.
  ASSERT_TRUE(raw.write_all(framed("stop now")));
  EXPECT_TRUE(raw.wait_closed());
  ASSERT_TRUE(server.wait_closed(id));
  EXPECT_TRUE(host_.log().has_line(sdk::LogLevel::kError, {"stop()", "I/O thread"}));
  transport.stop();  // joins
}

TEST_F(TransportTcpTest, NoDelayKeyControlsTcpNodelay) {
  for (const bool no_delay : {true, false}) {
    sdk::Transport& transport = make({}, {{"tcp.noDelay", no_delay ? "true" : "false"}});
    RecordingHandler& client = handler();
    const RawListener listener(16);
    ASSERT_NE(dial(transport, listener.address, client), 0u);
    const RawSocket accepted = listener.accept_one();
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    getpeername(accepted.fd(), reinterpret_cast<sockaddr*>(&peer), &length);
    const std::string transport_side = format_sockaddr(peer);

    // The transport's socket lives in this process: find it by its local address.
    int flag = -1;
    DIR* fds = opendir("/proc/self/fd");
    ASSERT_NE(fds, nullptr);
    while (const dirent* entry = readdir(fds)) {
      const int fd = std::atoi(entry->d_name);
      sockaddr_storage local{};
      socklen_t local_length = sizeof local;
      if (fd <= 2 || getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
        continue;
      }
      if (local.ss_family != AF_INET || format_sockaddr(local) != transport_side) continue;
      socklen_t flag_length = sizeof flag;
      getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flag, &flag_length);
    }
    closedir(fds);
    EXPECT_EQ(flag != 0, no_delay) << "TCP_NODELAY " << flag;
  }
}

}  // namespace
}  // namespace mq::transport_tcp
