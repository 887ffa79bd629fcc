#include "common/logging.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace mq::core {
namespace {

constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%t] %v";

class TaggedLogger final : public sdk::Logger {
 public:
  TaggedLogger(std::shared_ptr<spdlog::logger> logger, std::string tag)
      : logger_(std::move(logger)), prefix_("[" + tag + "] ") {}

  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    try {
      logger_->log(to_spdlog(level), "{}{}", prefix_, message);
    } catch (...) {
      // Logging must never take the process down.
    }
  }
  bool enabled(sdk::LogLevel level) const noexcept override {
    return logger_->should_log(to_spdlog(level));
  }

 private:
  static spdlog::level::level_enum to_spdlog(sdk::LogLevel level) noexcept {
    switch (level) {
      case sdk::LogLevel::kTrace:
        return spdlog::level::trace;
      case sdk::LogLevel::kDebug:
        return spdlog::level::debug;
      case sdk::LogLevel::kInfo:
        return spdlog::level::info;
      case sdk::LogLevel::kWarn:
        return spdlog::level::warn;
      case sdk::LogLevel::kError:
        return spdlog::level::err;
    }
    return spdlog::level::info;
  }

  std::shared_ptr<spdlog::logger> logger_;
  std::string prefix_;
};

}  // namespace

int parse_log_level(const std::string& level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

std::string default_log_directory() {
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe): read at start-up
  std::filesystem::path base = (home && *home) ? home : ".";
  return (base / "logs" / "rocketmqlogs").string();
}

sdk::Result<std::shared_ptr<spdlog::logger>> make_process_logger(const LogSettings& settings) {
  std::vector<spdlog::sink_ptr> sinks;
  try {
    if (settings.console) sinks.push_back(std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
    if (!settings.directory.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(settings.directory, ec);
      if (ec) {
        return sdk::Status(sdk::StatusCode::kIoError, "cannot create log directory " +
                                                          settings.directory + ": " + ec.message());
      }
      auto file = (std::filesystem::path(settings.directory) / (settings.name + ".log")).string();
      sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          file, settings.max_file_bytes, settings.max_files));
    }
  } catch (const std::exception& e) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot open log file in " + settings.directory + ": " + e.what());
  }
  auto logger = std::make_shared<spdlog::logger>(settings.name, sinks.begin(), sinks.end());
  logger->set_pattern(kPattern);
  logger->set_level(static_cast<spdlog::level::level_enum>(parse_log_level(settings.level)));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

std::shared_ptr<spdlog::logger> make_console_logger(const std::string& name,
                                                    const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern(kPattern);
  logger->set_level(static_cast<spdlog::level::level_enum>(parse_log_level(level)));
  return logger;
}

std::unique_ptr<sdk::Logger> make_tagged_logger(std::shared_ptr<spdlog::logger> logger,
                                                std::string tag) {
  return std::make_unique<TaggedLogger>(std::move(logger), std::move(tag));
}

}  // namespace mq::core
