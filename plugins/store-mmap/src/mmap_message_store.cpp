#include "mmap_message_store.h"

#include "abort_file.h"
#include "record_format.h"
#include "recovery.h"
#include "store_checkpoint.h"

#include "mq/sdk/stored_record.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <vector>

namespace mq::store_mmap {

namespace fs = std::filesystem;
namespace record = sdk::record;
using sdk::Status;
using sdk::StatusCode;

namespace {

std::string or_default(const std::string& value, const std::string& root, const char* leaf) {
  if (!value.empty()) return value;
  return (fs::path(root.empty() ? "." : root) / leaf).string();
}

// Consume-queue file size rounded down to whole entries (at least one).
std::int64_t queue_file_size(std::int64_t configured) {
  const auto entry = static_cast<std::int64_t>(kConsumeQueueEntrySize);
  return std::max(entry, configured / entry * entry);
}

std::int32_t clamp_to_int32(std::int64_t value) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(value, 1, 0x7FFFFFFF));
}

// Whether `topic` can name a directory: not empty, no '/', not "." or "..".
bool is_safe_topic(std::string_view topic) {
  return !topic.empty() && topic != "." && topic != ".." &&
         topic.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

// The keepalive of a read: every mapped file its views point into.
using FileSet = std::vector<std::shared_ptr<MappedFile>>;

}  // namespace

MmapMessageStore::MmapMessageStore(sdk::HostServices& host, Settings settings)
    : host_(host),
      settings_(std::move(settings)),
      retention_(settings_.options.delete_when, settings_.options.file_reserved_time_hours,
                 settings_.options.disk_max_used_space_ratio),
      commit_log_dir_(or_default(settings_.options.store_path_commit_log,
                                 settings_.options.store_path_root_dir, "commitlog")),
      consume_queue_dir_(or_default(settings_.options.store_path_consume_queue,
                                    settings_.options.store_path_root_dir, "consumequeue")),
      index_dir_(or_default(settings_.options.store_path_index,
                            settings_.options.store_path_root_dir, "index")),
      checkpoint_path_(or_default(settings_.options.store_checkpoint,
                                  settings_.options.store_path_root_dir, "checkpoint")),
      abort_path_(
          or_default(settings_.options.abort_file, settings_.options.store_path_root_dir, "abort")),
      commit_log_(commit_log_dir_, settings_.options.mapped_file_size_commit_log,
                  settings_.warm_mapped_files),
      index_(index_dir_, clamp_to_int32(settings_.options.max_hash_slot_num),
             clamp_to_int32(settings_.options.max_index_num)) {}

MmapMessageStore::~MmapMessageStore() {
  stop();
  stop_commit_thread();  // a start() that failed after starting it
}

// ---- lifecycle ---------------------------------------------------------------------------------

