// Entry point of the transport-uds plugin: the descriptor, the schema of the keys it owns and
// the factory that turns a validated PluginConfig into a UdsTransport. This is the only file
// that knows the transport is loaded as a plugin.
#include "uds_transport.h"

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

namespace mq::transport_uds {
namespace {

using sdk::ConfigType;
using sdk::Status;
using sdk::StatusCode;

constexpr char kSocketMode[] = "uds.socketMode";
constexpr char kListenBacklog[] = "uds.listenBacklog";
constexpr char kReadBufferBytes[] = "uds.readBufferBytes";

// The keys this plugin owns. Defaults are text, parsed like values from broker.properties.
constexpr sdk::ConfigKey kConfigKeys[] = {
    {kSocketMode, ConfigType::kString, "0660",
     "Permission bits (octal, e.g. 0660) of each socket file the transport listens on"},
    {kListenBacklog, ConfigType::kInt, "1024",
     "Backlog of each listening socket (the kernel caps it at net.core.somaxconn)"},
    {kReadBufferBytes, ConfigType::kInt, "65536",
     "Buffer for bytes read past the current frame, shared by all connections (512..16777216)"},
    {nullptr, ConfigType::kString, nullptr, nullptr},
};

// Frames carry a Java int length in RocketMQ, so no frame can be longer than this.
constexpr std::int64_t kMaxFrameBytesCeiling = std::numeric_limits<std::int32_t>::max();

const sdk::ConfigKey* schema_key(std::string_view name) {
  for (const sdk::ConfigKey* key = kConfigKeys; key->name != nullptr; ++key) {
    if (name == key->name) return key;
  }
  return nullptr;
}

// The core fills in every default; the schema fallback serves hosts that pass a bare config.
std::string_view text_key(const sdk::PluginConfig& config, std::string_view name) {
  if (config.keys.contains(name)) return config.get_string(name);
  return schema_key(name)->default_value;
}

std::int64_t int_key(const sdk::PluginConfig& config, std::string_view name) {
  if (config.keys.contains(name)) return config.get_int(name);
  const std::string_view text = schema_key(name)->default_value;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

Status out_of_range(std::string_view name, std::int64_t value, std::int64_t low,
                    std::int64_t high) {
  return Status(StatusCode::kInvalidArgument,
                "transport-uds: " + std::string(name) + " must be in " + std::to_string(low) +
                    ".." + std::to_string(high) + ", got " + std::to_string(value));
}

// "0660", "660" or "0o660": octal permission bits, at most 0777.
sdk::Result<unsigned> parse_mode(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with("0o") || digits.starts_with("0O")) digits.remove_prefix(2);
  unsigned mode = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), mode, 8);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      mode > 0777) {
    return Status(StatusCode::kInvalidArgument,
                  std::string("transport-uds: ") + kSocketMode +
                      " must be octal permission bits such as 0660, got '" + std::string(text) +
                      "'");
  }
  return mode;
}

sdk::Result<UdsTransportSettings> settings_from(const sdk::PluginConfig& config) {
  if (config.transport == nullptr) {
    return Status(StatusCode::kInvalidArgument,
                  "transport-uds: PluginConfig::transport is not set (the core must pass the "
                  "transport options to a transport plugin)");
  }
  const sdk::TransportOptions& options = *config.transport;
  const auto min_frame = static_cast<std::int64_t>(kLengthPrefixBytes + kMinFrameLength);
  if (options.max_frame_bytes < min_frame || options.max_frame_bytes > kMaxFrameBytesCeiling) {
    return out_of_range("max_frame_bytes", options.max_frame_bytes, min_frame,
                        kMaxFrameBytesCeiling);
  }
  if (options.write_queue_limit_bytes < options.max_frame_bytes) {
    return Status(StatusCode::kInvalidArgument,
                  "transport-uds: write_queue_limit_bytes (" +
                      std::to_string(options.write_queue_limit_bytes) +
                      ") must be at least max_frame_bytes (" +
                      std::to_string(options.max_frame_bytes) + ")");
  }
  if (options.idle_timeout_ms < 0 ||
      options.idle_timeout_ms > std::numeric_limits<std::int32_t>::max()) {
    return out_of_range("idle_timeout_ms (0 disables)", options.idle_timeout_ms, 0,
                        std::numeric_limits<std::int32_t>::max());
  }
  if (options.connect_timeout_ms <= 0 ||
      options.connect_timeout_ms > std::numeric_limits<std::int32_t>::max()) {
    return out_of_range("connect_timeout_ms", options.connect_timeout_ms, 1,
                        std::numeric_limits<std::int32_t>::max());
  }
  auto mode = parse_mode(text_key(config, kSocketMode));
  if (!mode.ok()) return mode.status();
  const std::int64_t backlog = int_key(config, kListenBacklog);
  if (backlog < 1 || backlog > 65535) return out_of_range(kListenBacklog, backlog, 1, 65535);
  const std::int64_t read_buffer = int_key(config, kReadBufferBytes);
  if (read_buffer < 512 || read_buffer > 16 * 1024 * 1024) {
    return out_of_range(kReadBufferBytes, read_buffer, 512, 16 * 1024 * 1024);
  }

  UdsTransportSettings settings;
  settings.max_frame_bytes = static_cast<std::uint64_t>(options.max_frame_bytes);
  settings.write_queue_limit_bytes = static_cast<std::uint64_t>(options.write_queue_limit_bytes);
  settings.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
  settings.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  settings.socket_mode = *mode;
  settings.listen_backlog = static_cast<int>(backlog);
  settings.read_buffer_bytes = static_cast<std::size_t>(read_buffer);
  return settings;
}

sdk::Result<std::unique_ptr<UdsTransport>> create_uds_transport(sdk::HostServices& host,
                                                                const sdk::PluginConfig& config) {
  auto settings = settings_from(config);
  if (!settings.ok()) return settings.status();
  return UdsTransport::create(host.logger(), *settings);
}

}  // namespace
}  // namespace mq::transport_uds

MQ_DEFINE_PLUGIN(::mq::sdk::Seam::kTransport, "transport-uds", "0.1.0",
                 "Unix-domain-socket transport on libuv: unix:/path addresses, 4-byte "
                 "length-prefixed frames",
                 ::mq::transport_uds::kConfigKeys, ::mq::transport_uds::create_uds_transport)
