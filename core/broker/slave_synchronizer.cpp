#include "broker/slave_synchronizer.h"

#include "broker/durable_file.h"
#include "remoting/json.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <filesystem>

namespace mq::core {

SlaveSynchronizer::SlaveSynchronizer(const BrokerConfig& config, RemotingClient& client,
                                     TopicConfigTable& topics, SubscriptionGroupTable& groups,
                                     ConsumerOffsetTable& offsets,
                                     std::shared_ptr<spdlog::logger> logger)
    : config_(config),
      client_(client),
      topics_(topics),
      groups_(groups),
      offsets_(offsets),
      logger_(std::move(logger)) {}

std::string SlaveSynchronizer::delay_offset_file() const {
  return (std::filesystem::path(config_.store.store_path_root_dir) / "config" / "delayOffset.json")
      .string();
}

sdk::Result<std::string> SlaveSynchronizer::fetch(const std::string& master_address,
                                                  std::int32_t code) {
  auto answer = client_.invoke(master_address, RemotingCommand::request(code), kSlaveSyncTimeoutMs);
  if (!answer.ok()) {
    return sdk::Status(answer.status().code(), "request " + std::to_string(code) + " to master " +
                                                   master_address + ": " +
                                                   answer.status().message());
  }
  if (answer->code != response_code::kSuccess) {
    return sdk::Status(sdk::StatusCode::kUnavailable,
                       "master " + master_address + " answered request " + std::to_string(code) +
                           " with code " + std::to_string(answer->code) + " " +
                           answer->remark.value_or(""));
  }
  const auto view = answer->body.view();
  return std::string(reinterpret_cast<const char*>(view.data()), view.size());
}

sdk::Status SlaveSynchronizer::sync_topics(const std::string& master_address) {
  auto body = fetch(master_address, request_code::kGetAllTopicConfig);
  if (!body.ok()) return body.status();
  auto table = TopicConfigSerializeWrapper::from_json(*body);
  if (!table.ok()) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "the master's topic table is unreadable: " + table.status().message());
  }
  auto replaced = topics_.replace_all(*table);
  if (!replaced.ok()) return replaced.status();
  if (*replaced) {
    logger_->info("topic table synced from master {} ({} topics)", master_address,
                  table->topic_config_table.size());
  }
  return sdk::Status::ok();
}

sdk::Status SlaveSynchronizer::sync_groups(const std::string& master_address) {
  auto body = fetch(master_address, request_code::kGetAllSubscriptiongroupConfig);
  if (!body.ok()) return body.status();
  auto replaced = groups_.replace_from_json(*body);
  if (!replaced.ok()) return replaced.status();
  if (*replaced) logger_->info("subscription groups synced from master {}", master_address);
  return sdk::Status::ok();
}

sdk::Status SlaveSynchronizer::sync_offsets(const std::string& master_address) {
  auto body = fetch(master_address, request_code::kGetAllConsumerOffset);
  if (!body.ok()) return body.status();
  // The same answer as last time changes nothing (and must not rewrite the file every time).
  if (*body == last_offsets_) return offsets_.persist();
  if (auto status = offsets_.replace_from_json(*body); !status) return status;
  last_offsets_ = std::move(*body);
  return offsets_.persist();
}

sdk::Status SlaveSynchronizer::sync_delay_offsets(const std::string& master_address) {
  auto body = fetch(master_address, request_code::kGetAllDelayOffset);
  if (!body.ok()) return body.status();
  if (*body == last_delay_offsets_) return sdk::Status::ok();
  auto parsed = parse_json(*body);
  if (!parsed.ok() || !parsed->is_object()) {
    return sdk::Status(
        sdk::StatusCode::kCorruption,
        "the master's delay offsets are unreadable: " +
            (parsed.ok() ? std::string("not a JSON object") : parsed.status().message()));
  }
  if (auto status = replace_file_durably(delay_offset_file(), *body); !status) return status;
  last_delay_offsets_ = std::move(*body);
  return sdk::Status::ok();
}

sdk::Status SlaveSynchronizer::sync_all(const std::string& master_address) {
  if (master_address.empty()) {
    return sdk::Status(sdk::StatusCode::kUnavailable,
                       "the master's address is not known yet (no name server answered with it)");
  }
  sdk::Status first;
  for (auto step : {&SlaveSynchronizer::sync_topics, &SlaveSynchronizer::sync_groups,
                    &SlaveSynchronizer::sync_offsets, &SlaveSynchronizer::sync_delay_offsets}) {
    auto status = (this->*step)(master_address);
    if (!status.is_ok() && first.is_ok()) first = status;
  }
  if (!first.is_ok()) {
    if (first.message() != last_error_) {
      logger_->warn("slave sync from master {} failed: {}", master_address, first.message());
      last_error_ = first.message();
    }
  } else if (!last_error_.empty()) {
    logger_->info("slave sync from master {} works again", master_address);
    last_error_.clear();
  }
  return first;
}

}  // namespace mq::core
