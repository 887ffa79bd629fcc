#include "memory_message_store.h"

#include "mq/sdk/stored_record.h"

#include <algorithm>
#include <ctime>
#include <exception>
#include <mutex>
#include <new>
#include <utility>

namespace memory_store {

namespace record = mq::sdk::record;
using mq::sdk::PhysicalOffset;
using mq::sdk::QueueOffset;
using mq::sdk::ReadStatus;
using mq::sdk::Status;
using mq::sdk::StatusCode;

namespace {

// Entries one read_queue() may scan beyond what the caller asked for, so that a selective tag
// filter cannot make one read walk a whole queue (RocketMQ scans 16000 bytes of 20-byte
// consume-queue entries).
constexpr std::int64_t kMaxScannedEntries = 800;

// TOTALSIZE + MAGICCODE: what an end-of-segment filler needs, so every record leaves this much.
constexpr std::int64_t kFillerHeaderSize = 8;

// How often the timer checks for segments past fileReservedTime.
constexpr std::int64_t kRetentionCheckIntervalMs = 1000;

// "04;16" -> {4, 16}; parts that are not an hour 0..23 are ignored.
std::vector<int> parse_delete_hours(std::string_view delete_when) {
  std::vector<int> hours;
  while (!delete_when.empty()) {
    const std::size_t end = delete_when.find(';');
    const std::string_view part = delete_when.substr(0, end);
    int hour = 0;
    bool digits = !part.empty() && part.size() <= 2;
    for (char c : part) {
      digits = digits && c >= '0' && c <= '9';
      hour = hour * 10 + (c - '0');
    }
    if (digits && hour < 24) hours.push_back(hour);
    delete_when = end == std::string_view::npos ? std::string_view() : delete_when.substr(end + 1);
  }
  return hours;
}

std::int64_t stored_time_of(const std::vector<std::uint8_t>& bytes) noexcept {
  const std::int32_t sys_flag = record::get_i32(bytes.data() + record::kSysFlagOffset);
  const std::size_t at = record::store_timestamp_offset(sys_flag);
  return at + 8 <= bytes.size() ? record::get_i64(bytes.data() + at) : -1;
}

}  // namespace

MemoryMessageStore::MemoryMessageStore(mq::sdk::HostServices& host, Settings settings)
    : host_(host),
      settings_(std::move(settings)),
      delete_hours_(parse_delete_hours(settings_.delete_when)) {}

MemoryMessageStore::~MemoryMessageStore() {
  // The host's timer must not call into a destroyed store, even without a stop().
  if (retention_timer_ != 0) host_.timers().cancel(retention_timer_);
}

std::string MemoryMessageStore::queue_key(std::string_view topic, std::int32_t queue_id) {
  std::string key(topic);
  key += '\n';
  key += std::to_string(queue_id);
  return key;
}

std::string MemoryMessageStore::index_key(std::string_view topic, std::string_view key) {
  std::string out(topic);
  out += '\n';
  out += key;
  return out;
}

Status MemoryMessageStore::start() noexcept {
  {
    std::unique_lock lock(mu_);
    running_ = true;
  }
  retention_timer_ = host_.timers().every(kRetentionCheckIntervalMs, [this] { expire_segments(); });
  if (retention_timer_ == 0) {
    host_.logger().warn("no retention timer: segments are dropped by memory.maxBytes only");
  }
  host_.logger().info("keeping at most ", settings_.max_bytes,
                      " bytes of recent messages in memory, in segments of ",
                      settings_.segment_size, " bytes; nothing survives a restart");
  return Status::ok();
}

void MemoryMessageStore::stop() noexcept {
  // Cancel before taking the lock: the timer's callback takes it too.
  if (retention_timer_ != 0) host_.timers().cancel(retention_timer_);
  retention_timer_ = 0;
  std::unique_lock lock(mu_);
  running_ = false;
}

void MemoryMessageStore::append(const mq::sdk::MessageToAppend& message,
                                mq::sdk::AppendCallback done) noexcept {
  try {
    append_batch(std::vector<mq::sdk::MessageToAppend>{message}, std::move(done));
  } catch (const std::bad_alloc&) {
    done(Status(StatusCode::kResourceExhausted, "out of memory while appending"),
         mq::sdk::AppendResult{});
  }
}

void MemoryMessageStore::append_batch(const std::vector<mq::sdk::MessageToAppend>& messages,
                                      mq::sdk::AppendCallback done) noexcept {
  Status status;
  mq::sdk::AppendResult result;
  try {
    if (messages.empty()) {
      status = Status(StatusCode::kInvalidArgument, "append of an empty batch");
    }
    // Encode outside the lock; only the offsets are filled in under it.
    std::vector<std::shared_ptr<Buffer>> encoded;
    std::vector<record::StoredRecord> stored(messages.size());
    std::int64_t total = 0;  // bytes of the whole batch, which stays in one segment
    for (std::size_t i = 0; status && i < messages.size(); ++i) {
      const auto& message = messages[i];
      if (message.topic != messages.front().topic ||
          message.queue_id != messages.front().queue_id) {
        status = Status(StatusCode::kInvalidArgument, "a batch must go to one queue");
        break;
      }
      auto& r = stored[i];
      r.queue_id = message.queue_id;
      r.flag = message.flag;
      r.sys_flag = message.sys_flag;
      r.born_timestamp_ms = message.born_timestamp_ms;
      r.born_host = message.born_host;
      r.store_host = message.store_host;
      r.reconsume_times = message.reconsume_times;
      r.prepared_transaction_offset = message.prepared_transaction_offset;
      r.body = message.body;
      r.topic = message.topic;
      r.properties = message.properties;
      const std::size_t size = record::encoded_size(r);
      if (static_cast<std::int64_t>(size) > settings_.max_message_size) {  // whole record
        status =
            Status(StatusCode::kMessageIllegal, "stored message of " + std::to_string(size) +
                                                    " bytes is above maxMessageSize " +
                                                    std::to_string(settings_.max_message_size));
        break;
      }
      if (message.topic.empty() || message.topic.size() > record::kMaxTopicLength ||
          message.properties.size() > record::kMaxPropertiesLength) {
        status = Status(StatusCode::kMessageIllegal, "topic or properties too long (or empty)");
        break;
      }
      encoded.push_back(std::make_shared<Buffer>(size));
      total += static_cast<std::int64_t>(size);
    }
    if (status && total + kFillerHeaderSize > settings_.segment_size) {
      status = Status(StatusCode::kMessageIllegal,
                      std::to_string(total) +
                          " bytes do not fit in one log segment (mappedFileSizeCommitLog " +
                          std::to_string(settings_.segment_size) + ")");
    }
    if (status) {
      std::unique_lock lock(mu_);
      if (!running_) {
        status = Status(StatusCode::kUnavailable, "memory-store is stopped");
      } else {
        const std::int64_t now = std::max(host_.clock().now_ms(), last_store_ms_);
        last_store_ms_ = now;
        const std::int64_t position = log_end_ % settings_.segment_size;
        if (position > 0 && settings_.segment_size - position < total + kFillerHeaderSize) {
          add_filler_locked(settings_.segment_size - position);
        }
        Queue& queue = queues_[queue_key(messages.front().topic, messages.front().queue_id)];
        result.physical_offset = PhysicalOffset(log_end_);
        result.queue_offset = QueueOffset(queue.end());
        result.store_timestamp_ms = now;
        for (std::size_t i = 0; i < messages.size(); ++i) {
          auto& r = stored[i];
          r.queue_offset = queue.end();
          r.physical_offset = log_end_;
          r.store_timestamp_ms = now;
          const std::size_t size = record::encode_record(r, *encoded[i]);
          if (size != encoded[i]->size()) {  // checked above, so a bug if it happens
            status = Status(StatusCode::kInternal, "record encoding failed");
            break;
          }
          add_locked(std::move(encoded[i]), messages[i].topic, messages[i].queue_id, r.queue_offset,
                     messages[i].tags_code, now, messages[i].keys, messages[i].unique_key);
          result.bytes += static_cast<std::int32_t>(size);
          ++result.message_count;
        }
        enforce_retention_locked();
        host_.metrics().set("memory.bytes", log_bytes_);
      }
    }
  } catch (const std::bad_alloc&) {
    status = Status(StatusCode::kResourceExhausted, "out of memory while appending");
  } catch (const std::exception& e) {
    status = Status(StatusCode::kInternal, std::string("append failed: ") + e.what());
  }
  if (!status) {
    done(status, mq::sdk::AppendResult{});
    return;
  }
  host_.metrics().add("store.append.messages", result.message_count);
  host_.metrics().add("store.append.bytes", result.bytes);
  done(status, result);
}

void MemoryMessageStore::add_locked(std::shared_ptr<const Buffer> bytes, std::string_view topic,
                                    std::int32_t queue_id, std::int64_t queue_offset,
                                    std::int64_t tags_code, std::int64_t store_timestamp_ms,
                                    std::string_view keys, std::string_view unique_key) {
  touch_segment_locked();
  LogEntry entry;
  entry.offset = log_end_;
  const auto size = static_cast<std::int64_t>(bytes->size());
  entry.size = size;
  if (!topic.empty()) {
    entry.queue_key = queue_key(topic, queue_id);
    Queue& queue = queues_[entry.queue_key];
    if (queue.entries.empty()) {
      queue.base = queue_offset;
    } else if (queue.end() != queue_offset) {
      // Only a replicated record can get here: the master's queue was not where ours is.
      host_.logger().warn("queue ", topic, ":", queue_id, " jumps from offset ", queue.end(),
                          " to ", queue_offset, "; restarting it there");
      queue.entries.clear();
      queue.base = queue_offset;
    }
    queue.entries.push_back(QueueEntry{log_end_, tags_code, store_timestamp_ms});
    auto add_key = [&](std::string_view key) {
      if (key.empty()) return;
      std::string full = index_key(topic, key);
      index_[full].push_back(log_end_);
      entry.index_keys.push_back(std::move(full));
    };
    while (!keys.empty()) {  // KEYS is space-separated
      const std::size_t space = keys.find(' ');
      add_key(keys.substr(0, space));
      keys = space == std::string_view::npos ? std::string_view() : keys.substr(space + 1);
    }
    add_key(unique_key);
  }
  entry.bytes = std::move(bytes);
  log_.push_back(std::move(entry));
  log_end_ += size;
  log_bytes_ += size;
}

void MemoryMessageStore::add_filler_locked(std::int64_t size) {
  touch_segment_locked();
  auto header = std::make_shared<Buffer>(static_cast<std::size_t>(kFillerHeaderSize));
  record::put_u32(header->data(), static_cast<std::uint32_t>(size));
  record::put_u32(header->data() + record::kMagicOffset, record::kBlankMagic);
  LogEntry entry;
  entry.offset = log_end_;
  entry.size = size;
  entry.filler = true;
  entry.bytes = std::move(header);
  log_.push_back(std::move(entry));
  log_end_ += size;
  log_bytes_ += kFillerHeaderSize;
}

void MemoryMessageStore::touch_segment_locked() {
  const std::int64_t start = log_end_ - log_end_ % settings_.segment_size;
  if (segments_.empty() || segments_.back().start != start) segments_.push_back(Segment{start, 0});
  segments_.back().last_write_ms = host_.clock().now_ms();
}

void MemoryMessageStore::enforce_retention_locked() {
  // The newest record always stays, however large, so that an append can be read back.
  while (log_bytes_ > settings_.max_bytes && log_.size() > 1) drop_oldest_locked();
}

bool MemoryMessageStore::is_delete_hour(std::int64_t now_ms) const noexcept {
  const std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm local{};
  if (::localtime_r(&seconds, &local) == nullptr) return false;
  return std::find(delete_hours_.begin(), delete_hours_.end(), local.tm_hour) !=
         delete_hours_.end();
}

void MemoryMessageStore::expire_segments() noexcept {
  const std::int64_t now = host_.clock().now_ms();
  if (!is_delete_hour(now)) return;
  const std::int64_t reserved_ms = settings_.file_reserved_time_hours * 3600 * 1000;
  std::unique_lock lock(mu_);
  if (!running_) return;
  std::int64_t dropped = 0;
  // The last segment is the one being written: it never expires.
  while (segments_.size() > 1 && now - segments_.front().last_write_ms >= reserved_ms) {
    const std::int64_t end = segments_.front().start + settings_.segment_size;
    while (!log_.empty() && log_.front().offset < end) drop_oldest_locked();
    if (!segments_.empty() && segments_.front().start < end) segments_.pop_front();
    ++dropped;
  }
  if (dropped > 0) {
    host_.metrics().set("memory.bytes", log_bytes_);
    host_.logger().info("dropped ", dropped, " segment(s) older than fileReservedTime; the log ",
                        "now starts at physical offset ",
                        log_.empty() ? log_end_ : log_.front().offset);
  }
}

void MemoryMessageStore::drop_oldest_locked() {
  {
    LogEntry& oldest = log_.front();
    if (!oldest.queue_key.empty()) {
      auto queue = queues_.find(oldest.queue_key);
      if (queue != queues_.end() && !queue->second.entries.empty() &&
          queue->second.entries.front().physical_offset == oldest.offset) {
        queue->second.entries.pop_front();
        ++queue->second.base;
      }
    }
    for (const auto& key : oldest.index_keys) {
      auto it = index_.find(key);
      if (it == index_.end()) continue;
      if (!it->second.empty() && it->second.front() == oldest.offset) it->second.pop_front();
      if (it->second.empty()) index_.erase(it);
    }
    log_bytes_ -= static_cast<std::int64_t>(oldest.bytes->size());
    log_.pop_front();
  }
  const std::int64_t log_min = log_.empty() ? log_end_ : log_.front().offset;
  while (segments_.size() > 1 && segments_[1].start <= log_min) segments_.pop_front();
}

const MemoryMessageStore::LogEntry* MemoryMessageStore::find_locked(
    std::int64_t offset) const noexcept {
  auto it =
      std::lower_bound(log_.begin(), log_.end(), offset,
                       [](const LogEntry& e, std::int64_t value) { return e.offset < value; });
  return it != log_.end() && it->offset == offset ? &*it : nullptr;
}

const MemoryMessageStore::Queue* MemoryMessageStore::find_queue_locked(
    std::string_view topic, std::int32_t queue_id) const {
  auto it = queues_.find(queue_key(topic, queue_id));
  return it == queues_.end() ? nullptr : &it->second;
}

mq::sdk::QueueReadResult MemoryMessageStore::read_queue(std::string_view topic,
                                                        std::int32_t queue_id, QueueOffset offset,
                                                        std::int32_t max_messages,
                                                        std::int64_t max_bytes,
                                                        const mq::sdk::TagFilter& filter) noexcept {
  mq::sdk::QueueReadResult result;
  try {
    std::shared_lock lock(mu_);
    const Queue* queue = find_queue_locked(topic, queue_id);
    if (queue == nullptr) {
      result.status = ReadStatus::kNoMatchedLogicQueue;
      result.next_offset = offset;
      return result;
    }
    const std::int64_t min = queue->base;
    const std::int64_t max = queue->end();
    const std::int64_t off = offset.value();
    result.min_offset = QueueOffset(min);
    result.max_offset = QueueOffset(max);
    if (max == 0) {
      result.status = ReadStatus::kNoMessageInQueue;
      result.next_offset = QueueOffset(0);
      return result;
    }
    if (off < min) {
      result.status = ReadStatus::kOffsetTooSmall;
      result.next_offset = QueueOffset(min);
      return result;
    }
    if (off >= max) {
      result.status =
          off == max ? ReadStatus::kOffsetOverflowOne : ReadStatus::kOffsetOverflowBadly;
      result.next_offset = QueueOffset(max);
      return result;
    }
    const std::int64_t wanted = std::max<std::int32_t>(1, max_messages);
    const std::int64_t scan_limit = std::max(wanted, kMaxScannedEntries);
    auto pinned = std::make_shared<std::vector<std::shared_ptr<const Buffer>>>();
    std::int64_t scanned = 0;
    std::int64_t bytes = 0;
    std::int64_t missing = 0;
    while (scanned < scan_limit && off + scanned < max) {
      const QueueEntry& entry = queue->entries[static_cast<std::size_t>(off + scanned - min)];
      ++scanned;
      if (!filter.matches(entry.tags_code)) continue;
      const LogEntry* log_entry = find_locked(entry.physical_offset);
      if (log_entry == nullptr) {
        ++missing;
        continue;
      }
      pinned->push_back(log_entry->bytes);
      result.records.emplace_back(log_entry->bytes->data(), log_entry->bytes->size());
      bytes += static_cast<std::int64_t>(log_entry->bytes->size());
      if (static_cast<std::int64_t>(result.records.size()) >= wanted || bytes >= max_bytes) break;
    }
    result.next_offset = QueueOffset(off + scanned);
    if (!result.records.empty()) {
      result.status = ReadStatus::kFound;
      result.keepalive = std::move(pinned);
    } else {
      result.status = missing > 0 ? ReadStatus::kOffsetFoundNull : ReadStatus::kNoMatchedMessage;
    }
    return result;
  } catch (const std::exception& e) {
    host_.logger().error("read_queue failed: ", e.what());
    result = mq::sdk::QueueReadResult{};
    result.status = ReadStatus::kNoMatchedMessage;
    result.next_offset = offset;
    return result;
  }
}

QueueOffset MemoryMessageStore::min_offset(std::string_view topic, std::int32_t queue_id) noexcept {
  try {
    std::shared_lock lock(mu_);
    const Queue* queue = find_queue_locked(topic, queue_id);
    return QueueOffset(queue ? queue->base : 0);
  } catch (...) {
    return QueueOffset(0);
  }
}

QueueOffset MemoryMessageStore::max_offset(std::string_view topic, std::int32_t queue_id) noexcept {
  try {
    std::shared_lock lock(mu_);
    const Queue* queue = find_queue_locked(topic, queue_id);
    return QueueOffset(queue ? queue->end() : 0);
  } catch (...) {
    return QueueOffset(0);
  }
}

QueueOffset MemoryMessageStore::offset_by_time(std::string_view topic, std::int32_t queue_id,
                                               std::int64_t timestamp_ms) noexcept {
  try {
    std::shared_lock lock(mu_);
    const Queue* queue = find_queue_locked(topic, queue_id);
    if (queue == nullptr || queue->entries.empty()) return QueueOffset(queue ? queue->base : 0);
    const auto& entries = queue->entries;
    // Store times never decrease along a queue, so binary search for the first entry at or
    // after `timestamp_ms`, then pick the nearer of it and its predecessor (ties: the later).
    auto it = std::lower_bound(
        entries.begin(), entries.end(), timestamp_ms,
        [](const QueueEntry& e, std::int64_t t) { return e.store_timestamp_ms < t; });
    std::int64_t index = it - entries.begin();
    if (it == entries.end()) {
      index = static_cast<std::int64_t>(entries.size()) - 1;
    } else if (it != entries.begin() && it->store_timestamp_ms != timestamp_ms) {
      const std::int64_t below = timestamp_ms - std::prev(it)->store_timestamp_ms;
      const std::int64_t above = it->store_timestamp_ms - timestamp_ms;
      if (below < above) --index;
    }
    return QueueOffset(queue->base + index);
  } catch (...) {
    return QueueOffset(0);
  }
}

std::int64_t MemoryMessageStore::store_time(std::string_view topic, std::int32_t queue_id,
                                            QueueOffset offset) noexcept {
  try {
    std::shared_lock lock(mu_);
    const Queue* queue = find_queue_locked(topic, queue_id);
    if (queue == nullptr || offset.value() < queue->base || offset.value() >= queue->end()) {
      return -1;
    }
    return queue->entries[static_cast<std::size_t>(offset.value() - queue->base)]
        .store_timestamp_ms;
  } catch (...) {
    return -1;
  }
}

mq::sdk::Result<mq::sdk::MessageStore::RecordView> MemoryMessageStore::read_at(
    PhysicalOffset offset) noexcept {
  try {
    std::shared_lock lock(mu_);
    const LogEntry* entry = find_locked(offset.value());
    if (entry == nullptr || entry->filler) {
      return Status(StatusCode::kNotFound,
                    entry == nullptr
                        ? "no record starts at physical offset " + std::to_string(offset.value())
                        : "physical offset " + std::to_string(offset.value()) +
                              " is a segment filler, not a message");
    }
    return RecordView{mq::sdk::ByteView(entry->bytes->data(), entry->bytes->size()), entry->bytes};
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in read_at");
  }
}

mq::sdk::Result<std::vector<mq::sdk::MessageStore::RecordView>> MemoryMessageStore::lookup_by_key(
    std::string_view topic, std::string_view key, std::int32_t max, std::int64_t begin_ms,
    std::int64_t end_ms) noexcept {
  try {
    std::vector<RecordView> out;
    std::shared_lock lock(mu_);
    auto it = index_.find(index_key(topic, key));
    if (it == index_.end()) return out;
    // Newest first, as a query by key usually wants the latest.
    for (auto offset = it->second.rbegin();
         offset != it->second.rend() && static_cast<std::int32_t>(out.size()) < max; ++offset) {
      const LogEntry* entry = find_locked(*offset);
      if (entry == nullptr) continue;
      const std::int64_t stored_at = stored_time_of(*entry->bytes);
      if (stored_at < begin_ms || stored_at > end_ms) continue;
      out.push_back(
          RecordView{mq::sdk::ByteView(entry->bytes->data(), entry->bytes->size()), entry->bytes});
    }
    return out;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in lookup_by_key");
  }
}

Status MemoryMessageStore::delete_topic(std::string_view topic) noexcept {
  try {
    std::unique_lock lock(mu_);
    const std::string prefix = std::string(topic) + '\n';
    auto it = queues_.lower_bound(prefix);
    while (it != queues_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
      it = queues_.erase(it);
    }
    return Status::ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in delete_topic");
  }
}

PhysicalOffset MemoryMessageStore::log_end() const noexcept {
  std::shared_lock lock(mu_);
  return PhysicalOffset(log_end_);
}

PhysicalOffset MemoryMessageStore::durable_end() const noexcept {
  return log_end();  // memory is as durable as this store gets
}

mq::sdk::Result<mq::sdk::MessageStore::RecordView> MemoryMessageStore::read_log(
    PhysicalOffset from, std::int64_t max_bytes) noexcept {
  try {
    std::shared_lock lock(mu_);
    if (from.value() == log_end_) return RecordView{};  // caught up
    const std::int64_t log_min = log_.empty() ? log_end_ : log_.front().offset;
    if (from.value() < log_min) {
      return Status(StatusCode::kNotFound, "physical offset " + std::to_string(from.value()) +
                                               " was dropped by retention (log starts at " +
                                               std::to_string(log_min) + ")");
    }
    auto first =
        std::lower_bound(log_.begin(), log_.end(), from.value(),
                         [](const LogEntry& e, std::int64_t value) { return e.offset < value; });
    if (first == log_.end() || first->offset != from.value()) {
      return Status(
          StatusCode::kInvalidArgument,
          "physical offset " + std::to_string(from.value()) + " is not the start of a record");
    }
    // Whole entries of `from`'s segment (a filler ends it), at least one, up to max_bytes.
    const std::int64_t segment_end =
        from.value() - from.value() % settings_.segment_size + settings_.segment_size;
    std::int64_t total = 0;
    auto last = first;
    while (last != log_.end() && last->offset < segment_end &&
           (last == first || total + last->size <= max_bytes)) {
      total += last->size;
      ++last;
    }
    auto joined = std::make_shared<Buffer>();
    joined->reserve(static_cast<std::size_t>(total));
    for (auto it = first; it != last; ++it) {
      joined->insert(joined->end(), it->bytes->begin(), it->bytes->end());
      // A filler's bytes after its header are zeros, as in a disk store's file.
      joined->resize(joined->size() + static_cast<std::size_t>(it->size) - it->bytes->size(), 0);
    }
    return RecordView{mq::sdk::ByteView(joined->data(), joined->size()), joined};
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in read_log");
  }
}

Status MemoryMessageStore::apply_replicated(PhysicalOffset at, mq::sdk::ByteView records) noexcept {
  try {
    std::unique_lock lock(mu_);
    if (log_.empty()) {
      log_end_ = at.value();  // an empty slave starts wherever the master's bytes start
    } else if (at.value() != log_end_) {
      return Status(StatusCode::kInvalidArgument,
                    "replicated bytes at " + std::to_string(at.value()) + " but the log ends at " +
                        std::to_string(log_end_));
    }
    Status status;
    while (!records.empty()) {
      record::StoredRecord r;
      const auto decoded = record::decode_record(records, &r, /*verify_crc=*/true);
      const bool blank = decoded == record::DecodeStatus::kBlank;
      // The master cuts its log into segments of the same size: a filler ends a segment
      // exactly, a record leaves room for one.
      const std::int64_t remaining = settings_.segment_size - log_end_ % settings_.segment_size;
      if ((decoded != record::DecodeStatus::kOk && !blank) ||
          static_cast<std::size_t>(r.total_size) > records.size() ||
          (blank && r.total_size != remaining) ||
          (!blank &&
           (r.physical_offset != log_end_ || r.total_size + kFillerHeaderSize > remaining))) {
        status = Status(StatusCode::kCorruption,
                        "bad or misplaced replicated record at physical offset " +
                            std::to_string(log_end_) + " (segments of " +
                            std::to_string(settings_.segment_size) + " bytes)");
        break;
      }
      const auto size = static_cast<std::size_t>(r.total_size);
      if (blank) {
        add_filler_locked(r.total_size);
      } else {
        auto bytes = std::make_shared<Buffer>(records.begin(), records.begin() + size);
        const auto tags = record::find_property(r.properties, "TAGS");
        const auto keys = record::find_property(r.properties, "KEYS");
        const auto unique_key = record::find_property(r.properties, "UNIQ_KEY");
        last_store_ms_ = std::max(last_store_ms_, r.store_timestamp_ms);
        // Views into `r` point at `records`, which stays valid for this call.
        add_locked(std::move(bytes), r.topic, r.queue_id, r.queue_offset,
                   tags ? record::tags_code(*tags) : 0, r.store_timestamp_ms,
                   keys.value_or(std::string_view()), unique_key.value_or(std::string_view()));
      }
      records = records.subspan(size);
    }
    enforce_retention_locked();
    host_.metrics().set("memory.bytes", log_bytes_);
    return status;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory while applying replicated data");
  }
}

}  // namespace memory_store
