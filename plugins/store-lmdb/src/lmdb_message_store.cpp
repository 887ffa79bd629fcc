#include "lmdb_message_store.h"

#include "mq/sdk/stored_record.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <tuple>

namespace mq::store_lmdb {

namespace fs = std::filesystem;
namespace record = sdk::record;
using sdk::Status;
using sdk::StatusCode;

namespace {

constexpr std::int64_t kFillerHeaderSize = 8;  // TOTALSIZE + MAGICCODE of a filler
constexpr std::size_t kQueueEntrySize = 20;    // int64 offset, int32 size, int64 tags code
constexpr int kMaxSegmentsPerRound = 10;       // RocketMQ's deleteFileBatchMax

std::string env_directory(const sdk::StoreOptions& options) {
  if (!options.store_path_root_dir.empty()) {
    return (fs::path(options.store_path_root_dir) / "lmdb").string();
  }
  if (!options.store_path_commit_log.empty()) return options.store_path_commit_log + "-lmdb";
  return "lmdb";
}

std::vector<int> parse_delete_hours(std::string_view delete_when) {
  std::vector<int> hours;
  while (!delete_when.empty()) {
    const std::size_t end = delete_when.find(';');
    const std::string_view part = delete_when.substr(0, end);
    int hour = 0;
    bool digits = !part.empty() && part.size() <= 2;
    for (char c : part) {
      if (c < '0' || c > '9') digits = false;
      hour = hour * 10 + (c - '0');
    }
    if (digits && hour < 24) hours.push_back(hour);
    if (end == std::string_view::npos) break;
    delete_when.remove_prefix(end + 1);
  }
  return hours;
}

bool starts_with(const MDB_val& key, std::string_view prefix) {
  return key.mv_size >= prefix.size() &&
         std::memcmp(key.mv_data, prefix.data(), prefix.size()) == 0;
}

std::int64_t tail_i64(const MDB_val& key) {
  return record::get_i64(static_cast<const std::uint8_t*>(key.mv_data) + key.mv_size - 8);
}

struct QueueEntry {
  std::int64_t physical_offset = 0;
  std::int32_t size = 0;
  std::int64_t tags_code = 0;
};

QueueEntry decode_entry(const MDB_val& value) {
  QueueEntry entry;
  if (value.mv_size < kQueueEntrySize) return entry;
  const auto* p = static_cast<const std::uint8_t*>(value.mv_data);
  entry.physical_offset = record::get_i64(p);
  entry.size = record::get_i32(p + 8);
  entry.tags_code = record::get_i64(p + 12);
  return entry;
}

// Space-separated words of `keys`, each passed to `fn`.
template <typename Fn>
void for_each_word(std::string_view keys, Fn fn) {
  while (!keys.empty()) {
    const std::size_t space = keys.find(' ');
    const std::string_view word = keys.substr(0, space);
    if (!word.empty()) fn(word);
    if (space == std::string_view::npos) break;
    keys.remove_prefix(space + 1);
  }
}

using Buffer = std::vector<std::uint8_t>;

}  // namespace

LmdbMessageStore::LmdbMessageStore(sdk::HostServices& host, Settings settings)
    : host_(host),
      settings_(std::move(settings)),
      env_dir_(env_directory(settings_.options)),
      sync_flush_(settings_.options.flush_disk_type == sdk::FlushDiskType::kSyncFlush),
      delete_hours_(parse_delete_hours(settings_.options.delete_when)) {}

LmdbMessageStore::~LmdbMessageStore() { stop(); }

// ---- lifecycle ---------------------------------------------------------------------------------

Status LmdbMessageStore::start() noexcept {
  std::lock_guard lock(lifecycle_mu_);
  if (started_) return Status::ok();
  if (stopped_) return Status(StatusCode::kUnavailable, "store-lmdb cannot restart after stop()");
  try {
    if (segment_size() < 4096) {
      return Status(StatusCode::kInvalidArgument, "mappedFileSizeCommitLog must be >= 4096");
    }
    if (settings_.map_size <= 0 || settings_.max_map_size < settings_.map_size) {
      return Status(StatusCode::kInvalidArgument,
                    "lmdb.mapSize must be > 0 and not above lmdb.maxMapSize");
    }
    // The map never shrinks below what an earlier run grew it to: LMDB keeps the larger size.
    auto status = env_.open(env_dir_, settings_.map_size, !sync_flush_);
    if (!status) return status;
    MDB_envinfo info{};
    mdb_env_info(env_.env(), &info);
    map_size_.store(static_cast<std::int64_t>(info.me_mapsize));
    status = load_state();
    if (!status) return status;
    durable_end_.store(log_end_.load());
    (void)check_disk();
    host_.logger().info("LMDB store opened in ", env_dir_, ": log [", log_min_.load(), ", ",
                        log_end_.load(), "), map ", map_size_.load(), " bytes, ",
                        sync_flush_ ? "SYNC_FLUSH" : "ASYNC_FLUSH");
    writer_thread_ = std::thread([this] { writer_loop(); });
    background_thread_ = std::thread([this] { background_loop(); });
    started_ = true;
    serving_.store(true, std::memory_order_release);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("store-lmdb start: ") + e.what());
  }
}

void LmdbMessageStore::stop() noexcept {
  std::lock_guard lock(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  serving_.store(false, std::memory_order_release);
  {
    std::lock_guard pending_lock(pending_mu_);
    stopping_ = true;
  }
  pending_wake_.notify_all();
  // The writer drains every queued append (and completes its callback) before it exits.
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard background_lock(background_mu_);
    background_stop_ = true;
  }
  background_wake_.notify_all();
  if (background_thread_.joinable()) background_thread_.join();
  if (started_) {
    auto synced = env_.sync();
    if (!synced) host_.logger().error("final sync failed: ", synced.to_string());
    env_.close();
  }
}