Status MmapMessageStore::start() noexcept {
  std::lock_guard lock(append_mu_);
  if (started_) return Status::ok();
  if (stopped_) return Status(StatusCode::kUnavailable, "store-mmap cannot restart after stop()");
  try {
    sdk::Logger& log = host_.logger();
    if (settings_.options.mapped_file_size_commit_log < 4096) {
      return Status(StatusCode::kInvalidArgument, "mappedFileSizeCommitLog must be >= 4096");
    }
    std::error_code error;
    for (const auto* dir : {&commit_log_dir_, &consume_queue_dir_, &index_dir_}) {
      fs::create_directories(*dir, error);
      if (error) {
        return Status(StatusCode::kIoError, "cannot create " + *dir + ": " + error.message());
      }
    }
    for (const auto* file : {&checkpoint_path_, &abort_path_}) {
      const fs::path parent = fs::path(*file).parent_path();
      if (!parent.empty()) fs::create_directories(parent, error);
    }
    recovery_ = RecoveryReportView{};
    recovery_.after_crash = fs::exists(abort_path_, error);
    recovery_.same_boot = recovery_.after_crash && abort_file::written_this_boot(abort_path_);

    auto status = commit_log_.load();
    if (!status) return status;
    status = load_consume_queues();
    if (!status) return status;
    std::vector<std::string> dropped;
    status = index_.load(&dropped);
    if (!status) return status;
    for (const auto& message : dropped) log.warn("dropped an unreadable index file: ", message);

    StoreCheckpoint saved;
    if (!StoreCheckpoint::read(checkpoint_path_, &saved) && !commit_log_.files().empty()) {
      log.warn("no valid checkpoint at ", checkpoint_path_, "; re-reading the whole commit log");
    }
    std::int64_t recover_from = saved.safe_offset();
    if (recovery_.same_boot) {
      // Only the process died: the index holds every key it was given up to its own end
      // offset (written after each key), whatever its last sync covered.
      recover_from = std::min({saved.log_flushed, saved.queues_flushed,
                               std::max(saved.index_flushed, index_.end_offset())});
    }
    auto report = recover_commit_log(
        commit_log_, recover_from, [this](const record::StoredRecord& stored, std::int64_t offset) {
          auto dispatched = dispatch_stored(stored, offset);
          if (!dispatched) {
            host_.logger().error("recovery could not dispatch the record at ", offset, ": ",
                                 dispatched.to_string());
          }
        });
    if (!report.ok()) return report.status();
    const std::int64_t end = report->log_end;
    recovery_.scanned_from = report->scanned_from;
    recovery_.log_end = end;
    recovery_.records = report->records;
    recovery_.dropped_bytes = report->dropped_bytes;
    const std::int64_t log_min = commit_log_.min_offset();
    for (const auto& queue : all_queues()) {
      status = queue->truncate_after(end);
      if (!status) return status;
      queue->correct_min_offset(log_min);
    }
    index_.clamp_end_offset(end);
    dispatched_end_.store(end);
    if (recovery_.after_crash || report->dropped_bytes > 0) {
      log.warn("recovered the commit log after ", recovery_.after_crash ? "a crash" : "a stop",
               ": re-read ", report->records, " records from offset ", report->scanned_from,
               ", log ends at ", end, ", cut a torn tail of ", report->dropped_bytes, " bytes");
    } else {
      log.info("commit log opened at end offset ", end);
    }
    status = checkpoint(true);
    if (!status) return status;

    bool boot_id_written = false;
    status = abort_file::create(abort_path_, &boot_id_written);
    if (!status) return status;
    if (!boot_id_written) {
      host_.logger().warn("no boot id in ", abort_path_,
                          "; a crash will re-index from the last index sync");
    }

    check_disk();
    const auto& options = settings_.options;
    GroupCommitter::Options flush_options;
    flush_options.sync_flush = options.flush_disk_type == sdk::FlushDiskType::kSyncFlush;
    flush_options.sync_flush_timeout_ms = options.sync_flush_timeout_ms;
    flush_options.interval_ms = std::max<std::int64_t>(
        1, flush_options.sync_flush ? 10 : options.flush_interval_commit_log_ms);
    flush_options.least_bytes = options.flush_commit_log_least_pages * 4096;
    flush_options.thorough_interval_ms = options.flush_commit_log_thorough_interval_ms;
    committer_ = std::make_unique<GroupCommitter>(
        flush_options, [this] { return commit_log_.files().flush(); },
        [this] { return commit_log_.files().dirty_bytes(); }, end, host_.clock(), host_.metrics(),
        host_.logger());
    committer_->start();
    commit_log_.start_preparing();
    {
      std::lock_guard wake_lock(commit_wake_mu_);
      commit_stop_ = false;
    }
    try {
      commit_thread_ = std::thread([this] { commit_loop(); });
      commit_thread_running_.store(true, std::memory_order_release);
    } catch (const std::exception& e) {
      host_.logger().warn("store-mmap: no commit thread (", e.what(),
                          "); every append writes its own records");
    }
    housekeeping_stop_ = false;
    housekeeping_thread_ = std::thread([this] { housekeeping_loop(); });
    started_ = true;
    serving_.store(true, std::memory_order_release);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("store-mmap start failed: ") + e.what());
  }
}

void MmapMessageStore::stop() noexcept {
  {
    std::lock_guard lock(append_mu_);
    if (stopped_) return;
    stopped_ = true;
    serving_.store(false, std::memory_order_release);
    if (!started_) return;
  }
  {
    std::lock_guard lock(housekeeping_mu_);
    housekeeping_stop_ = true;
  }
  housekeeping_wake_.notify_all();
  if (housekeeping_thread_.joinable()) housekeeping_thread_.join();
  stop_commit_thread();
  commit_staged();  // appends staged before the stop are written and completed
  commit_log_.stop_preparing();
  if (committer_) committer_->stop();
  auto status = commit_log_.files().flush();
  Status saved = status.ok() ? checkpoint(true) : status.status();
  if (saved && !(committer_ && committer_->failed())) {
    std::error_code error;
    fs::remove(abort_path_, error);
  } else {
    host_.logger().error("store-mmap stopped without a clean checkpoint: ", saved.to_string());
  }
}

// ---- appends -----------------------------------------------------------------------------------

void MmapMessageStore::append(const sdk::MessageToAppend& message,
                              sdk::AppendCallback done) noexcept {
  append_messages(std::span<const sdk::MessageToAppend>(&message, 1), done, false);
}

void MmapMessageStore::append_batch(const std::vector<sdk::MessageToAppend>& messages,
                                    sdk::AppendCallback done) noexcept {
  append_messages(std::span<const sdk::MessageToAppend>(messages), done, false);
}

void MmapMessageStore::append_deferred(const sdk::MessageToAppend& message,
                                       sdk::AppendCallback done) noexcept {
  append_messages(std::span<const sdk::MessageToAppend>(&message, 1), done, true);
}

void MmapMessageStore::append_batch_deferred(const std::vector<sdk::MessageToAppend>& messages,
                                             sdk::AppendCallback done) noexcept {
  append_messages(std::span<const sdk::MessageToAppend>(messages), done, true);
}

