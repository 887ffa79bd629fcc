#include "broker/consumer_offset_table.h"

#include "broker/durable_file.h"
#include "remoting/json_reader.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <utility>

namespace mq::core {
namespace {

std::string offset_key(std::string_view topic, std::string_view group) {
  std::string key;
  key.reserve(topic.size() + 1 + group.size());
  key.append(topic);
  key.push_back('@');
  key.append(group);
  return key;
}

sdk::Status corrupt(const std::string& what) {
  return sdk::Status(sdk::StatusCode::kCorruption, "consumer offset table: " + what);
}

}  // namespace

ConsumerOffsetTable::ConsumerOffsetTable(const BrokerConfig& config) : config_(config) {}

std::string ConsumerOffsetTable::file_path() const {
  return (std::filesystem::path(config_.store.store_path_root_dir) / "config" /
          "consumerOffset.json")
      .string();
}

sdk::Result<ConsumerOffsetTable::Table> ConsumerOffsetTable::parse(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return corrupt(parsed.status().message());
  if (!parsed->is_object()) return corrupt("expected a JSON object");
  Table table;
  const JsonValue* offsets = parsed->find("offsetTable");
  if (offsets == nullptr || offsets->is_null()) return table;
  if (!offsets->is_object()) return corrupt("offsetTable is not an object");
  for (const JsonMember& entry : offsets->members()) {
    if (entry.key_kind == JsonKeyKind::kObject) {
      return corrupt("offsetTable has an object key; expected \"<topic>@<group>\"");
    }
    if (entry.value.is_null()) continue;
    if (!entry.value.is_object()) return corrupt("offsetTable[" + entry.key + "] is not an object");
    std::map<std::int32_t, std::int64_t> queues;
    for (const JsonMember& queue : entry.value.members()) {
      const auto id =
          queue.key_kind == JsonKeyKind::kObject ? std::nullopt : parse_decimal_int64(queue.key);
      if (!id || *id < std::numeric_limits<std::int32_t>::min() ||
          *id > std::numeric_limits<std::int32_t>::max()) {
        return corrupt("offsetTable[" + entry.key + "]: queue id " + queue.key +
                       " is not a 32-bit integer");
      }
      const auto offset = json_to_int64(queue.value);
      if (!offset) {
        return corrupt("offsetTable[" + entry.key + "][" + queue.key +
                       "]: offset is not a 64-bit integer");
      }
      queues.insert_or_assign(static_cast<std::int32_t>(*id), *offset);
    }
    // fastjson keeps the last of duplicated keys.
    table.insert_or_assign(entry.key, std::move(queues));
  }
  return table;
}

sdk::Status ConsumerOffsetTable::load() {
  std::lock_guard persist_lock(persist_mu_);
  std::lock_guard lock(mu_);
  const std::string path = file_path();
  table_.clear();
  ++change_;
  persisted_change_ = change_;
  unreadable_file_.reset();

  auto text = read_file_if_exists(path);
  if (!text.ok()) {
    unreadable_file_ = text.status();
    return text.status();
  }
  if (!text->has_value()) return sdk::Status::ok();
  auto parsed = parse(**text);
  if (!parsed.ok()) {
    sdk::Status status(sdk::StatusCode::kCorruption,
                       path + ": " + parsed.status().message() +
                           "; restore it from a backup or move it away to start without "
                           "consumer offsets");
    unreadable_file_ = status;
    return status;
  }
  table_ = std::move(*parsed);
  return sdk::Status::ok();
}

void ConsumerOffsetTable::commit(std::string_view group, std::string_view topic,
                                 std::int32_t queue_id, std::int64_t offset) {
  std::string key = offset_key(topic, group);
  std::lock_guard lock(mu_);
  auto& queues = table_[std::move(key)];
  auto [it, inserted] = queues.try_emplace(queue_id, offset);
  if (inserted) {
    ++change_;
  } else if (it->second != offset) {
    it->second = offset;
    ++change_;
  }
}

std::optional<std::int64_t> ConsumerOffsetTable::query(std::string_view group,
                                                       std::string_view topic,
                                                       std::int32_t queue_id) const {
  const std::string key = offset_key(topic, group);
  std::lock_guard lock(mu_);
  auto entry = table_.find(key);
  if (entry == table_.end()) return std::nullopt;
  auto queue = entry->second.find(queue_id);
  if (queue == entry->second.end()) return std::nullopt;
  return queue->second;
}

std::map<std::int32_t, std::int64_t> ConsumerOffsetTable::offsets_of(std::string_view group,
                                                                     std::string_view topic) const {
  const std::string key = offset_key(topic, group);
  std::lock_guard lock(mu_);
  auto entry = table_.find(key);
  if (entry == table_.end()) return {};
  return entry->second;
}

std::vector<std::string> ConsumerOffsetTable::groups_of_topic(std::string_view topic) const {
  const std::string prefix = offset_key(topic, "");
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  // Every key of the topic starts with "<topic>@" and they are contiguous in key order.
  for (auto it = table_.lower_bound(prefix); it != table_.end() && it->first.starts_with(prefix);
       ++it) {
    out.push_back(it->first.substr(prefix.size()));
  }
  return out;
}

std::vector<std::string> ConsumerOffsetTable::topics_of_group(std::string_view group) const {
  std::vector<std::string> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, queues] : table_) {
      const std::size_t at = key.find('@');
      if (at != std::string::npos && std::string_view(key).substr(at + 1) == group) {
        out.push_back(key.substr(0, at));
      }
    }
  }
  // Key order is not topic order ("A-x@g" sorts before "A@g").
  std::sort(out.begin(), out.end());
  return out;
}

