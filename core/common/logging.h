// Process logging: one spdlog logger writing to standard output and to a rotating file in the
// log directory (RocketMQ users look in ~/logs/rocketmqlogs: namesrv.log, broker.log).
//
// The logger is created once by the app and handed to everything that logs (no global
// registry lookups); plugins reach it through HostServices, tagged with their name.
#pragma once

#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace mq::core {

struct LogSettings {
  std::string name;            // "namesrv" or "broker": the file is <dir>/<name>.log
  std::string directory;       // created if missing; empty = console only
  std::string level = "info";  // trace, debug, info, warn, error
  bool console = true;
  std::size_t max_file_bytes = 64 * 1024 * 1024;
  std::size_t max_files = 10;
};

// Builds the process logger. Fails (kIoError) when the directory cannot be created or the file
// cannot be opened, naming the path.
sdk::Result<std::shared_ptr<spdlog::logger>> make_process_logger(const LogSettings& settings);

// A logger that discards everything below warn and prints the rest to stderr; for tools and
// tests that have no log directory.
std::shared_ptr<spdlog::logger> make_console_logger(const std::string& name,
                                                    const std::string& level = "info");

// The directory RocketMQ users expect: $HOME/logs/rocketmqlogs (or ./logs/rocketmqlogs when
// HOME is unset).
std::string default_log_directory();

// Maps our level names to spdlog's; unknown names give info.
int parse_log_level(const std::string& level);

// An sdk::Logger writing into `logger`, prefixing each line with "[<tag>] ".
std::unique_ptr<sdk::Logger> make_tagged_logger(std::shared_ptr<spdlog::logger> logger,
                                                std::string tag);

}  // namespace mq::core