Status MmapMessageStore::validate(std::span<const sdk::MessageToAppend> messages,
                                  std::int64_t* total_bytes) const {
  if (messages.empty()) return Status(StatusCode::kInvalidArgument, "empty batch");
  *total_bytes = 0;
  for (const auto& message : messages) {
    if (message.topic != messages.front().topic || message.queue_id != messages.front().queue_id) {
      return Status(StatusCode::kInvalidArgument, "a batch must go to one topic and queue");
    }
    if (!is_safe_topic(message.topic) || message.topic.size() > record::kMaxTopicLength) {
      return Status(StatusCode::kMessageIllegal,
                    "topic must be 1..127 bytes without '/': " + std::string(message.topic));
    }
    if (message.queue_id < 0) return Status(StatusCode::kMessageIllegal, "negative queue id");
    if (message.properties.size() > record::kMaxPropertiesLength) {
      return Status(StatusCode::kMessageIllegal, "properties longer than 32767 bytes");
    }
    const std::int32_t sys_flag =
        (message.sys_flag & ~(record::kSysFlagBornHostV6 | record::kSysFlagStoreHostV6)) |
        (message.born_host.ip_length == 16 ? record::kSysFlagBornHostV6 : 0) |
        (message.store_host.ip_length == 16 ? record::kSysFlagStoreHostV6 : 0);
    const auto size = static_cast<std::int64_t>(record::encoded_size(
        sys_flag, message.body.size(), message.topic.size(), message.properties.size()));
    if (size > settings_.options.max_message_size) {
      return Status(StatusCode::kMessageIllegal,
                    "record of " + std::to_string(size) + " bytes exceeds maxMessageSize " +
                        std::to_string(settings_.options.max_message_size));
    }
    *total_bytes += size;
  }
  if (*total_bytes + kFillerMinSize > commit_log_.file_size()) {
    return Status(StatusCode::kMessageIllegal,
                  std::to_string(*total_bytes) +
                      " bytes do not fit in one commit-log file (mappedFileSizeCommitLog)");
  }
  return Status::ok();
}

void MmapMessageStore::append_messages(std::span<const sdk::MessageToAppend> messages,
                                       sdk::AppendCallback& done, bool defer) noexcept {
  sdk::AppendResult result;
  Status status;
  try {
    std::int64_t total = 0;
    if (!serving_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kUnavailable, "store-mmap is not started or is stopped");
    } else if (disk_full_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kDiskFull,
                      "disk above diskMaxUsedSpaceRatio " +
                          std::to_string(settings_.options.disk_max_used_space_ratio) +
                          "%: appends refused until space is freed");
    } else if (write_failed_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kIoError,
                      "an earlier commit-log write failed; restart the broker to recover");
    } else if (committer_->failed()) {
      status = Status(StatusCode::kIoError,
                      "an earlier commit-log sync failed; restart the broker to recover");
    } else {
      status = validate(messages, &total);
    }
    // Set when this append is to write the staged records itself.
    bool write_now = false;
    for (int attempt = 0; status && attempt < 3; ++attempt) {
      bool write_first = false;
      {
        std::lock_guard lock(append_mu_);
        if (!serving_.load(std::memory_order_acquire)) {
          status = Status(StatusCode::kUnavailable, "store-mmap is stopped");
          break;
        }
        const auto& first = messages.front();
        auto queue = queue_for_write(first.topic, first.queue_id);
        if (!queue.ok()) {
          status = queue.status();
          break;
        }
        // Room for the push below, so it cannot fail; grown geometrically, not per append.
        if (pending_.size() == pending_.capacity()) {
          pending_.reserve(std::max<std::size_t>(16, 2 * pending_.size()));
        }
        auto slot = commit_log_.reserve(total, &write_first);
        if (write_first) {
          // A new commit-log file starts: what is staged goes first (below), then try again.
        } else if (!slot.ok()) {
          status = slot.status();
          break;
        } else {
          const std::int64_t now = host_.clock().now_ms();
          const std::int64_t first_queue_offset = queue.value()->max_offset();
          std::int64_t position = 0;
          std::vector<std::pair<record::StoredRecord, std::int64_t>> written;
          written.reserve(messages.size());
          for (std::size_t i = 0; i < messages.size(); ++i) {
            const auto& message = messages[i];
            record::StoredRecord stored;
            stored.queue_id = message.queue_id;
            stored.flag = message.flag;
            stored.queue_offset = first_queue_offset + static_cast<std::int64_t>(i);
            stored.physical_offset = slot->offset + position;
            stored.sys_flag = message.sys_flag;
            stored.born_timestamp_ms = message.born_timestamp_ms;
            stored.born_host = message.born_host;
            stored.store_timestamp_ms = now;
            stored.store_host = message.store_host;
            stored.reconsume_times = message.reconsume_times;
            stored.prepared_transaction_offset = message.prepared_transaction_offset;
            stored.body = message.body;
            stored.topic = message.topic;
            stored.properties = message.properties;
            const std::size_t size = record::encode_record(
                stored, std::span<std::uint8_t>(slot->data + position,
                                                static_cast<std::size_t>(total - position)));
            stored.total_size = static_cast<std::int32_t>(size);
            written.emplace_back(stored, slot->offset + position);
            position += static_cast<std::int64_t>(size);
          }
          commit_log_.stage(slot.value(), total);
          staged_end_.store(slot->offset + total, std::memory_order_release);
          for (std::size_t i = 0; i < messages.size(); ++i) {
            auto dispatched = dispatch(written[i].first, written[i].second, messages[i].tags_code,
                                       messages[i].keys, messages[i].unique_key);
            if (!dispatched) {
              host_.logger().error("dispatch of the record at ", written[i].second,
                                   " failed: ", dispatched.to_string());
            }
          }
          dispatched_end_.store(slot->offset + total, std::memory_order_release);
          result.physical_offset = sdk::PhysicalOffset(slot->offset);
          result.bytes = static_cast<std::int32_t>(total);
          result.queue_offset = sdk::QueueOffset(first_queue_offset);
          result.message_count = static_cast<std::int32_t>(messages.size());
          result.store_timestamp_ms = now;

          pending_.push_back(PendingAppend{std::move(done), result});
          pending_waiting_.store(true, std::memory_order_release);
          write_now = !defer || commit_log_.staged_bytes() >= kStagedBytesLimit ||
                      !commit_thread_running_.load(std::memory_order_acquire);
        }
      }
      if (!write_first) break;
      commit_staged();
      if (attempt == 2) {
        status = Status(StatusCode::kUnavailable,
                        "the commit log is busy starting a new file; send again");
      }
    }
    if (status && write_now) commit_staged();
  } catch (const std::bad_alloc&) {
    status = Status(StatusCode::kResourceExhausted, "out of memory while appending");
  } catch (const std::exception& e) {
    status = Status(StatusCode::kInternal, std::string("append failed: ") + e.what());
  }
  if (!status) {
    if (done) done(status, sdk::AppendResult{});  // nothing was stored
    return;
  }
  host_.metrics().add("store.append.messages", result.message_count);
  host_.metrics().add("store.append.bytes", result.bytes);
}

