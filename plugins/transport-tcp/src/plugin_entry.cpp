// Entry point of the transport-tcp plugin: the descriptor, the schema of the keys it owns and
// the factory that turns a validated PluginConfig into a TcpTransport. This is the only file
// that knows the transport is loaded as a plugin.
#include "tcp_transport.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace mq::transport_tcp {
namespace {

using sdk::ConfigType;
using sdk::Status;
using sdk::StatusCode;

constexpr char kNoDelay[] = "tcp.noDelay";
constexpr char kListenBacklog[] = "tcp.listenBacklog";
constexpr char kReuseAddress[] = "tcp.reuseAddress";
constexpr char kSendBufferBytes[] = "tcp.sendBufferBytes";
constexpr char kReceiveBufferBytes[] = "tcp.receiveBufferBytes";
constexpr char kReadBufferBytes[] = "tcp.readBufferBytes";
constexpr char kCloseLingerMs[] = "tcp.closeLingerMs";

// The keys this plugin owns. Defaults are text, parsed like values from broker.properties.
constexpr sdk::ConfigKey kConfigKeys[] = {
    {kNoDelay, ConfigType::kBool, "true",
     "Set TCP_NODELAY on every connection, so small frames leave at once (RocketMQ does)"},
    {kListenBacklog, ConfigType::kInt, "1024",
     "Backlog of each listening socket (the kernel caps it at net.core.somaxconn)"},
    {kReuseAddress, ConfigType::kBool, "true",
     "Set SO_REUSEADDR on listeners, so a restarted broker binds despite TIME_WAIT sockets"},
    {kSendBufferBytes, ConfigType::kInt, "0",
     "SO_SNDBUF of each connection in bytes; 0 keeps the kernel default and its autotuning"},
    {kReceiveBufferBytes, ConfigType::kInt, "0",
     "SO_RCVBUF of listeners and connections in bytes; 0 keeps the kernel default"},
    {kReadBufferBytes, ConfigType::kInt, "16384",
     "Per-connection buffer for bytes read past the current frame (512..16777216)"},
    {kCloseLingerMs, ConfigType::kInt, "1000",
     "After close() has flushed a connection, how long to wait for the peer to close (ms)"},
    {nullptr, ConfigType::kString, nullptr, nullptr},
};

// Frames carry a Java int length in RocketMQ, so no frame can be longer than this.
constexpr std::int64_t kMaxFrameBytesCeiling = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMaxIoThreads = 256;

const sdk::ConfigKey* schema_key(std::string_view name) {
  for (const sdk::ConfigKey* key = kConfigKeys; key->name != nullptr; ++key) {
    if (name == key->name) return key;
  }
  return nullptr;
}

// Declared keys are read through PluginConfig's typed getters. The core fills in every default,
// so the fallback to the schema's default text only serves hosts that pass a bare config.
std::int64_t int_key(const sdk::PluginConfig& config, std::string_view name) {
  if (config.keys.contains(name)) return config.get_int(name);
  const std::string_view text = schema_key(name)->default_value;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool bool_key(const sdk::PluginConfig& config, std::string_view name) {
  if (config.keys.contains(name)) return config.get_bool(name);
  return std::string_view(schema_key(name)->default_value) == "true";
}

Status out_of_range(std::string_view name, std::int64_t value, std::int64_t low,
                    std::int64_t high) {
  return Status(StatusCode::kInvalidArgument,
                "transport-tcp: " + std::string(name) + " must be in " + std::to_string(low) +
                    ".." + std::to_string(high) + ", got " + std::to_string(value));
}

sdk::Result<TcpTransportSettings> settings_from(const sdk::PluginConfig& config) {
  if (config.transport == nullptr) {
    return Status(StatusCode::kInvalidArgument,
                  "transport-tcp: PluginConfig::transport is not set (the core must pass the "
                  "transport options to a transport plugin)");
  }
  const sdk::TransportOptions& options = *config.transport;
  const std::int64_t min_frame = static_cast<std::int64_t>(kLengthPrefixBytes + kMinFrameLength);
  if (options.max_frame_bytes < min_frame || options.max_frame_bytes > kMaxFrameBytesCeiling) {
    return out_of_range("max_frame_bytes", options.max_frame_bytes, min_frame,
                        kMaxFrameBytesCeiling);
  }
  // A queue smaller than one frame could never take that frame, and send() would report
  // kResourceExhausted ("retry") for ever.
  if (options.write_queue_limit_bytes < options.max_frame_bytes) {
    return Status(StatusCode::kInvalidArgument,
                  "transport-tcp: write_queue_limit_bytes (" +
                      std::to_string(options.write_queue_limit_bytes) +
                      ") must be at least max_frame_bytes (" +
                      std::to_string(options.max_frame_bytes) + ")");
  }
  if (options.idle_timeout_ms < 0) {
    return out_of_range("idle_timeout_ms (0 disables)", options.idle_timeout_ms, 0,
                        std::numeric_limits<std::int32_t>::max());
  }
  if (options.connect_timeout_ms <= 0) {
    return out_of_range("connect_timeout_ms", options.connect_timeout_ms, 1,
                        std::numeric_limits<std::int32_t>::max());
  }
  if (options.io_threads < 1 || options.io_threads > kMaxIoThreads) {
    return out_of_range("io_threads", options.io_threads, 1, kMaxIoThreads);
  }

  const std::int64_t backlog = int_key(config, kListenBacklog);
  if (backlog < 1 || backlog > 65535) return out_of_range(kListenBacklog, backlog, 1, 65535);
  const std::int64_t send_buffer = int_key(config, kSendBufferBytes);
  const std::int64_t receive_buffer = int_key(config, kReceiveBufferBytes);
  constexpr std::int64_t kMaxSocketBuffer = 1 << 30;
  if (send_buffer < 0 || send_buffer > kMaxSocketBuffer) {
    return out_of_range(kSendBufferBytes, send_buffer, 0, kMaxSocketBuffer);
  }
  if (receive_buffer < 0 || receive_buffer > kMaxSocketBuffer) {
    return out_of_range(kReceiveBufferBytes, receive_buffer, 0, kMaxSocketBuffer);
  }
  const std::int64_t read_buffer = int_key(config, kReadBufferBytes);
  if (read_buffer < 512 || read_buffer > 16 * 1024 * 1024) {
    return out_of_range(kReadBufferBytes, read_buffer, 512, 16 * 1024 * 1024);
  }
  const std::int64_t linger_ms = int_key(config, kCloseLingerMs);
  if (linger_ms < 0 || linger_ms > 60000) return out_of_range(kCloseLingerMs, linger_ms, 0, 60000);

  TcpTransportSettings settings;
  settings.connection.max_frame_bytes = static_cast<std::uint64_t>(options.max_frame_bytes);
  settings.connection.write_queue_limit_bytes =
      static_cast<std::uint64_t>(options.write_queue_limit_bytes);
  settings.connection.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
  settings.connection.close_linger = std::chrono::milliseconds(linger_ms);
  settings.connection.read_buffer_bytes = static_cast<std::size_t>(read_buffer);
  settings.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  settings.io_threads = static_cast<std::size_t>(options.io_threads);
  settings.no_delay = bool_key(config, kNoDelay);
  settings.listen_backlog = static_cast<int>(backlog);
  settings.reuse_address = bool_key(config, kReuseAddress);
  settings.send_buffer_bytes = static_cast<int>(send_buffer);
  settings.receive_buffer_bytes = static_cast<int>(receive_buffer);
  return settings;
}

sdk::Result<std::unique_ptr<TcpTransport>> create_tcp_transport(sdk::HostServices& host,
                                                                const sdk::PluginConfig& config) {
  auto settings = settings_from(config);
  if (!settings.ok()) return settings.status();
  return TcpTransport::create(host.logger(), *settings);
}

}  // namespace
}  // namespace mq::transport_tcp

MQ_DEFINE_PLUGIN(::mq::sdk::Seam::kTransport, "transport-tcp", "0.1.0",
                 "TCP transport on Boost.Asio: host:port addresses, 4-byte length-prefixed frames",
                 ::mq::transport_tcp::kConfigKeys, ::mq::transport_tcp::create_tcp_transport)