void ConsumerOffsetTable::remove_topic(std::string_view topic) {
  const std::string prefix = offset_key(topic, "");
  std::lock_guard lock(mu_);
  auto first = table_.lower_bound(prefix);
  auto last = first;
  while (last != table_.end() && last->first.starts_with(prefix)) ++last;
  if (first == last) return;
  table_.erase(first, last);
  ++change_;
}

void ConsumerOffsetTable::remove_group(std::string_view group) {
  std::lock_guard lock(mu_);
  const std::size_t before = table_.size();
  std::erase_if(table_, [&](const auto& entry) {
    const std::size_t at = entry.first.find('@');
    return at != std::string::npos && std::string_view(entry.first).substr(at + 1) == group;
  });
  if (table_.size() != before) ++change_;
}

sdk::Status ConsumerOffsetTable::replace_from_json(std::string_view body) {
  auto parsed = parse(body);
  if (!parsed.ok()) return parsed.status();
  std::lock_guard lock(mu_);
  table_ = std::move(*parsed);
  ++change_;
  return sdk::Status::ok();
}

sdk::Status ConsumerOffsetTable::persist() {
  std::lock_guard persist_lock(persist_mu_);
  if (unreadable_file_) {
    return sdk::Status(
        sdk::StatusCode::kUnavailable,
        "not writing " + file_path() + " because load() failed: " + unreadable_file_->message());
  }
  std::string text;
  std::uint64_t change = 0;
  {
    std::lock_guard lock(mu_);
    if (change_ == persisted_change_) return sdk::Status::ok();
    text = to_json_locked(IntKeyStyle::kUnquoted);
    change = change_;
  }
  sdk::Status status = replace_file_durably(file_path(), text);
  if (status.is_ok()) persisted_change_ = change;
  return status;
}

std::string ConsumerOffsetTable::to_json(IntKeyStyle int_keys) const {
  std::lock_guard lock(mu_);
  return to_json_locked(int_keys);
}

std::string ConsumerOffsetTable::to_json_locked(IntKeyStyle int_keys) const {
  JsonValue out = JsonValue::object();
  JsonValue& offsets = out.add("offsetTable", JsonValue::object());
  for (const auto& [key, queues] : table_) {
    JsonValue& entry = offsets.add(key, JsonValue::object());
    for (const auto& [queue_id, offset] : queues) {
      entry.add_int_key(queue_id, JsonValue::integer(offset));
    }
  }
  return write_json(out, JsonWriteOptions{int_keys});
}

}  // namespace mq::core