void MmapMessageStore::complete(PendingAppend& append, const Status& written) noexcept {
  if (!written) {
    append.done(written, sdk::AppendResult{});
    return;
  }
  if (settings_.options.flush_disk_type == sdk::FlushDiskType::kSyncFlush) {
    const std::int64_t end = append.result.physical_offset.value() + append.result.bytes;
    GroupCommitter::Completion completion;
    try {
      completion = [done = std::move(append.done), result = append.result](const Status& flushed) {
        done(flushed, result);
      };
    } catch (...) {
      append.done(Status(StatusCode::kFlushDiskTimeout, "out of memory while waiting for the sync"),
                  append.result);
      return;
    }
    committer_->wait_durable(end, std::move(completion));
    return;
  }
  append.done(Status::ok(), append.result);
}

void MmapMessageStore::commit_staged() noexcept {
  std::vector<PendingAppend> completing;
  Status written;
  {
    std::lock_guard commit(commit_mu_);
    {
      std::lock_guard lock(append_mu_);
      if (pending_.empty()) return;  // every staged record has its pending append
      commit_log_.take_staged(in_flight_);
      completing.swap(pending_);
      pending_waiting_.store(false, std::memory_order_release);
    }
    if (write_failed_.load(std::memory_order_acquire)) {
      written = Status(StatusCode::kIoError,
                       "an earlier commit-log write failed; restart the broker to recover");
    } else {
      written = CommitLog::write_staged(in_flight_);
      if (!written) {
        write_failed_.store(true, std::memory_order_release);
        host_.logger().error("commit-log write failed: ", written.to_string(),
                             "; appends are refused until the broker restarts and recovers");
      }
    }
    in_flight_.clear();
  }
  for (auto& append : completing) complete(append, written);
}

void MmapMessageStore::commit_loop() noexcept {
  std::unique_lock lock(commit_wake_mu_);
  while (!commit_stop_) {
    // A backstop: deferred appends are normally completed by complete_deferred() within
    // microseconds; this writes any that a caller left waiting.
    commit_wake_.wait_for(lock, std::chrono::milliseconds(kBackstopMs),
                          [this] { return commit_stop_; });
    if (commit_stop_) break;
    lock.unlock();
    commit_staged();
    lock.lock();
  }
}

void MmapMessageStore::stop_commit_thread() noexcept {
  {
    std::lock_guard lock(commit_wake_mu_);
    commit_stop_ = true;
  }
  commit_wake_.notify_all();
  if (commit_thread_.joinable()) commit_thread_.join();
  commit_thread_running_.store(false, std::memory_order_release);
}

sdk::Result<std::shared_ptr<ConsumeQueue>> MmapMessageStore::queue_for_write(
    std::string_view topic, std::int32_t queue_id) {
  if (auto found = find_queue(topic, queue_id)) return found;
  std::unique_lock lock(queues_mu_);
  auto& by_id = queues_[std::string(topic)];
  auto& slot = by_id[queue_id];
  if (!slot) {
    const std::string dir =
        (fs::path(consume_queue_dir_) / std::string(topic) / std::to_string(queue_id)).string();
    slot = std::make_shared<ConsumeQueue>(
        std::string(topic), queue_id, dir,
        queue_file_size(settings_.options.mapped_file_size_consume_queue));
  }
  return slot;
}