Status LmdbMessageStore::load_state() {
  Txn txn;
  int rc = txn.begin(env_.env(), true);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
  std::int64_t end = 0;
  MDB_val key{};
  MDB_val value{};
  {
    MDB_val meta_key = to_val("end");
    if (mdb_get(txn.get(), env_.meta_db, &meta_key, &value) == MDB_SUCCESS && value.mv_size == 8) {
      end = record::get_i64(static_cast<const std::uint8_t*>(value.mv_data));
    }
  }
  Cursor log;
  rc = log.open(txn.get(), env_.log_db);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_open");
  std::int64_t min = end;
  if (log.get(&key, &value, MDB_LAST) == MDB_SUCCESS && value.mv_size >= 8) {
    const std::int64_t last = tail_i64(key);
    end = std::max(end, last + record::get_i32(static_cast<const std::uint8_t*>(value.mv_data)));
    if (log.get(&key, &value, MDB_FIRST) == MDB_SUCCESS) min = tail_i64(key);
  }
  log_end_.store(end);
  log_min_.store(min);

  QueueMap queues;
  Cursor cursor;
  rc = cursor.open(txn.get(), env_.queue_db);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_open");
  rc = cursor.get(&key, &value, MDB_FIRST);
  while (rc == MDB_SUCCESS) {
    const auto* p = static_cast<const std::uint8_t*>(key.mv_data);
    const std::size_t topic_length = p[0];
    if (key.mv_size != 1 + topic_length + 12) {
      return Status(StatusCode::kCorruption, "malformed consume-queue key in " + env_dir_);
    }
    const std::string topic(reinterpret_cast<const char*>(p + 1), topic_length);
    const std::int32_t queue_id = record::get_i32(p + 1 + topic_length);
    QueueState state;
    state.min = tail_i64(key);
    // Jump past the queue's last possible key, then step back onto its last entry.
    const std::string beyond = queue_key(topic, queue_id, -1);
    MDB_val probe = to_val(beyond);
    rc = cursor.get(&probe, &value, MDB_SET_RANGE);
    rc = cursor.get(&probe, &value, rc == MDB_SUCCESS ? MDB_PREV : MDB_LAST);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "scanning consume queues");
    state.max = tail_i64(probe) + 1;
    queues[topic][queue_id] = state;
    rc = cursor.get(&key, &value, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND) return lmdb_status(rc, "scanning consume queues");
  std::unique_lock queues_lock(queues_mu_);
  queues_ = std::move(queues);
  return Status::ok();
}

// ---- appends -----------------------------------------------------------------------------------

void LmdbMessageStore::append(const sdk::MessageToAppend& message,
                              sdk::AppendCallback done) noexcept {
  append_messages(std::span<const sdk::MessageToAppend>(&message, 1), done);
}

void LmdbMessageStore::append_batch(const std::vector<sdk::MessageToAppend>& messages,
                                    sdk::AppendCallback done) noexcept {
  if (messages.empty()) {
    done(Status(StatusCode::kInvalidArgument, "empty batch"), sdk::AppendResult{});
    return;
  }
  for (const auto& message : messages) {
    if (message.topic != messages.front().topic || message.queue_id != messages.front().queue_id) {
      done(Status(StatusCode::kInvalidArgument, "a batch goes to one topic and queue"),
           sdk::AppendResult{});
      return;
    }
  }
  append_messages(messages, done);
}

void LmdbMessageStore::append_messages(std::span<const sdk::MessageToAppend> messages,
                                       sdk::AppendCallback& done) noexcept {
  Status status;
  try {
    if (!serving_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kUnavailable, "store-lmdb is not started or is stopped");
    } else if (disk_full_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kDiskFull,
                      "disk above diskMaxUsedSpaceRatio " +
                          std::to_string(settings_.options.disk_max_used_space_ratio) +
                          "%: appends refused until space is freed");
    } else if (failed_.load(std::memory_order_acquire)) {
      status = Status(StatusCode::kIoError,
                      "an earlier LMDB commit or sync failed; restart the broker to recover");
    }
    Pending pending;
    std::int64_t total = 0;
    for (std::size_t i = 0; status && i < messages.size(); ++i) {
      const auto& message = messages[i];
      if (message.topic.empty() || message.topic.size() > record::kMaxTopicLength ||
          message.topic == "." || message.topic == ".." ||
          message.topic.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
        status = Status(StatusCode::kMessageIllegal,
                        "topic must be 1..127 bytes without '/': " + std::string(message.topic));
        break;
      }
      if (message.queue_id < 0) {
        status = Status(StatusCode::kMessageIllegal, "negative queue id");
        break;
      }
      if (message.properties.size() > record::kMaxPropertiesLength) {
        status = Status(StatusCode::kMessageIllegal, "properties longer than 32767 bytes");
        break;
      }
      record::StoredRecord stored;
      stored.queue_id = message.queue_id;
      stored.flag = message.flag;
      stored.sys_flag = message.sys_flag;
      stored.born_timestamp_ms = message.born_timestamp_ms;
      stored.born_host = message.born_host;
      stored.store_host = message.store_host;
      stored.reconsume_times = message.reconsume_times;
      stored.prepared_transaction_offset = message.prepared_transaction_offset;
      stored.body = message.body;
      stored.topic = message.topic;
      stored.properties = message.properties;
      const auto size = static_cast<std::int64_t>(record::encoded_size(stored));
      if (size > settings_.options.max_message_size) {
        status = Status(StatusCode::kMessageIllegal,
                        "record of " + std::to_string(size) + " bytes exceeds maxMessageSize " +
                            std::to_string(settings_.options.max_message_size));
        break;
      }
      const std::size_t at = pending.bytes.size();
      pending.bytes.resize(at + static_cast<std::size_t>(size));
      const std::size_t written = record::encode_record(
          stored,
          std::span<std::uint8_t>(pending.bytes.data() + at, static_cast<std::size_t>(size)));
      if (written != static_cast<std::size_t>(size)) {
        status = Status(StatusCode::kMessageIllegal, "message cannot be encoded");
        break;
      }
      pending.sizes.push_back(static_cast<std::uint32_t>(size));
      pending.tags_codes.push_back(message.tags_code);
      std::string keys(message.keys);
      if (!message.unique_key.empty()) {
        if (!keys.empty()) keys.push_back(' ');
        keys.append(message.unique_key);
      }
      pending.index_keys.push_back(std::move(keys));
      total += size;
    }
    if (status && total + kFillerHeaderSize > segment_size()) {
      status = Status(
          StatusCode::kMessageIllegal,
          std::to_string(total) + " bytes do not fit in one log segment (mappedFileSizeCommitLog)");
    }
    if (status) {
      pending.topic = std::string(messages.front().topic);
      pending.queue_id = messages.front().queue_id;
      pending.done = std::move(done);
      pending.enqueued_ns = host_.clock().steady_ns();
      std::unique_lock lock(pending_mu_);
      if (stopping_) {
        done = std::move(pending.done);
        status = Status(StatusCode::kUnavailable, "store-lmdb is stopped");
      } else {
        pending_.push_back(std::move(pending));
        lock.unlock();
        pending_wake_.notify_one();
        return;
      }
    }
  } catch (const std::bad_alloc&) {
    status = Status(StatusCode::kResourceExhausted, "out of memory while appending");
  } catch (const std::exception& e) {
    status = Status(StatusCode::kInternal, std::string("append failed: ") + e.what());
  }
  if (done) done(status, sdk::AppendResult{});
}

