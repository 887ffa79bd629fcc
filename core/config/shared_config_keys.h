// Keys the broker and the name server both have (transport options, transport plugins, plugin
// and log directories, Netty tuning we ignore), declared once here and added to both key
// tables. Config must have `transport`, `transport_plugins`, `plugin_dir`, `log_dir` and
// `log_level` members as BrokerConfig and NamesrvConfig do.
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/status.h"

#include "config/config_checks.h"
#include "config/config_key_builders.h"
#include "config/config_key_parser.h"
#include "config/config_key_table.h"

#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

// Names the cross-key checks refer to.
namespace shared_keys {
inline constexpr std::string_view kFrameMaxLength = "frameMaxLength";
inline constexpr std::string_view kWriteQueueLimitBytes = "writeQueueLimitBytes";
}  // namespace shared_keys

// Parses a comma-separated list of plugin names ("transport-tcp, transport-uds"): at least
// one, no repeats. On success fills `out`; else returns the problem.
std::optional<ValueProblem> parse_plugin_list(std::string_view text, std::vector<std::string>& out);

// Lower-cases and checks a log level; nullopt when not one of trace..error.
std::optional<std::string> normalize_log_level(std::string_view text);
inline constexpr std::string_view kLogLevelAllowed = "trace, debug, info, warn, error";

// Refuses transport options that contradict each other (a write queue smaller than one
// frame), at the line of the key that was set.
sdk::Status check_transport_consistency(const sdk::TransportOptions& transport,
                                        const KeySources& sources);

// <home>/logs/rocketmqlogs, where RocketMQ users look for broker.log and namesrv.log.
std::string default_log_dir(const ConfigEnvironment& env);

// TransportOptions, under RocketMQ's names where RocketMQ has one.
template <typename Config>
void add_transport_keys(KeyTable<Config>& t) {
  using K = KeyBuilders<Config>;
  t.add(K::integer(
      {shared_keys::kFrameMaxLength, "16777216",
       "largest frame accepted or sent, in bytes, including the 4-byte length "
       "prefix (RocketMQ's com.rocketmq.remoting.frameMaxLength)"},
      4096, 1024LL * 1024 * 1024, [](auto& c) -> auto& { return c.transport.max_frame_bytes; }));
  t.add(K::integer(
      {"serverChannelMaxIdleTimeSeconds", "120", "close a connection silent for this many seconds"},
      1, 86400, [](auto& c) -> auto& { return c.transport.idle_timeout_ms; }, 1000));
  t.add(K::integer(
      {shared_keys::kWriteQueueLimitBytes, "67108864",
       "bytes queued for sending on one connection before the transport stops "
       "reading from it (backpressure); at least frameMaxLength"},
      65536, 16LL * 1024 * 1024 * 1024,
      [](auto& c) -> auto& { return c.transport.write_queue_limit_bytes; }));
  t.add(K::integer(
      {"connectTimeoutMillis", "3000", "timeout of an outgoing connect, in ms"}, 1, 600000,
      [](auto& c) -> auto& { return c.transport.connect_timeout_ms; }));
  t.add(K::integer(
      {"serverSelectorThreads", "1",
       "transport I/O threads (RocketMQ: Netty selector threads, 3 there)"},
      1, 64, [](auto& c) -> auto& { return c.transport.io_threads; }));
}

// transportPlugins, unixSocketDir, pluginDir, logDir, logLevel.
template <typename Config>
void add_plugin_and_log_keys(KeyTable<Config>& t) {
  using K = KeyBuilders<Config>;
  t.add(K::custom(
      {"transportPlugins", "transport-tcp",
       "transport plugins to serve on, comma-separated (transport-tcp, transport-uds)"},
      "list", "comma-separated plugin names of [a-z0-9_-]+",
      [](std::string_view text, Config& c, const ConfigEnvironment&) -> Assigned {
        std::vector<std::string> names;
        if (auto problem = parse_plugin_list(text, names)) {
          Assigned out;
          out.problem = std::move(problem);
          return out;
        }
        c.transport_plugins = std::move(names);
        return Assigned::ok();
      },
      [](const Config& c) {
        std::string out;
        for (const auto& name : c.transport_plugins) out += (out.empty() ? "" : ",") + name;
        return out;
      }));
  t.add(K::text(
      {"unixSocketDir", "/tmp",
       "directory of the Unix socket (rocketmq-<listenPort>.sock) served when transportPlugins "
       "has transport-uds; local clients find it there"},
      "path", std::string(kPathAllowed), check_path,
      [](auto& c) -> auto& { return c.unix_socket_dir; }));
  t.add(K::text(
      {"pluginDir", "",
       "directory of the plugin .so files; empty = lib/rocketmq-cpp/plugins next to "
       "the executable"},
      "path", "a directory path, or empty", check_optional_path,
      [](auto& c) -> auto& { return c.plugin_dir; }));
  t.add(K::text(
            {"logDir", "", "directory of the log files (broker.log, namesrv.log)"}, "path",
            std::string(kPathAllowed), check_path, [](auto& c) -> auto& { return c.log_dir; }))
      .derived("$HOME/logs/rocketmqlogs", [](const Config&, const ConfigEnvironment& env) {
        return DerivedDefault{default_log_dir(env), {}, {}};
      });
  t.add(K::custom(
      {"logLevel", "info", "lowest level written to the log"}, "enum",
      std::string(kLogLevelAllowed),
      [](std::string_view text, Config& c, const ConfigEnvironment&) -> Assigned {
        auto level = normalize_log_level(text);
        if (!level) {
          return Assigned::refuse(text, "is not a log level", std::string(kLogLevelAllowed));
        }
        c.log_level = std::move(*level);
        return Assigned::ok();
      },
      [](const Config& c) { return c.log_level; }));
}

// RocketMQ's Netty server tuning and home directory: accepted, ignored.
template <typename Config>
void add_ignored_server_keys(KeyTable<Config>& t) {
  using K = KeyBuilders<Config>;
  constexpr std::string_view kNetty =
      "Netty tuning; the transport plugin runs requests on its own I/O threads "
      "(serverSelectorThreads) with bounded write queues (writeQueueLimitBytes)";
  for (std::string_view name :
       {"serverWorkerThreads", "serverCallbackExecutorThreads", "serverOnewaySemaphoreValue",
        "serverAsyncSemaphoreValue", "serverSocketSndBufSize", "serverSocketRcvBufSize",
        "serverPooledByteBufAllocatorEnable", "useEpollNativeSelector"}) {
    t.add(K::ignored(name, kNetty));
  }
  t.add(K::ignored_unless_false("useTLS", "TLS is not implemented by the transport plugins"));
  t.add(K::ignored("rocketmqHome",
                   "there is no ROCKETMQ_HOME layout; pluginDir and logDir say where things are"));
}

}  // namespace mq::core