std::shared_ptr<ConsumeQueue> MmapMessageStore::find_queue(std::string_view topic,
                                                           std::int32_t queue_id) const {
  std::shared_lock lock(queues_mu_);
  auto by_topic = queues_.find(topic);
  if (by_topic == queues_.end()) return nullptr;
  auto by_id = by_topic->second.find(queue_id);
  return by_id == by_topic->second.end() ? nullptr : by_id->second;
}

std::vector<std::shared_ptr<ConsumeQueue>> MmapMessageStore::all_queues() const {
  std::vector<std::shared_ptr<ConsumeQueue>> out;
  std::shared_lock lock(queues_mu_);
  for (const auto& [topic, by_id] : queues_) {
    for (const auto& [id, queue] : by_id) out.push_back(queue);
  }
  return out;
}

Status MmapMessageStore::dispatch(const record::StoredRecord& stored, std::int64_t physical_offset,
                                  std::int64_t tags_code, std::string_view keys,
                                  std::string_view unique_key) {
  auto queue = queue_for_write(stored.topic, stored.queue_id);
  if (!queue.ok()) return queue.status();
  bool gap = false;
  auto status =
      queue.value()->put(stored.queue_offset, physical_offset, stored.total_size, tags_code, &gap);
  if (!status) return status;
  if (gap) {
    host_.logger().warn("consume queue ", stored.topic, "/", stored.queue_id,
                        " had a gap before offset ", stored.queue_offset, "; filled with blanks");
  }
  if (settings_.options.message_index_enable && (!keys.empty() || !unique_key.empty())) {
    status = index_.add(stored.topic, keys, unique_key, physical_offset, stored.total_size,
                        stored.store_timestamp_ms);
    if (!status) return status;
  }
  return Status::ok();
}

Status MmapMessageStore::dispatch_stored(const record::StoredRecord& stored,
                                         std::int64_t physical_offset) {
  const auto tags = record::find_property(stored.properties, "TAGS");
  const auto keys = record::find_property(stored.properties, "KEYS");
  const auto unique_key = record::find_property(stored.properties, "UNIQ_KEY");
  auto status =
      dispatch(stored, physical_offset, tags ? record::tags_code(*tags) : 0,
               keys.value_or(std::string_view()), unique_key.value_or(std::string_view()));
  dispatched_end_.store(physical_offset + stored.total_size, std::memory_order_release);
  return status;
}

Status MmapMessageStore::load_consume_queues() {
  std::error_code error;
  std::unique_lock lock(queues_mu_);
  queues_.clear();
  for (const auto& topic_dir : fs::directory_iterator(consume_queue_dir_, error)) {
    if (!topic_dir.is_directory()) continue;
    const std::string topic = topic_dir.path().filename().string();
    for (const auto& queue_dir : fs::directory_iterator(topic_dir.path(), error)) {
      const std::string name = queue_dir.path().filename().string();
      if (!queue_dir.is_directory() || name.empty() || name.size() > 9 ||
          !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        continue;
      }
      const auto queue_id = static_cast<std::int32_t>(std::stol(name));
      auto queue = std::make_shared<ConsumeQueue>(
          topic, queue_id, queue_dir.path().string(),
          queue_file_size(settings_.options.mapped_file_size_consume_queue));
      auto status = queue->load();
      if (!status) return status;
      queues_[topic][queue_id] = std::move(queue);
    }
  }
  if (error) {
    return Status(StatusCode::kIoError,
                  "cannot list " + consume_queue_dir_ + ": " + error.message());
  }
  return Status::ok();
}

// ---- reads -------------------------------------------------------------------------------------