void LmdbMessageStore::writer_loop() noexcept {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(pending_mu_);
      pending_wake_.wait(lock, [this] { return !pending_.empty() || stopping_; });
      if (pending_.empty()) return;
      try {
        batch.reserve(pending_.size());
      } catch (...) {
      }
      while (!pending_.empty()) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    Status status;
    try {
      std::lock_guard write_lock(write_mu_);
      status = write_batch(batch);
    } catch (const std::exception& e) {
      status = Status(StatusCode::kInternal, std::string("write failed: ") + e.what());
    }
    if (!status && status.code() != StatusCode::kDiskFull) {
      failed_.store(true);
      host_.logger().error("LMDB write failed, refusing further appends: ", status.to_string());
    }
    const std::int64_t now_ns = host_.clock().steady_ns();
    const std::int64_t timeout_ns = settings_.options.sync_flush_timeout_ms * 1000000;
    for (auto& pending : batch) {
      if (!status) {
        pending.done(status, sdk::AppendResult{});
        continue;
      }
      host_.metrics().add("store.append.messages", pending.result.message_count);
      host_.metrics().add("store.append.bytes", pending.result.bytes);
      if (sync_flush_ && now_ns - pending.enqueued_ns > timeout_ns) {
        pending.done(Status(StatusCode::kFlushDiskTimeout,
                            "the durable commit took longer than syncFlushTimeout"),
                     pending.result);
      } else {
        pending.done(Status::ok(), pending.result);
      }
    }
  }
}

Status LmdbMessageStore::write_batch(std::vector<Pending>& batch) {
  for (;;) {
    Staged staged;
    int rc = MDB_SUCCESS;
    Status status;
    {
      std::shared_lock map_lock(map_mu_);
      status = write_batch_once(batch, staged, &rc);
    }
    if (status) {
      apply_staged(staged);
      if (sync_flush_) durable_end_.store(staged.log_end, std::memory_order_release);
      return status;
    }
    if (rc != MDB_MAP_FULL) return status;
    auto grown = grow_map();
    if (!grown) return grown;
  }
}

Status LmdbMessageStore::grow_map() {
  std::unique_lock map_lock(map_mu_);
  const std::int64_t current = map_size_.load();
  if (current >= settings_.max_map_size) {
    return Status(StatusCode::kDiskFull,
                  "the LMDB map is full at lmdb.maxMapSize (" +
                      std::to_string(settings_.max_map_size) +
                      " bytes): raise lmdb.maxMapSize or shorten fileReservedTime");
  }
  const std::int64_t grown = std::min(settings_.max_map_size, current * 2);
  auto status = env_.set_map_size(grown);
  if (!status) return status;
  map_size_.store(grown);
  host_.logger().info("LMDB map grown from ", current, " to ", grown, " bytes");
  host_.metrics().set("store.lmdb.map_size", grown);
  return Status::ok();
}

LmdbMessageStore::QueueState LmdbMessageStore::staged_queue(const Staged& staged,
                                                            const std::string& topic,
                                                            std::int32_t queue_id) const {
  auto it = staged.queues.find({topic, queue_id});
  if (it != staged.queues.end()) return it->second;
  QueueState state;
  find_queue(topic, queue_id, &state);
  return state;
}

int LmdbMessageStore::put_filler(MDB_txn* txn, std::int64_t at, std::int64_t size) {
  std::uint8_t header[kFillerHeaderSize];
  record::put_u32(header, static_cast<std::uint32_t>(size));
  record::put_u32(header + 4, record::kBlankMagic);
  const std::string key = log_key(at);
  MDB_val k = to_val(key);
  MDB_val v = to_val(header, sizeof header);
  return mdb_put(txn, env_.log_db, &k, &v, MDB_APPEND);
}

int LmdbMessageStore::put_queue_entry(MDB_txn* txn, std::string_view topic, std::int32_t queue_id,
                                      std::int64_t queue_offset, std::int64_t physical_offset,
                                      std::int32_t size, std::int64_t tags_code) {
  std::uint8_t entry[kQueueEntrySize];
  record::put_u64(entry, static_cast<std::uint64_t>(physical_offset));
  record::put_u32(entry + 8, static_cast<std::uint32_t>(size));
  record::put_u64(entry + 12, static_cast<std::uint64_t>(tags_code));
  const std::string key = queue_key(topic, queue_id, queue_offset);
  MDB_val k = to_val(key);
  MDB_val v = to_val(entry, sizeof entry);
  return mdb_put(txn, env_.queue_db, &k, &v, 0);
}

int LmdbMessageStore::put_index_keys(MDB_txn* txn, std::string_view topic, std::string_view keys,
                                     std::int64_t physical_offset, std::int64_t store_ms) {
  if (!settings_.options.message_index_enable) return MDB_SUCCESS;
  int rc = MDB_SUCCESS;
  for_each_word(keys, [&](std::string_view word) {
    if (rc != MDB_SUCCESS) return;
    std::string key = index_prefix(topic, word);
    if (key.size() + 8 > kMaxLmdbKey) return;  // too long to index, as an index-less message
    key.append(log_key(physical_offset));
    std::uint8_t time[8];
    record::put_u64(time, static_cast<std::uint64_t>(store_ms));
    MDB_val k = to_val(key);
    MDB_val v = to_val(time, sizeof time);
    rc = mdb_put(txn, env_.index_db, &k, &v, 0);
  });
  return rc;
}

