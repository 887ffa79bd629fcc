#include "broker/subscription_group_table.h"

#include "broker/durable_file.h"
#include "common/clock.h"
#include "remoting/json_reader.h"

#include <chrono>
#include <filesystem>
#include <utility>

namespace mq::core {
namespace {

bool is_system_consumer_group(std::string_view group) {
  return group.starts_with(kSystemConsumerGroupPrefix);
}

}  // namespace

JsonValue SubscriptionGroupConfig::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("brokerId", JsonValue::integer(broker_id));
  out.add("consumeBroadcastEnable", JsonValue::boolean(consume_broadcast_enable));
  out.add("consumeEnable", JsonValue::boolean(consume_enable));
  out.add("consumeFromMinEnable", JsonValue::boolean(consume_from_min_enable));
  out.add("groupName", JsonValue::string(group_name));
  out.add("notifyConsumerIdsChangedEnable", JsonValue::boolean(notify_consumer_ids_changed_enable));
  out.add("retryMaxTimes", JsonValue::integer(retry_max_times));
  out.add("retryQueueNums", JsonValue::integer(retry_queue_nums));
  out.add("whichBrokerWhenConsumeSlowly", JsonValue::integer(which_broker_when_consume_slowly));
  return out;
}

std::string SubscriptionGroupConfig::to_json() const { return write_json(to_json_value()); }

sdk::Result<SubscriptionGroupConfig> SubscriptionGroupConfig::from_json_value(
    const JsonValue& value) {
  SubscriptionGroupConfig out;
  JsonFieldReader reader(value, "SubscriptionGroupConfig");
  reader.read("groupName", out.group_name);
  reader.read("consumeEnable", out.consume_enable);
  reader.read("consumeFromMinEnable", out.consume_from_min_enable);
  reader.read("consumeBroadcastEnable", out.consume_broadcast_enable);
  reader.read("retryQueueNums", out.retry_queue_nums);
  reader.read("retryMaxTimes", out.retry_max_times);
  reader.read("brokerId", out.broker_id);
  reader.read("whichBrokerWhenConsumeSlowly", out.which_broker_when_consume_slowly);
  reader.read("notifyConsumerIdsChangedEnable", out.notify_consumer_ids_changed_enable);
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<SubscriptionGroupConfig> SubscriptionGroupConfig::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

SubscriptionGroupTable::SubscriptionGroupTable(const BrokerConfig& config) : config_(config) {}

std::string SubscriptionGroupTable::file_path() const {
  return (std::filesystem::path(config_.store.store_path_root_dir) / "config" /
          "subscriptionGroup.json")
      .string();
}

sdk::Status SubscriptionGroupTable::parse_table(std::string_view text, Table& table,
                                                DataVersion& version) {
  auto corrupt = [](const std::string& what) {
    return sdk::Status(sdk::StatusCode::kCorruption, what);
  };
  table.clear();
  version = DataVersion{};
  auto parsed = parse_json(text);
  if (!parsed.ok()) return corrupt(parsed.status().message());
  if (!parsed->is_object()) return corrupt("expected a JSON object");
  const JsonValue* groups = parsed->find("subscriptionGroupTable");
  const JsonValue* version_value = parsed->find("dataVersion");
  if (groups != nullptr && !groups->is_null() && !groups->is_object()) {
    return corrupt("subscriptionGroupTable is not an object");
  }
  if (version_value != nullptr && !version_value->is_null()) {
    auto parsed_version = DataVersion::from_json_value(*version_value);
    if (!parsed_version.ok()) return corrupt(parsed_version.status().message());
    version = *parsed_version;
  }
  if (groups != nullptr && groups->is_object()) {
    for (const auto& member : groups->members()) {
      if (member.value.is_null()) continue;
      auto config = SubscriptionGroupConfig::from_json_value(member.value);
      if (!config.ok()) {
        table.clear();
        version = DataVersion{};
        return corrupt("subscriptionGroupTable[" + member.key + "]: " + config.status().message());
      }
      // The key is what Java looks groups up by; keep the name consistent with it.
      config->group_name = member.key;
      table.insert_or_assign(member.key, std::move(*config));
    }
  }
  return sdk::Status::ok();
}

sdk::Result<bool> SubscriptionGroupTable::replace_from_json(std::string_view body) {
  Table table;
  DataVersion version;
  if (auto status = parse_table(body, table, version); !status) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "not a subscription group table: " + status.message());
  }
  for (std::string_view name : kSystemSubscriptionGroups) {
    SubscriptionGroupConfig config;
    config.group_name = std::string(name);
    table.try_emplace(config.group_name, std::move(config));
  }
  std::lock_guard lock(mu_);
  if (table == table_ && version == data_version_) return false;
  table_ = std::move(table);
  data_version_ = version;
  dirty_ = true;
  if (auto status = persist_locked(); !status) return status;
  return true;
}