sdk::QueueReadResult MmapMessageStore::read_queue(std::string_view topic, std::int32_t queue_id,
                                                  sdk::QueueOffset offset,
                                                  std::int32_t max_messages, std::int64_t max_bytes,
                                                  const sdk::TagFilter& filter) noexcept {
  using sdk::ReadStatus;
  sdk::QueueReadResult result;
  try {
    auto queue = find_queue(topic, queue_id);
    if (!queue) {
      result.status = ReadStatus::kNoMatchedLogicQueue;
      return result;
    }
    const std::int64_t min = queue->min_offset();
    const std::int64_t max = queue->max_offset();
    // After loading `max`: an entry below it whose record is still staged (appended on another
    // thread a moment ago) is written now, not skipped as deleted below.
    make_readable();
    const std::int64_t off = offset.value();
    result.min_offset = sdk::QueueOffset(min);
    result.max_offset = sdk::QueueOffset(max);
    if (max == 0) {
      result.status = ReadStatus::kNoMessageInQueue;
      result.next_offset = sdk::QueueOffset(0);
      return result;
    }
    if (off < min) {
      result.status = ReadStatus::kOffsetTooSmall;
      result.next_offset = sdk::QueueOffset(min);
      return result;
    }
    if (off == max) {
      result.status = ReadStatus::kOffsetOverflowOne;
      result.next_offset = sdk::QueueOffset(off);
      return result;
    }
    if (off > max) {
      result.status = ReadStatus::kOffsetOverflowBadly;
      result.next_offset = sdk::QueueOffset(max);
      return result;
    }
    // Scan at most 16000 bytes of entries (RocketMQ's maxFilterMessageCount) beyond what the
    // caller asked for, so a selective filter cannot make one read walk a whole queue.
    const std::int64_t wanted = std::max<std::int32_t>(1, max_messages);
    const std::int64_t scan_limit = std::max<std::int64_t>(wanted, 16000 / 20);
    const std::int64_t log_min = commit_log_.min_offset();
    auto files = std::make_shared<FileSet>();
    std::int64_t scanned = 0;
    std::int64_t bytes = 0;
    std::int64_t deleted = 0;
    bool done = false;
    while (!done && scanned < scan_limit && off + scanned < max) {
      // Never past `max`: entries dispatched after make_readable() above may point at records
      // still staged, which must not be skipped as deleted.
      auto run = queue->read(off + scanned, std::min(scan_limit - scanned, max - off - scanned));
      if (run.count == 0) break;
      for (std::int64_t i = 0; i < run.count; ++i) {
        const ConsumeQueueEntry entry = run.at(i);
        ++scanned;
        if (entry.is_blank()) continue;
        if (entry.physical_offset < log_min) {
          ++deleted;
          continue;
        }
        if (!filter.matches(entry.tags_code)) continue;
        auto view = commit_log_.read(entry.physical_offset, entry.size);
        if (!view.ok()) {
          if (entry.physical_offset + entry.size > commit_log_.end_offset()) {
            // Not written yet (cannot happen below `max`; kept so a read never skips it).
            --scanned;
            done = true;
            break;
          }
          ++deleted;
          continue;
        }
        if (files->empty() || files->back() != view->file) files->push_back(view->file);
        result.records.push_back(view->bytes);
        bytes += entry.size;
        if (static_cast<std::int64_t>(result.records.size()) >= wanted || bytes >= max_bytes) {
          done = true;
          break;
        }
      }
    }
    result.next_offset = sdk::QueueOffset(off + scanned);
    if (!result.records.empty()) {
      result.status = ReadStatus::kFound;
      result.keepalive = std::move(files);
    } else if (deleted > 0) {
      result.status = ReadStatus::kOffsetFoundNull;
    } else {
      result.status = ReadStatus::kNoMatchedMessage;
    }
    return result;
  } catch (const std::exception& e) {
    host_.logger().error("read_queue failed: ", e.what());
    result = sdk::QueueReadResult{};
    result.status = ReadStatus::kNoMatchedMessage;
    result.next_offset = offset;
    return result;
  }
}