Status LmdbMessageStore::write_batch_once(std::vector<Pending>& batch, Staged& staged,
                                          int* rc_out) {
  Txn txn;
  int rc = txn.begin(env_.env(), false);
  auto fail = [&](std::string_view what) {
    *rc_out = rc;
    return lmdb_status(rc, what);
  };
  if (rc != MDB_SUCCESS) return fail("mdb_txn_begin");
  const std::int64_t segment = segment_size();
  std::int64_t end = log_end_.load();
  for (auto& pending : batch) {
    const auto total = static_cast<std::int64_t>(pending.bytes.size());
    const std::int64_t position = end % segment;
    if (position > 0 && segment - position < total + kFillerHeaderSize) {
      rc = put_filler(txn.get(), end, segment - position);
      if (rc != MDB_SUCCESS) return fail("writing a segment filler");
      end += segment - position;
    }
    QueueState queue = staged_queue(staged, pending.topic, pending.queue_id);
    const std::int64_t now = host_.clock().now_ms();
    pending.result.physical_offset = sdk::PhysicalOffset(end);
    pending.result.bytes = static_cast<std::int32_t>(total);
    pending.result.queue_offset = sdk::QueueOffset(queue.max);
    pending.result.message_count = static_cast<std::int32_t>(pending.sizes.size());
    pending.result.store_timestamp_ms = now;
    std::size_t at = 0;
    for (std::size_t i = 0; i < pending.sizes.size(); ++i) {
      std::uint8_t* p = pending.bytes.data() + at;
      const std::uint32_t size = pending.sizes[i];
      const std::int64_t offset = end + static_cast<std::int64_t>(at);
      record::put_u64(p + record::kQueueOffsetOffset, static_cast<std::uint64_t>(queue.max));
      record::put_u64(p + record::kPhysicalOffsetOffset, static_cast<std::uint64_t>(offset));
      record::put_u64(
          p + record::store_timestamp_offset(record::get_i32(p + record::kSysFlagOffset)),
          static_cast<std::uint64_t>(now));
      const std::string key = log_key(offset);
      MDB_val k = to_val(key);
      MDB_val v = to_val(p, size);
      rc = mdb_put(txn.get(), env_.log_db, &k, &v, MDB_APPEND);
      if (rc != MDB_SUCCESS) return fail("writing a log record");
      rc = put_queue_entry(txn.get(), pending.topic, pending.queue_id, queue.max, offset,
                           static_cast<std::int32_t>(size), pending.tags_codes[i]);
      if (rc != MDB_SUCCESS) return fail("writing a consume-queue entry");
      rc = put_index_keys(txn.get(), pending.topic, pending.index_keys[i], offset, now);
      if (rc != MDB_SUCCESS) return fail("writing the key index");
      ++queue.max;
      at += size;
    }
    staged.queues[{pending.topic, pending.queue_id}] = queue;
    end += total;
  }
  staged.log_end = end;
  std::uint8_t end_bytes[8];
  record::put_u64(end_bytes, static_cast<std::uint64_t>(end));
  MDB_val meta_key = to_val("end");
  MDB_val meta_value = to_val(end_bytes, sizeof end_bytes);
  rc = mdb_put(txn.get(), env_.meta_db, &meta_key, &meta_value, 0);
  if (rc != MDB_SUCCESS) return fail("writing the log end");
  rc = txn.commit();
  if (rc != MDB_SUCCESS) return fail("committing appends");
  return Status::ok();
}

void LmdbMessageStore::apply_staged(const Staged& staged) {
  {
    std::unique_lock lock(queues_mu_);
    for (const auto& [id, state] : staged.queues) queues_[id.first][id.second] = state;
  }
  log_end_.store(staged.log_end, std::memory_order_release);
}

// ---- replication -------------------------------------------------------------------------------

sdk::PhysicalOffset LmdbMessageStore::log_end() const noexcept {
  return sdk::PhysicalOffset(log_end_.load(std::memory_order_acquire));
}

sdk::PhysicalOffset LmdbMessageStore::durable_end() const noexcept {
  return sdk::PhysicalOffset(durable_end_.load(std::memory_order_acquire));
}

Status LmdbMessageStore::apply_replicated(sdk::PhysicalOffset at, sdk::ByteView records) noexcept {
  try {
    std::lock_guard write_lock(write_mu_);
    if (!serving_.load(std::memory_order_acquire)) {
      return Status(StatusCode::kUnavailable, "store-lmdb is not started or is stopped");
    }
    const std::int64_t segment = segment_size();
    bool empty_log = false;
    {
      std::shared_lock map_lock(map_mu_);
      Txn txn;
      if (txn.begin(env_.env(), true) == MDB_SUCCESS) {
        Cursor cursor;
        MDB_val k{};
        MDB_val v{};
        empty_log = cursor.open(txn.get(), env_.log_db) == MDB_SUCCESS &&
                    cursor.get(&k, &v, MDB_FIRST) == MDB_NOTFOUND;
      }
    }
    std::int64_t start = log_end_.load();
    if (empty_log && at.value() > 0 && start == 0) start = at.value();
    if (at.value() != start) {
      return Status(StatusCode::kInvalidArgument,
                    "replicated records at " + std::to_string(at.value()) +
                        " but the log ends at " + std::to_string(start));
    }
    // Check first: the good prefix is applied, the first bad record stops it.
    Status verdict;
    std::size_t good = 0;
    std::int64_t end = start;
    while (good < records.size()) {
      record::StoredRecord decoded;
      const auto decoded_status = record::decode_record(records.subspan(good), &decoded, true);
      const std::int64_t remaining = segment - end % segment;
      if (decoded_status == record::DecodeStatus::kBlank) {
        if (decoded.total_size != remaining ||
            records.size() - good < static_cast<std::size_t>(remaining)) {
          verdict = Status(StatusCode::kCorruption, "replicated filler at " + std::to_string(end) +
                                                        " does not end at its segment's end");
          break;
        }
      } else if (decoded_status != record::DecodeStatus::kOk) {
        verdict = Status(StatusCode::kCorruption,
                         "replicated record at " + std::to_string(end) + " fails its checks");
        break;
      } else if (decoded.total_size + kFillerHeaderSize > remaining ||
                 decoded.physical_offset != end) {
        verdict = Status(StatusCode::kCorruption, "replicated record at " + std::to_string(end) +
                                                      " is misplaced or crosses its segment");
        break;
      }
      good += static_cast<std::size_t>(decoded.total_size);
      end += decoded.total_size;
    }
    if (good == 0) return verdict;
    const sdk::ByteView applied = records.first(good);
    for (;;) {
      Staged staged;
      int rc = MDB_SUCCESS;
      Status status;
      {
        std::shared_lock map_lock(map_mu_);
        Txn txn;
        rc = txn.begin(env_.env(), false);
        std::size_t position = 0;
        std::int64_t offset = start;
        while (rc == MDB_SUCCESS && position < applied.size()) {
          record::StoredRecord stored;
          const auto kind = record::decode_record(applied.subspan(position), &stored, false);
          const std::string key = log_key(offset);
          MDB_val k = to_val(key);
          if (kind == record::DecodeStatus::kBlank) {
            rc = put_filler(txn.get(), offset, stored.total_size);
          } else {
            MDB_val v =
                to_val(applied.data() + position, static_cast<std::size_t>(stored.total_size));
            rc = mdb_put(txn.get(), env_.log_db, &k, &v, MDB_APPEND);
            const std::string topic(stored.topic);
            QueueState queue = staged_queue(staged, topic, stored.queue_id);
            if (rc == MDB_SUCCESS) {
              const auto tags = record::find_property(stored.properties, "TAGS");
              rc = put_queue_entry(txn.get(), topic, stored.queue_id, stored.queue_offset, offset,
                                   stored.total_size, tags ? record::tags_code(*tags) : 0);
            }
            if (rc == MDB_SUCCESS) {
              std::string keys(record::find_property(stored.properties, "KEYS").value_or(""));
              if (auto unique = record::find_property(stored.properties, "UNIQ_KEY")) {
                keys.push_back(' ');
                keys.append(*unique);
              }
              rc = put_index_keys(txn.get(), topic, keys, offset, stored.store_timestamp_ms);
            }
            if (queue.max == 0 && queue.min == 0) queue.min = stored.queue_offset;
            queue.max = std::max(queue.max, stored.queue_offset + 1);
            queue.min = std::min(queue.min, stored.queue_offset);
            staged.queues[{topic, stored.queue_id}] = queue;
          }
          position += static_cast<std::size_t>(stored.total_size);
          offset += stored.total_size;
        }
        if (rc == MDB_SUCCESS) {
          std::uint8_t end_bytes[8];
          record::put_u64(end_bytes, static_cast<std::uint64_t>(end));
          MDB_val meta_key = to_val("end");
          MDB_val meta_value = to_val(end_bytes, sizeof end_bytes);
          rc = mdb_put(txn.get(), env_.meta_db, &meta_key, &meta_value, 0);
        }
        if (rc == MDB_SUCCESS) rc = txn.commit();
        status = lmdb_status(rc, "applying replicated records");
      }
      if (status) {
        staged.log_end = end;
        if (empty_log) log_min_.store(start);
        apply_staged(staged);
        if (sync_flush_) durable_end_.store(end, std::memory_order_release);
        return verdict;
      }
      if (rc != MDB_MAP_FULL) return status;
      auto grown = grow_map();
      if (!grown) return grown;
    }
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("apply_replicated: ") + e.what());
  }
}