sdk::Status SubscriptionGroupTable::load() {
  std::lock_guard lock(mu_);
  const std::string path = file_path();
  table_.clear();
  data_version_ = DataVersion{};
  dirty_ = false;
  unreadable_file_.reset();

  auto text = read_file_if_exists(path);
  sdk::Status status;
  if (!text.ok()) {
    status = text.status();
  } else if (text->has_value()) {
    status = parse_table(**text, table_, data_version_);
    if (!status.is_ok()) {
      status = sdk::Status(sdk::StatusCode::kCorruption,
                           path + " is not a subscription group table: " + status.message() +
                               "; restore it from a backup or move it away to start with defaults");
    }
    if (!status.is_ok()) {
      table_.clear();
      data_version_ = DataVersion{};
    }
  }

  bool added = false;
  for (std::string_view name : kSystemSubscriptionGroups) {
    SubscriptionGroupConfig config;
    config.group_name = std::string(name);
    added |= table_.try_emplace(config.group_name, std::move(config)).second;
  }
  // A file that could not be read is never written over: the operator decides what to do.
  if (!status.is_ok()) {
    unreadable_file_ = status;
    return status;
  }
  if (added) return changed_locked();
  return sdk::Status::ok();
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupTable::find(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = table_.find(group);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupTable::find_or_create(
    std::string_view group) {
  std::lock_guard lock(mu_);
  if (auto it = table_.find(group); it != table_.end()) return it->second;
  if (group.empty()) return std::nullopt;
  if (!config_.auto_create_subscription_group && !is_system_consumer_group(group)) {
    return std::nullopt;
  }
  SubscriptionGroupConfig config;
  config.group_name = std::string(group);
  table_.emplace(config.group_name, config);
  // A failed write leaves dirty_ set; the next change or persist() retries it.
  (void)changed_locked();
  return config;
}

sdk::Status SubscriptionGroupTable::upsert(const SubscriptionGroupConfig& config) {
  if (config.group_name.empty()) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "a subscription group needs a non-empty groupName");
  }
  std::lock_guard lock(mu_);
  table_.insert_or_assign(config.group_name, config);
  return changed_locked();
}

sdk::Status SubscriptionGroupTable::remove(std::string_view group) {
  std::lock_guard lock(mu_);
  auto it = table_.find(group);
  if (it == table_.end()) return sdk::Status::ok();
  table_.erase(it);
  return changed_locked();
}

sdk::Status SubscriptionGroupTable::persist() {
  std::lock_guard lock(mu_);
  if (!dirty_) return sdk::Status::ok();
  return persist_locked();
}

std::string SubscriptionGroupTable::to_json() const {
  std::lock_guard lock(mu_);
  return to_json_locked();
}

DataVersion SubscriptionGroupTable::data_version() const {
  std::lock_guard lock(mu_);
  return data_version_;
}

std::vector<SubscriptionGroupConfig> SubscriptionGroupTable::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<SubscriptionGroupConfig> out;
  out.reserve(table_.size());
  for (const auto& [name, config] : table_) out.push_back(config);
  return out;
}

std::string SubscriptionGroupTable::to_json_locked() const {
  JsonValue out = JsonValue::object();
  out.add("dataVersion", data_version_.to_json_value());
  JsonValue& groups = out.add("subscriptionGroupTable", JsonValue::object());
  for (const auto& [name, config] : table_) groups.add(name, config.to_json_value());
  return write_json(out);
}

sdk::Status SubscriptionGroupTable::persist_locked() {
  if (unreadable_file_) {
    return sdk::Status(
        sdk::StatusCode::kUnavailable,
        "not writing " + file_path() + " because load() failed: " + unreadable_file_->message());
  }
  sdk::Status status = replace_file_durably(file_path(), to_json_locked());
  if (status.is_ok()) dirty_ = false;
  return status;
}

sdk::Status SubscriptionGroupTable::changed_locked() {
  data_version_.next_version(wall_clock_ms());
  dirty_ = true;
  return persist_locked();
}

}  // namespace mq::core