sdk::QueueOffset MmapMessageStore::min_offset(std::string_view topic,
                                              std::int32_t queue_id) noexcept {
  try {
    auto queue = find_queue(topic, queue_id);
    return sdk::QueueOffset(queue ? queue->min_offset() : 0);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

sdk::QueueOffset MmapMessageStore::max_offset(std::string_view topic,
                                              std::int32_t queue_id) noexcept {
  try {
    auto queue = find_queue(topic, queue_id);
    return sdk::QueueOffset(queue ? queue->max_offset() : 0);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

sdk::Result<std::int64_t> MmapMessageStore::store_time_at(
    std::int64_t physical_offset) const noexcept {
  auto view = commit_log_.read_record(physical_offset);
  if (!view.ok()) return view.status();
  const std::uint8_t* p = view->bytes.data();
  const std::int32_t sys_flag = record::get_i32(p + record::kSysFlagOffset);
  const std::size_t at = record::store_timestamp_offset(sys_flag);
  if (at + 8 > view->bytes.size()) return Status(StatusCode::kCorruption, "short record");
  return record::get_i64(p + at);
}

std::int64_t MmapMessageStore::store_time(std::string_view topic, std::int32_t queue_id,
                                          sdk::QueueOffset offset) noexcept {
  make_readable();
  try {
    auto queue = find_queue(topic, queue_id);
    ConsumeQueueEntry entry;
    if (!queue || offset.value() < queue->min_offset() || !queue->get(offset.value(), &entry) ||
        entry.is_blank()) {
      return -1;
    }
    auto time = store_time_at(entry.physical_offset);
    return time.ok() ? time.value() : -1;
  } catch (...) {
    return -1;
  }
}

sdk::QueueOffset MmapMessageStore::offset_by_time(std::string_view topic, std::int32_t queue_id,
                                                  std::int64_t timestamp_ms) noexcept {
  make_readable();
  try {
    auto queue = find_queue(topic, queue_id);
    if (!queue) return sdk::QueueOffset(0);
    std::int64_t low = queue->min_offset();
    std::int64_t high = queue->max_offset() - 1;
    if (high < low) return sdk::QueueOffset(0);
    auto time_of = [&](std::int64_t queue_offset) -> std::int64_t {
      ConsumeQueueEntry entry;
      if (!queue->get(queue_offset, &entry) || entry.is_blank()) return -1;
      auto time = store_time_at(entry.physical_offset);
      return time.ok() ? time.value() : -1;
    };
    const std::int64_t first_time = time_of(low);
    const std::int64_t last_time = time_of(high);
    if (timestamp_ms <= first_time) return sdk::QueueOffset(low);
    if (timestamp_ms >= last_time) return sdk::QueueOffset(high);
    // Invariant: time_of(low) < timestamp_ms < time_of(high).
    while (high - low > 1) {
      const std::int64_t mid = low + (high - low) / 2;
      const std::int64_t time = time_of(mid);
      if (time == timestamp_ms) {
        // The first of equal times.
        std::int64_t first = mid;
        while (first > low + 1 && time_of(first - 1) == timestamp_ms) --first;
        return sdk::QueueOffset(first);
      }
      if (time < timestamp_ms) {
        low = mid;
      } else {
        high = mid;
      }
    }
    const std::int64_t below = timestamp_ms - time_of(low);
    const std::int64_t above = time_of(high) - timestamp_ms;
    return sdk::QueueOffset(below < above ? low : high);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

sdk::Result<sdk::MessageStore::RecordView> MmapMessageStore::read_at(
    sdk::PhysicalOffset offset) noexcept {
  make_readable();
  try {
    auto view = commit_log_.read_record(offset.value());
    if (!view.ok()) {
      return Status(view.status().code() == StatusCode::kCorruption ? StatusCode::kCorruption
                                                                    : StatusCode::kNotFound,
                    "no message at commit-log offset " + std::to_string(offset.value()));
    }
    return RecordView{view->bytes, std::move(view->file)};
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory");
  }
}

sdk::Result<std::vector<sdk::MessageStore::RecordView>> MmapMessageStore::lookup_by_key(
    std::string_view topic, std::string_view key, std::int32_t max, std::int64_t begin_ms,
    std::int64_t end_ms) noexcept {
  make_readable();
  try {
    std::vector<RecordView> out;
    if (!settings_.options.message_index_enable || max <= 0 || key.empty()) return out;
    // Hash collisions and stale entries are filtered below, so ask the index for more.
    const auto candidates =
        index_.lookup(topic, key, static_cast<std::size_t>(max) * 4 + 16, begin_ms, end_ms);
    std::vector<std::int64_t> seen;
    for (std::int64_t offset : candidates) {
      if (static_cast<std::int32_t>(out.size()) >= max) break;
      if (std::find(seen.begin(), seen.end(), offset) != seen.end()) continue;
      seen.push_back(offset);
      auto view = commit_log_.read_record(offset);
      if (!view.ok()) continue;
      record::StoredRecord stored;
      if (record::decode_record(view->bytes, &stored, false) != record::DecodeStatus::kOk ||
          stored.topic != topic || stored.store_timestamp_ms < begin_ms ||
          stored.store_timestamp_ms > end_ms) {
        continue;
      }
      bool match = record::find_property(stored.properties, "UNIQ_KEY") == key;
      if (!match) {
        std::string_view keys =
            record::find_property(stored.properties, "KEYS").value_or(std::string_view());
        while (!match && !keys.empty()) {
          const std::size_t space = keys.find(' ');
          match = keys.substr(0, space) == key;
          if (space == std::string_view::npos) break;
          keys.remove_prefix(space + 1);
        }
      }
      if (match) out.push_back(RecordView{view->bytes, std::move(view->file)});
    }
    return out;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("lookup_by_key: ") + e.what());
  }
}

Status MmapMessageStore::delete_topic(std::string_view topic) noexcept {
  try {
    std::lock_guard lock(append_mu_);
    std::map<std::int32_t, std::shared_ptr<ConsumeQueue>> doomed;
    {
      std::unique_lock queues_lock(queues_mu_);
      auto it = queues_.find(topic);
      if (it != queues_.end()) {
        doomed = std::move(it->second);
        queues_.erase(it);
      }
    }
    for (auto& [id, queue] : doomed) queue->destroy();
    std::error_code error;
    if (is_safe_topic(topic))
      fs::remove_all(fs::path(consume_queue_dir_) / std::string(topic), error);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("delete_topic: ") + e.what());
  }
}

// ---- replication -------------------------------------------------------------------------------

sdk::PhysicalOffset MmapMessageStore::log_end() const noexcept {
  return sdk::PhysicalOffset(commit_log_.end_offset());
}

sdk::PhysicalOffset MmapMessageStore::durable_end() const noexcept {
  return sdk::PhysicalOffset(commit_log_.files().flushed_end());
}

sdk::Result<sdk::MessageStore::RecordView> MmapMessageStore::read_log(
    sdk::PhysicalOffset from, std::int64_t max_bytes) noexcept {
  make_readable();
  auto view = commit_log_.read_log(from.value(), max_bytes);
  if (!view.ok()) {
    try {
      return Status(view.status().code(),
                    "no commit-log data at offset " + std::to_string(from.value()));
    } catch (...) {
      return view.status();
    }
  }
  return RecordView{view->bytes, std::move(view->file)};
}

Status MmapMessageStore::apply_replicated(sdk::PhysicalOffset at, sdk::ByteView records) noexcept {
  commit_staged();  // a slave appends nothing of its own, but a demoted master may have
  try {
    std::lock_guard lock(append_mu_);
    if (!serving_.load(std::memory_order_acquire)) {
      return Status(StatusCode::kUnavailable, "store-mmap is not started or is stopped");
    }
    Status dispatch_failure;
    auto status = commit_log_.append_raw(
        at.value(), records,
        [this, &dispatch_failure](const record::StoredRecord& stored, std::int64_t offset) {
          auto dispatched = dispatch_stored(stored, offset);
          if (!dispatched && dispatch_failure) dispatch_failure = dispatched;
        });
    if (!status) return status;
    return dispatch_failure;
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("apply_replicated: ") + e.what());
  }
}

// ---- housekeeping ------------------------------------------------------------------------------

std::int64_t MmapMessageStore::sync_count() const noexcept {
  return committer_ ? committer_->sync_count() : 0;
}

Status MmapMessageStore::checkpoint(bool flush_index) noexcept {
  try {
    // Every record below `dispatched` has its entries written before the flushes start.
    const std::int64_t dispatched = dispatched_end_.load(std::memory_order_acquire);
    for (const auto& queue : all_queues()) {
      auto flushed = queue->flush();
      if (!flushed.ok()) return flushed.status();
    }
    if (flush_index) {
      auto status = index_.flush();
      if (!status) return status;
      index_flushed_ = dispatched;
    }
    StoreCheckpoint point;
    point.log_flushed = commit_log_.files().flushed_end();
    point.queues_flushed = dispatched;
    point.index_flushed = index_flushed_;
    if (point.log_flushed == last_checkpoint_[0] && dispatched == last_checkpoint_[1] &&
        index_flushed_ == last_checkpoint_[2]) {
      return Status::ok();
    }
    auto status = point.write(checkpoint_path_);
    if (!status) return status;
    last_checkpoint_[0] = point.log_flushed;
    last_checkpoint_[1] = dispatched;
    last_checkpoint_[2] = index_flushed_;
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("checkpoint: ") + e.what());
  }
}

void MmapMessageStore::check_disk() noexcept {
  try {
    auto measure = settings_.disk_used_percent
                       ? settings_.disk_used_percent
                       : std::function<double(const std::string&)>(disk_used_percent);
    const double used = std::max(measure(commit_log_dir_), measure(consume_queue_dir_));
    const bool full = retention_.is_disk_full(used);
    host_.metrics().set("store.disk.used_percent", static_cast<std::int64_t>(used));
    if (full != disk_full_.exchange(full)) {
      if (full) {
        host_.logger().error("disk ", used, "% used, above diskMaxUsedSpaceRatio ",
                             settings_.options.disk_max_used_space_ratio,
                             "%: refusing appends, reads go on");
      } else {
        host_.logger().info("disk ", used, "% used: accepting appends again");
      }
    }
  } catch (...) {
  }
}

int MmapMessageStore::run_housekeeping(std::int64_t now_ms, bool force) noexcept {
  check_disk();
  if (!force && !retention_.is_delete_hour(now_ms) && !disk_full_.load()) return 0;
  // At most 10 files a round (RocketMQ's deleteFileBatchMax), so one round stays short.
  const int deleted = commit_log_.files().delete_front_while(
      [this, now_ms](const MappedFile& file) {
        return retention_.is_expired(file.last_modified_ms(), now_ms);
      },
      10);
  if (deleted > 0) {
    const std::int64_t log_min = commit_log_.min_offset();
    host_.logger().info("retention deleted ", deleted, " commit-log files; log now starts at ",
                        log_min);
    try {
      for (const auto& queue : all_queues()) queue->delete_files_below(log_min);
    } catch (...) {
    }
    index_.delete_files_below(log_min);
    check_disk();
  }
  return deleted;
}

void MmapMessageStore::housekeeping_loop() noexcept {
  const auto& options = settings_.options;
  const std::int64_t flush_every =
      std::max<std::int64_t>(1, options.flush_interval_consume_queue_ms);
  const std::int64_t house_every = std::max<std::int64_t>(1, settings_.housekeeping_interval_ms);
  const std::int64_t index_every = std::max<std::int64_t>(1, settings_.index_flush_interval_ms);
  std::int64_t next_flush = 0;
  std::int64_t next_house = 0;
  const auto now_steady_ms = [this] { return host_.clock().steady_ns() / 1000000; };
  next_flush = now_steady_ms() + flush_every;
  next_house = now_steady_ms() + house_every;
  std::int64_t next_index_flush = now_steady_ms() + index_every;
  std::unique_lock lock(housekeeping_mu_);
  while (!housekeeping_stop_) {
    const std::int64_t wait =
        std::max<std::int64_t>(0, std::min(next_flush, next_house) - now_steady_ms());
    housekeeping_wake_.wait_for(lock, std::chrono::milliseconds(wait));
    if (housekeeping_stop_) break;
    lock.unlock();
    const std::int64_t now = now_steady_ms();
    if (now >= next_flush) {
      const bool flush_index = now >= next_index_flush;
      auto status = checkpoint(flush_index);
      if (!status) host_.logger().warn("consume-queue flush failed: ", status.to_string());
      next_flush = now + flush_every;
      if (flush_index) next_index_flush = now + index_every;
    }
    if (now >= next_house) {
      run_housekeeping(host_.clock().now_ms(), false);
      next_house = now + house_every;
    }
    lock.lock();
  }
}

}  // namespace mq::store_mmap