sdk::Result<sdk::MessageStore::RecordView> LmdbMessageStore::read_log(
    sdk::PhysicalOffset from, std::int64_t max_bytes) noexcept {
  try {
    const std::int64_t end = log_end_.load(std::memory_order_acquire);
    if (from.value() == end) return RecordView{};
    std::shared_lock map_lock(map_mu_);
    Txn txn;
    int rc = txn.begin(env_.env(), true);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
    Cursor cursor;
    rc = cursor.open(txn.get(), env_.log_db);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_open");
    const std::string first = log_key(from.value());
    MDB_val key = to_val(first);
    MDB_val value{};
    rc = cursor.get(&key, &value, MDB_SET_KEY);
    if (rc != MDB_SUCCESS) {
      return Status(StatusCode::kNotFound,
                    "no log record starts at offset " + std::to_string(from.value()));
    }
    const std::int64_t segment = from.value() / segment_size();
    auto out = std::make_shared<Buffer>();
    std::int64_t expected = from.value();
    while (rc == MDB_SUCCESS) {
      const std::int64_t offset = tail_i64(key);
      if (offset != expected || offset / segment_size() != segment || value.mv_size < 8) break;
      const std::int32_t size = record::get_i32(static_cast<const std::uint8_t*>(value.mv_data));
      if (offset > from.value() && offset + size - from.value() > max_bytes) break;
      const auto bytes = bytes_of(value);
      out->insert(out->end(), bytes.begin(), bytes.end());
      if (static_cast<std::int64_t>(bytes.size()) < size) {
        out->resize(out->size() + static_cast<std::size_t>(size) - bytes.size(), 0);  // filler
      }
      expected = offset + size;
      rc = cursor.get(&key, &value, MDB_NEXT);
    }
    RecordView view{sdk::ByteView(out->data(), out->size()), nullptr};
    view.keepalive = std::move(out);
    return view;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("read_log: ") + e.what());
  }
}

// ---- reads -------------------------------------------------------------------------------------

bool LmdbMessageStore::find_queue(std::string_view topic, std::int32_t queue_id,
                                  QueueState* out) const {
  std::shared_lock lock(queues_mu_);
  auto by_topic = queues_.find(topic);
  if (by_topic == queues_.end()) return false;
  auto by_id = by_topic->second.find(queue_id);
  if (by_id == by_topic->second.end()) return false;
  *out = by_id->second;
  return true;
}

sdk::Result<sdk::MessageStore::RecordView> LmdbMessageStore::copy_record(
    MDB_txn* txn, std::int64_t offset) const {
  if (offset < log_min_.load()) return Status(StatusCode::kNotFound, "deleted by retention");
  const std::string k = log_key(offset);
  MDB_val key = to_val(k);
  MDB_val value{};
  const int rc = mdb_get(txn, env_.log_db, &key, &value);
  if (rc == MDB_NOTFOUND) return Status(StatusCode::kNotFound, "no record there");
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_get");
  const auto bytes = bytes_of(value);
  if (bytes.size() < 8 ||
      record::get_u32(bytes.data() + record::kMagicOffset) != record::kMessageMagic) {
    return Status(StatusCode::kNotFound, "a segment filler, not a message");
  }
  auto copy = std::make_shared<Buffer>(bytes.begin(), bytes.end());
  RecordView view{sdk::ByteView(copy->data(), copy->size()), nullptr};
  view.keepalive = std::move(copy);
  return view;
}

std::int64_t LmdbMessageStore::record_store_time(MDB_txn* txn, std::int64_t offset) const {
  const std::string k = log_key(offset);
  MDB_val key = to_val(k);
  MDB_val value{};
  if (mdb_get(txn, env_.log_db, &key, &value) != MDB_SUCCESS) return -1;
  const auto bytes = bytes_of(value);
  if (bytes.size() < record::kBornHostOffset ||
      record::get_u32(bytes.data() + record::kMagicOffset) != record::kMessageMagic) {
    return -1;
  }
  const std::size_t at =
      record::store_timestamp_offset(record::get_i32(bytes.data() + record::kSysFlagOffset));
  if (at + 8 > bytes.size()) return -1;
  return record::get_i64(bytes.data() + at);
}

