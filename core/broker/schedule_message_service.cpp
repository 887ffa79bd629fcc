#include "broker/schedule_message_service.h"

#include "common/clock.h"
#include "remoting/json.h"

#include <fcntl.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

namespace mq::core {
namespace {

std::string offsets_file(const BrokerConfig& config) {
  return (std::filesystem::path(config.store.store_path_root_dir) / "config" / "delayOffset.json")
      .string();
}

}  // namespace

sdk::Result<std::vector<std::int64_t>> ScheduleMessageService::parse_levels(std::string_view text) {
  std::vector<std::int64_t> levels;
  std::istringstream in{std::string(text)};
  std::string item;
  while (in >> item) {
    if (item.size() < 2) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument, "bad delay level '" + item + "'");
    }
    const char unit = item.back();
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size() - 1, value);
    std::int64_t scale = 0;
    switch (unit) {
      case 's':
        scale = 1000;
        break;
      case 'm':
        scale = 60'000;
        break;
      case 'h':
        scale = 3'600'000;
        break;
      case 'd':
        scale = 86'400'000;
        break;
      default:
        break;
    }
    if (ec != std::errc() || end != item.data() + item.size() - 1 || value <= 0 || scale == 0) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "bad delay level '" + item + "'; expected a number and s, m, h or d");
    }
    levels.push_back(value * scale);
  }
  if (levels.empty()) return sdk::Status(sdk::StatusCode::kInvalidArgument, "no delay levels");
  return levels;
}

ScheduleMessageService::ScheduleMessageService(BrokerContext& context)
    : context_(context), writer_(context) {
  auto levels = parse_levels(context.config.message_delay_level);
  levels_ms_ =
      levels.ok() ? levels.value() : std::vector<std::int64_t>{1000, 5000, 10000, 30000, 60000};
}

ScheduleMessageService::~ScheduleMessageService() { stop(); }

void ScheduleMessageService::redirect_delayed(MessageProperties& properties, std::string& topic,
                                              std::int32_t& queue_id, std::int64_t& tags_code,
                                              std::int64_t now) const {
  auto delay = properties.get(property::kDelay);
  std::int64_t level = 0;
  if (delay) {
    auto [end, ec] = std::from_chars(delay->data(), delay->data() + delay->size(), level);
    if (ec != std::errc() || end != delay->data() + delay->size()) level = 0;
  }
  if (level <= 0) {
    properties.remove(property::kDelay);
    return;
  }
  level = std::min<std::int64_t>(level, static_cast<std::int64_t>(levels_ms_.size()));
  properties.set(property::kDelay, std::to_string(level));
  properties.set(property::kRealTopic, topic);
  properties.set(property::kRealQueueId, std::to_string(queue_id));
  topic = std::string(kScheduleTopic);
  queue_id = static_cast<std::int32_t>(level - 1);
  tags_code = now + levels_ms_[static_cast<std::size_t>(level - 1)];
}

sdk::Status ScheduleMessageService::start() {
  const std::string path = offsets_file(context_.config);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_json(text.str());
    if (!parsed.ok()) {
      return sdk::Status(sdk::StatusCode::kCorruption,
                         path + " is not a delay offset table: " + parsed.status().message());
    }
    if (const JsonValue* table = parsed->find("offsetTable"); table && table->is_object()) {
      std::lock_guard lock(mu_);
      for (const auto& member : table->members()) {
        std::int64_t level = 0;
        std::from_chars(member.key.data(), member.key.data() + member.key.size(), level);
        if (level > 0 && member.value.is_int()) {
          offsets_[static_cast<std::int32_t>(level)] = member.value.as_int();
        }
      }
    }
  }
  std::lock_guard lock(mu_);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  return sdk::Status::ok();
}

void ScheduleMessageService::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_all();
  }
  thread_.join();
  if (auto status = persist(); !status) {
    context_.logger->error("cannot save delay offsets: {}", status.message());
  }
}

std::string ScheduleMessageService::offsets_json() const {
  JsonValue table = JsonValue::object();
  {
    std::lock_guard lock(mu_);
    for (const auto& [level, offset] : offsets_) {
      table.add_int_key(level, JsonValue::integer(offset));
    }
  }
  JsonValue root = JsonValue::object();
  root.add("offsetTable", std::move(table));
  return write_json(root, JsonWriteOptions{IntKeyStyle::kUnquoted});
}

sdk::Status ScheduleMessageService::persist() const {
  const std::filesystem::path path = offsets_file(context_.config);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const std::string text = offsets_json();
  const std::string temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.good()) return sdk::Status(sdk::StatusCode::kIoError, "cannot write " + temp);
  }
  int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return sdk::Status(sdk::StatusCode::kIoError, "cannot replace " + path.string());
  return sdk::Status::ok();
}

void ScheduleMessageService::run() {
  std::int64_t last_persist = wall_clock_ms();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    bool busy = false;
    for (std::size_t i = 0; i < levels_ms_.size(); ++i) busy |= deliver_level(i);
    if (wall_clock_ms() - last_persist > 5000) {
      bool dirty;
      {
        std::lock_guard guard(mu_);
        dirty = dirty_;
        dirty_ = false;
      }
      if (dirty) static_cast<void>(persist());
      last_persist = wall_clock_ms();
    }
    lock.lock();
    if (!busy) wake_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

bool ScheduleMessageService::deliver_level(std::size_t level_index) {
  const auto level = static_cast<std::int32_t>(level_index + 1);
  const std::string topic(kScheduleTopic);
  std::int64_t offset;
  {
    std::lock_guard lock(mu_);
    offset = offsets_[level];
  }
  const auto min = context_.store.min_offset(topic, level - 1).value();
  if (offset < min) offset = min;
  auto read = context_.store.read_queue(topic, level - 1, sdk::QueueOffset(offset), 32, 256 * 1024,
                                        sdk::TagFilter{});
  if (read.status != sdk::ReadStatus::kFound) return false;
  bool delivered = false;
  const std::int64_t now = wall_clock_ms();
  for (const auto& bytes : read.records) {
    sdk::record::StoredRecord record;
    if (sdk::record::decode_record(bytes, &record, false) != sdk::record::DecodeStatus::kOk) {
      ++offset;  // an unreadable record cannot be delivered; skip it rather than stall the level
      continue;
    }
    if (record.store_timestamp_ms + levels_ms_[level_index] > now) break;
    MessageProperties properties = MessageProperties::parse(record.properties);
    auto real_topic = properties.get(property::kRealTopic);
    auto real_queue = properties.get(property::kRealQueueId);
    if (!real_topic || !real_queue) {
      ++offset;
      continue;
    }
    const std::string target_topic(*real_topic);
    std::int32_t target_queue = 0;
    std::from_chars(real_queue->data(), real_queue->data() + real_queue->size(), target_queue);
    properties.remove(property::kDelay);
    properties.remove(property::kRealTopic);
    properties.remove(property::kRealQueueId);
    const std::string text = properties.to_string();

    const sdk::MessageToAppend message =
        message_from_record(record, target_topic, target_queue, text);
    std::promise<PutOutcome> done;
    auto future = done.get_future();
    writer_.put(message, false, [&done](const PutOutcome& outcome) { done.set_value(outcome); });
    const PutOutcome outcome = future.get();
    if (!outcome.stored()) {
      context_.logger->warn("delayed message for {} not delivered yet: {}", target_topic,
                            outcome.remark);
      break;
    }
    ++offset;
    delivered = true;
  }
  std::lock_guard lock(mu_);
  if (offsets_[level] != offset) dirty_ = true;
  offsets_[level] = offset;
  return delivered;
}

}  // namespace mq::core
