#include "broker/topic_config_table.h"

#include "common/clock.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mq::core {
namespace {

TopicConfig make_topic(std::string name, std::int32_t queues, std::int32_t perm) {
  TopicConfig topic;
  topic.topic_name = std::move(name);
  topic.read_queue_nums = queues;
  topic.write_queue_nums = queues;
  topic.perm = perm;
  return topic;
}

}  // namespace

bool valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic.size() > 127) return false;
  for (char c : topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '%' || c == '|' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_no_send_topic(std::string_view topic) {
  return topic == "SCHEDULE_TOPIC_XXXX" || topic == "RMQ_SYS_TRANS_HALF_TOPIC" ||
         topic == "RMQ_SYS_TRANS_OP_HALF_TOPIC" || topic == "TRANS_CHECK_MAX_TIME_TOPIC" ||
         topic == "SELF_TEST_TOPIC" || topic == "OFFSET_MOVED_EVENT";
}

TopicConfigTable::TopicConfigTable(const BrokerConfig& config) : config_(config) {}

std::string TopicConfigTable::file_path() const {
  return (std::filesystem::path(config_.store.store_path_root_dir) / "config" / "topics.json")
      .string();
}

sdk::Status TopicConfigTable::load() {
  std::lock_guard lock(mu_);
  const std::string path = file_path();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return sdk::Status(sdk::StatusCode::kIoError, "cannot read " + path);
    }
    auto parsed = TopicConfigSerializeWrapper::from_json(text.str());
    if (!parsed.ok()) {
      return sdk::Status(sdk::StatusCode::kCorruption,
                         path + " is not a topic table: " + parsed.status().message() +
                             "; restore it from a backup or move it away to start with defaults");
    }
    table_ = std::move(parsed).value();
  }
  const std::size_t before = table_.topic_config_table.size();
  add_system_topics_locked();
  if (table_.topic_config_table.size() != before) {
    table_.data_version.next_version(wall_clock_ms());
    return persist_locked();
  }
  return sdk::Status::ok();
}

void TopicConfigTable::add_system_topics_locked() {
  auto add = [&](TopicConfig topic) {
    table_.topic_config_table.try_emplace(topic.topic_name, std::move(topic));
  };
  const auto& cluster = config_.identity.cluster_name;
  if (config_.auto_create_topic_enable) {
    add(make_topic("TBW102", config_.default_topic_queue_nums,
                   kPermRead | kPermWrite | kPermInherit));
  }
  add(make_topic("SELF_TEST_TOPIC", 1, kPermRead | kPermWrite));
  add(make_topic("BenchmarkTest", 1024, kPermRead | kPermWrite));
  add(make_topic(cluster, 16, kPermRead | kPermWrite | kPermInherit));
  add(make_topic(config_.identity.broker_name, 1, kPermRead | kPermWrite | kPermInherit));
  add(make_topic("OFFSET_MOVED_EVENT", 1, kPermRead | kPermWrite));
  add(make_topic("SCHEDULE_TOPIC_XXXX", 18, kPermRead | kPermWrite));
  add(make_topic(cluster + "_REPLY_TOPIC", 1, kPermRead | kPermWrite));
  if (config_.trace_topic_enable) add(make_topic("RMQ_SYS_TRACE_TOPIC", 1, kPermRead | kPermWrite));
}

std::optional<TopicConfig> TopicConfigTable::find(std::string_view topic) const {
  std::lock_guard lock(mu_);
  auto it = table_.topic_config_table.find(topic);
  if (it == table_.topic_config_table.end()) return std::nullopt;
  return it->second;
}

sdk::Status TopicConfigTable::upsert(const TopicConfig& topic) {
  std::lock_guard lock(mu_);
  table_.topic_config_table.insert_or_assign(topic.topic_name, topic);
  table_.data_version.next_version(wall_clock_ms());
  return persist_locked();
}

sdk::Status TopicConfigTable::remove(std::string_view topic) {
  std::lock_guard lock(mu_);
  auto it = table_.topic_config_table.find(topic);
  if (it == table_.topic_config_table.end()) return sdk::Status::ok();
  table_.topic_config_table.erase(it);
  table_.data_version.next_version(wall_clock_ms());
  return persist_locked();
}

TopicConfigSerializeWrapper TopicConfigTable::snapshot() const {
  std::lock_guard lock(mu_);
  return table_;
}

sdk::Result<bool> TopicConfigTable::replace_all(const TopicConfigSerializeWrapper& table) {
  std::lock_guard lock(mu_);
  TopicConfigSerializeWrapper previous = std::move(table_);
  table_ = table;
  add_system_topics_locked();
  if (table_ == previous) return false;
  if (auto status = persist_locked(); !status) return status;
  return true;
}

sdk::Status TopicConfigTable::persist_locked() const {
  const std::filesystem::path path = file_path();
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  const std::string text = table_.to_json();
  const std::string temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return sdk::Status(sdk::StatusCode::kIoError, "cannot write " + temp);
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      return sdk::Status(sdk::StatusCode::kIoError, "cannot write " + temp);
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return sdk::Status(sdk::StatusCode::kIoError, "cannot sync " + temp);
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot replace " + path.string() + ": " + ec.message());
  }
  return sdk::Status::ok();
}

}  // namespace mq::core