sdk::QueueReadResult LmdbMessageStore::read_queue(std::string_view topic, std::int32_t queue_id,
                                                  sdk::QueueOffset offset,
                                                  std::int32_t max_messages, std::int64_t max_bytes,
                                                  const sdk::TagFilter& filter) noexcept {
  using sdk::ReadStatus;
  sdk::QueueReadResult result;
  try {
    QueueState queue;
    if (!find_queue(topic, queue_id, &queue)) {
      result.status = ReadStatus::kNoMatchedLogicQueue;
      return result;
    }
    const std::int64_t off = offset.value();
    result.min_offset = sdk::QueueOffset(queue.min);
    result.max_offset = sdk::QueueOffset(queue.max);
    if (queue.max == 0) {
      result.status = ReadStatus::kNoMessageInQueue;
      return result;
    }
    if (off < queue.min) {
      result.status = ReadStatus::kOffsetTooSmall;
      result.next_offset = sdk::QueueOffset(queue.min);
      return result;
    }
    if (off >= queue.max) {
      result.status =
          off == queue.max ? ReadStatus::kOffsetOverflowOne : ReadStatus::kOffsetOverflowBadly;
      result.next_offset = sdk::QueueOffset(off == queue.max ? off : queue.max);
      return result;
    }
    // As store-mmap: scan at most 800 entries beyond what was asked for.
    const std::int64_t wanted = std::max<std::int32_t>(1, max_messages);
    const std::int64_t scan_limit = std::max<std::int64_t>(wanted, 16000 / 20);
    const std::int64_t log_min = log_min_.load();
    auto buffer = std::make_shared<Buffer>();
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    std::int64_t next = off;
    std::int64_t bytes = 0;
    std::int64_t deleted = 0;
    {
      std::shared_lock map_lock(map_mu_);
      Txn txn;
      int rc = txn.begin(env_.env(), true);
      if (rc != MDB_SUCCESS) throw std::runtime_error(mdb_strerror(rc));
      Cursor cursor;
      rc = cursor.open(txn.get(), env_.queue_db);
      if (rc != MDB_SUCCESS) throw std::runtime_error(mdb_strerror(rc));
      const std::string prefix = queue_key_prefix(topic, queue_id);
      const std::string first = queue_key(topic, queue_id, off);
      MDB_val key = to_val(first);
      MDB_val value{};
      rc = cursor.get(&key, &value, MDB_SET_RANGE);
      next = queue.max;
      while (rc == MDB_SUCCESS && starts_with(key, prefix)) {
        const std::int64_t queue_offset = tail_i64(key);
        if (queue_offset >= queue.max) break;
        if (queue_offset - off >= scan_limit) {
          next = queue_offset;
          break;
        }
        next = queue_offset + 1;
        const QueueEntry entry = decode_entry(value);
        bool stop = false;
        if (entry.physical_offset < log_min) {
          ++deleted;
        } else if (filter.matches(entry.tags_code)) {
          const std::string log = log_key(entry.physical_offset);
          MDB_val log_k = to_val(log);
          MDB_val log_v{};
          if (mdb_get(txn.get(), env_.log_db, &log_k, &log_v) != MDB_SUCCESS) {
            ++deleted;
          } else {
            const auto record_bytes = bytes_of(log_v);
            spans.emplace_back(buffer->size(), record_bytes.size());
            buffer->insert(buffer->end(), record_bytes.begin(), record_bytes.end());
            bytes += static_cast<std::int64_t>(record_bytes.size());
            stop = static_cast<std::int64_t>(spans.size()) >= wanted || bytes >= max_bytes;
          }
        }
        if (stop) break;
        rc = cursor.get(&key, &value, MDB_NEXT);
      }
    }
    result.next_offset = sdk::QueueOffset(next);
    if (!spans.empty()) {
      result.status = ReadStatus::kFound;
      result.records.reserve(spans.size());
      for (const auto& [at, size] : spans) result.records.emplace_back(buffer->data() + at, size);
      result.keepalive = std::move(buffer);
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

sdk::QueueOffset LmdbMessageStore::min_offset(std::string_view topic,
                                              std::int32_t queue_id) noexcept {
  try {
    QueueState queue;
    return sdk::QueueOffset(find_queue(topic, queue_id, &queue) ? queue.min : 0);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

sdk::QueueOffset LmdbMessageStore::max_offset(std::string_view topic,
                                              std::int32_t queue_id) noexcept {
  try {
    QueueState queue;
    return sdk::QueueOffset(find_queue(topic, queue_id, &queue) ? queue.max : 0);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

std::int64_t LmdbMessageStore::store_time(std::string_view topic, std::int32_t queue_id,
                                          sdk::QueueOffset offset) noexcept {
  try {
    QueueState queue;
    if (!find_queue(topic, queue_id, &queue) || offset.value() < queue.min ||
        offset.value() >= queue.max) {
      return -1;
    }
    std::shared_lock map_lock(map_mu_);
    Txn txn;
    if (txn.begin(env_.env(), true) != MDB_SUCCESS) return -1;
    const std::string k = queue_key(topic, queue_id, offset.value());
    MDB_val key = to_val(k);
    MDB_val value{};
    if (mdb_get(txn.get(), env_.queue_db, &key, &value) != MDB_SUCCESS) return -1;
    return record_store_time(txn.get(), decode_entry(value).physical_offset);
  } catch (...) {
    return -1;
  }
}

sdk::QueueOffset LmdbMessageStore::offset_by_time(std::string_view topic, std::int32_t queue_id,
                                                  std::int64_t timestamp_ms) noexcept {
  try {
    QueueState queue;
    if (!find_queue(topic, queue_id, &queue)) return sdk::QueueOffset(0);
    std::int64_t low = queue.min;
    std::int64_t high = queue.max - 1;
    if (high < low) return sdk::QueueOffset(0);
    std::shared_lock map_lock(map_mu_);
    Txn txn;
    if (txn.begin(env_.env(), true) != MDB_SUCCESS) return sdk::QueueOffset(0);
    auto time_of = [&](std::int64_t queue_offset) -> std::int64_t {
      const std::string k = queue_key(topic, queue_id, queue_offset);
      MDB_val key = to_val(k);
      MDB_val value{};
      if (mdb_get(txn.get(), env_.queue_db, &key, &value) != MDB_SUCCESS) return -1;
      return record_store_time(txn.get(), decode_entry(value).physical_offset);
    };
    if (timestamp_ms <= time_of(low)) return sdk::QueueOffset(low);
    if (timestamp_ms >= time_of(high)) return sdk::QueueOffset(high);
    // Invariant: time_of(low) < timestamp_ms < time_of(high). Store times never decrease
    // along a queue, so this finds the first offset at the time, or the nearest one.
    while (high - low > 1) {
      const std::int64_t middle = low + (high - low) / 2;
      const std::int64_t time = time_of(middle);
      if (time == timestamp_ms) {
        std::int64_t first = middle;
        while (first > low + 1 && time_of(first - 1) == timestamp_ms) --first;
        return sdk::QueueOffset(first);
      }
      (time < timestamp_ms ? low : high) = middle;
    }
    const std::int64_t below = timestamp_ms - time_of(low);
    const std::int64_t above = time_of(high) - timestamp_ms;
    return sdk::QueueOffset(below < above ? low : high);
  } catch (...) {
    return sdk::QueueOffset(0);
  }
}

sdk::Result<sdk::MessageStore::RecordView> LmdbMessageStore::read_at(
    sdk::PhysicalOffset offset) noexcept {
  try {
    std::shared_lock map_lock(map_mu_);
    Txn txn;
    const int rc = txn.begin(env_.env(), true);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
    auto view = copy_record(txn.get(), offset.value());
    if (!view.ok()) {
      return Status(view.status().code(),
                    "no message at commit-log offset " + std::to_string(offset.value()));
    }
    return view;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("read_at: ") + e.what());
  }
}

sdk::Result<std::vector<sdk::MessageStore::RecordView>> LmdbMessageStore::lookup_by_key(
    std::string_view topic, std::string_view key, std::int32_t max, std::int64_t begin_ms,
    std::int64_t end_ms) noexcept {
  try {
    std::vector<RecordView> out;
    if (!settings_.options.message_index_enable || max <= 0 || key.empty()) return out;
    const std::string prefix = index_prefix(topic, key);
    if (prefix.size() + 8 > kMaxLmdbKey) return out;
    std::shared_lock map_lock(map_mu_);
    Txn txn;
    int rc = txn.begin(env_.env(), true);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
    Cursor cursor;
    rc = cursor.open(txn.get(), env_.index_db);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_open");
    std::vector<std::int64_t> offsets;
    MDB_val k = to_val(prefix);
    MDB_val v{};
    rc = cursor.get(&k, &v, MDB_SET_RANGE);
    while (rc == MDB_SUCCESS && starts_with(k, prefix) && k.mv_size == prefix.size() + 8) {
      const std::int64_t time =
          v.mv_size == 8 ? record::get_i64(static_cast<const std::uint8_t*>(v.mv_data)) : -1;
      if (time >= begin_ms && time <= end_ms) offsets.push_back(tail_i64(k));
      rc = cursor.get(&k, &v, MDB_NEXT);
    }
    // Newest first, as the hash index of store-mmap answers.
    for (auto it = offsets.rbegin(); it != offsets.rend(); ++it) {
      if (static_cast<std::int32_t>(out.size()) >= max) break;
      auto view = copy_record(txn.get(), *it);
      if (view.ok()) out.push_back(std::move(view).value());
    }
    return out;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("lookup_by_key: ") + e.what());
  }
}

Status LmdbMessageStore::delete_topic(std::string_view topic) noexcept {
  try {
    std::lock_guard write_lock(write_mu_);
    if (!serving_.load()) return Status(StatusCode::kUnavailable, "store-lmdb is stopped");
    {
      std::shared_lock map_lock(map_mu_);
      Txn txn;
      int rc = txn.begin(env_.env(), false);
      if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
      Cursor cursor;
      rc = cursor.open(txn.get(), env_.queue_db);
      if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_open");
      const std::string prefix = queue_prefix(topic);
      MDB_val k = to_val(prefix);
      MDB_val v{};
      rc = cursor.get(&k, &v, MDB_SET_RANGE);
      while (rc == MDB_SUCCESS && starts_with(k, prefix)) {
        rc = cursor.del();
        if (rc == MDB_SUCCESS) rc = cursor.get(&k, &v, MDB_GET_CURRENT);
      }
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return lmdb_status(rc, "deleting a topic");
      cursor.close();
      rc = txn.commit();
      if (rc != MDB_SUCCESS) return lmdb_status(rc, "deleting a topic");
    }
    std::unique_lock lock(queues_mu_);
    if (auto it = queues_.find(topic); it != queues_.end()) queues_.erase(it);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("delete_topic: ") + e.what());
  }
}

// ---- housekeeping ------------------------------------------------------------------------------

Status LmdbMessageStore::check_disk() noexcept {
  struct statvfs info {};
  if (::statvfs(env_dir_.c_str(), &info) != 0 || info.f_blocks == 0) {
    return Status(StatusCode::kIoError, "statvfs failed");
  }
  const double used = static_cast<double>(info.f_blocks - info.f_bfree);
  const double usable = used + static_cast<double>(info.f_bavail);
  const double percent = usable <= 0 ? 100.0 : used * 100.0 / usable;
  const bool full = percent > static_cast<double>(settings_.options.disk_max_used_space_ratio);
  host_.metrics().set("store.disk.used_percent", static_cast<std::int64_t>(percent));
  if (full != disk_full_.exchange(full)) {
    if (full) {
      host_.logger().error("disk ", percent, "% used, above diskMaxUsedSpaceRatio ",
                           settings_.options.disk_max_used_space_ratio,
                           "%: refusing appends, reads go on");
    } else {
      host_.logger().info("disk ", percent, "% used: accepting appends again");
    }
  }
  return Status::ok();
}

int LmdbMessageStore::run_housekeeping(std::int64_t now_ms, bool force) noexcept {
  (void)check_disk();
  bool delete_hour = false;
  {
    const auto seconds = static_cast<std::time_t>(now_ms / 1000);
    std::tm local{};
    if (::localtime_r(&seconds, &local) != nullptr) {
      for (int hour : delete_hours_) delete_hour = delete_hour || hour == local.tm_hour;
    }
  }
  if (!force && !delete_hour && !disk_full_.load()) return 0;
  try {
    std::lock_guard write_lock(write_mu_);
    if (!serving_.load()) return 0;
    const std::int64_t segment = segment_size();
    const std::int64_t end = log_end_.load();
    if (end == 0) return 0;
    const std::int64_t last_segment = (end - 1) / segment;  // never deleted: being written
    const std::int64_t reserved_ms = settings_.options.file_reserved_time_hours * 3600 * 1000;
    int deleted = 0;
    std::int64_t new_min = log_min_.load();
    std::map<std::pair<std::string, std::int32_t>, std::int64_t> new_queue_min;
    {
      std::shared_lock map_lock(map_mu_);
      Txn txn;
      int rc = txn.begin(env_.env(), false);
      if (rc != MDB_SUCCESS) return 0;
      Cursor log;
      if (log.open(txn.get(), env_.log_db) != MDB_SUCCESS) return 0;
      for (std::int64_t seg = new_min / segment;
           seg < last_segment && deleted < kMaxSegmentsPerRound; ++seg) {
        // The newest message of the segment decides, as a file's last-modified time does.
        const std::string beyond = log_key((seg + 1) * segment);
        MDB_val k = to_val(beyond);
        MDB_val v{};
        rc = log.get(&k, &v, MDB_SET_RANGE);
        rc = log.get(&k, &v, rc == MDB_SUCCESS ? MDB_PREV : MDB_LAST);
        std::int64_t newest = -1;
        while (rc == MDB_SUCCESS && tail_i64(k) >= seg * segment) {
          newest = record_store_time(txn.get(), tail_i64(k));
          if (newest >= 0) break;
          rc = log.get(&k, &v, MDB_PREV);
        }
        if (newest >= 0 && now_ms - newest < reserved_ms) break;
        const std::string from = log_key(seg * segment);
        k = to_val(from);
        rc = log.get(&k, &v, MDB_SET_RANGE);
        while (rc == MDB_SUCCESS && tail_i64(k) < (seg + 1) * segment) {
          rc = log.del();
          if (rc == MDB_SUCCESS) rc = log.get(&k, &v, MDB_GET_CURRENT);
        }
        if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return 0;
        new_min = (seg + 1) * segment;
        ++deleted;
      }
      if (deleted == 0) return 0;
      // Queue entries that point at deleted records go; each queue keeps its last entry so
      // its max offset survives a restart.
      std::vector<std::tuple<std::string, std::int32_t, QueueState>> queues;
      {
        std::shared_lock lock(queues_mu_);
        for (const auto& [topic, by_id] : queues_) {
          for (const auto& [id, state] : by_id) queues.emplace_back(topic, id, state);
        }
      }
      Cursor cursor;
      if (cursor.open(txn.get(), env_.queue_db) != MDB_SUCCESS) return 0;
      for (const auto& [topic, id, state] : queues) {
        const std::string prefix = queue_key_prefix(topic, id);
        const std::string from = queue_key(topic, id, state.min);
        MDB_val k = to_val(from);
        MDB_val v{};
        std::int64_t queue_min = state.min;
        rc = cursor.get(&k, &v, MDB_SET_RANGE);
        while (rc == MDB_SUCCESS && starts_with(k, prefix) && tail_i64(k) < state.max - 1 &&
               decode_entry(v).physical_offset < new_min) {
          queue_min = tail_i64(k) + 1;
          rc = cursor.del();
          if (rc == MDB_SUCCESS) rc = cursor.get(&k, &v, MDB_GET_CURRENT);
        }
        if (queue_min != state.min) new_queue_min[{topic, id}] = queue_min;
      }
      Cursor index;
      if (index.open(txn.get(), env_.index_db) != MDB_SUCCESS) return 0;
      MDB_val k{};
      MDB_val v{};
      rc = index.get(&k, &v, MDB_FIRST);
      while (rc == MDB_SUCCESS) {
        if (k.mv_size >= 8 && tail_i64(k) < new_min) {
          rc = index.del();
          if (rc == MDB_SUCCESS) rc = index.get(&k, &v, MDB_GET_CURRENT);
        } else {
          rc = index.get(&k, &v, MDB_NEXT);
        }
      }
      index.close();
      cursor.close();
      log.close();
      rc = txn.commit();
      if (rc != MDB_SUCCESS) {
        host_.logger().error("retention commit failed: ", mdb_strerror(rc));
        return 0;
      }
    }
    log_min_.store(new_min);
    {
      std::unique_lock lock(queues_mu_);
      for (const auto& [id, min] : new_queue_min) {
        auto by_topic = queues_.find(id.first);
        if (by_topic == queues_.end()) continue;
        auto by_id = by_topic->second.find(id.second);
        if (by_id != by_topic->second.end()) by_id->second.min = min;
      }
    }
    host_.logger().info("retention deleted ", deleted, " log segments; log now starts at ",
                        new_min);
    (void)check_disk();
    return deleted;
  } catch (const std::exception& e) {
    host_.logger().error("retention failed: ", e.what());
    return 0;
  }
}

void LmdbMessageStore::background_loop() noexcept {
  const auto& options = settings_.options;
  const std::int64_t sync_every = std::max<std::int64_t>(1, options.flush_interval_commit_log_ms);
  const std::int64_t house_every = std::max<std::int64_t>(1, settings_.housekeeping_interval_ms);
  const auto now_steady_ms = [this] { return host_.clock().steady_ns() / 1000000; };
  std::int64_t next_sync = now_steady_ms() + sync_every;
  std::int64_t next_house = now_steady_ms() + house_every;
  std::unique_lock lock(background_mu_);
  while (!background_stop_) {
    const std::int64_t next = sync_flush_ ? next_house : std::min(next_sync, next_house);
    background_wake_.wait_for(
        lock, std::chrono::milliseconds(std::max<std::int64_t>(0, next - now_steady_ms())));
    if (background_stop_) break;
    lock.unlock();
    const std::int64_t now = now_steady_ms();
    if (!sync_flush_ && now >= next_sync) {
      const std::int64_t end = log_end_.load(std::memory_order_acquire);
      Status synced;
      {
        std::shared_lock map_lock(map_mu_);
        synced = env_.sync();
      }
      if (synced) {
        durable_end_.store(std::max(durable_end_.load(), end), std::memory_order_release);
      } else {
        failed_.store(true);
        host_.logger().error("LMDB sync failed, refusing further appends: ", synced.to_string());
      }
      next_sync = now + sync_every;
    }
    if (now >= next_house) {
      run_housekeeping(host_.clock().now_ms(), false);
      next_house = now + house_every;
    }
    lock.lock();
  }
}

}  // namespace mq::store_lmdb
