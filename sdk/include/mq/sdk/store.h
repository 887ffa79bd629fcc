// The storage seam: an append-only commit log of RocketMQ records plus per-queue indexes.
//
// Records are stored in the RocketMQ 4.x stored layout (remoting-protocol.md §5.1) so a pull
// can hand them to clients as they are, and so that a master on one store plugin can feed a
// slave on another: the replicated unit is the record bytes at their physical offset.
//
// Durability: append() completes its callback only when the flush policy of StoreOptions is
// met: under SYNC_FLUSH once the record is on disk (kFlushDiskTimeout after
// sync_flush_timeout_ms, the record stays stored), under ASYNC_FLUSH once it is in the log.
// No thread is parked per request: waiters are data, completed by the flushing thread.
// Threads: every method may be called from any thread. Callbacks run on the store's own
// threads (or inline, before append() returns) and must not block.
#pragma once

#include "mq/sdk/abi.h"
#include "mq/sdk/bytes.h"
#include "mq/sdk/offsets.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"
#include "mq/sdk/stored_record.h"  // HostAddress, the record layout

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mq::sdk {

// One message to append. Views must stay valid until append() returns (the store copies what
// it keeps before returning).
struct MessageToAppend {
  std::string_view topic;
  std::int32_t queue_id = 0;
  std::int32_t flag = 0;      // user flag, stored as is
  std::int32_t sys_flag = 0;  // MessageSysFlag; bits 4/5 are set from the host lengths
  std::int64_t born_timestamp_ms = 0;
  HostAddress born_host;
  HostAddress store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  ByteView body;                // as sent (compressed if sys_flag bit 0)
  std::string_view properties;  // §5.3 encoding, as to be stored
  std::int64_t tags_code = 0;   // consume-queue filter code (§5.7)
  std::string_view keys;        // space-separated index keys (KEYS)
  std::string_view unique_key;  // UNIQ_KEY, indexed too
};

// The records of one append (or batch) are contiguous in the log, in order, in one segment:
// record i starts at physical_offset + the sizes of records 0..i-1, each of
// record::encoded_size() bytes (mq/sdk/stored_record.h), which gives every message id.
struct AppendResult {
  PhysicalOffset physical_offset;  // of the first record
  std::int32_t bytes = 0;          // total bytes written
  QueueOffset queue_offset;        // of the first message
  std::int32_t message_count = 0;
  std::int64_t store_timestamp_ms = 0;
};

// Completes exactly once. A non-OK status with a filled result means "stored, but the policy
// was not met" (kFlushDiskTimeout); any other non-OK status means nothing was stored.
using AppendCallback = std::function<void(const Status& status, const AppendResult& result)>;

// Which tags a reader wants: empty = all; otherwise messages whose tags code is in the set.
struct TagFilter {
  std::vector<std::int32_t> codes;
  bool matches(std::int64_t tags_code) const noexcept {
    if (codes.empty()) return true;
    for (auto code : codes)
      if (code == static_cast<std::int32_t>(tags_code)) return true;
    return false;
  }
};

enum class ReadStatus : std::uint32_t {
  kFound = 0,
  kNoMatchedMessage = 1,     // entries scanned, none passed the filter
  kOffsetFoundNull = 2,      // consume-queue entry points at deleted log data
  kOffsetOverflowOne = 3,    // offset == max: caught up
  kOffsetOverflowBadly = 4,  // offset > max
  kOffsetTooSmall = 5,       // offset < min
  kNoMatchedLogicQueue = 6,  // queue does not exist
  kNoMessageInQueue = 7,     // queue exists but is empty
};

// Records read from one queue. `records` are whole stored records, pinned by `keepalive`.
struct QueueReadResult {
  ReadStatus status = ReadStatus::kNoMatchedLogicQueue;
  std::vector<ByteView> records;
  std::shared_ptr<const void> keepalive;
  QueueOffset next_offset;  // where the next read should start (scanned, not matched)
  QueueOffset min_offset;
  QueueOffset max_offset;
};

class MQ_SDK_API MessageStore : public PluginInstance {
 public:
  // Opens or creates the store and recovers it: from the checkpoint after a clean stop, by
  // checking records from the last safe point after a crash (a torn tail is truncated).
  virtual Status start() noexcept = 0;

  // Appends one message (or, for append_batch, several to the same topic/queue with
  // consecutive queue offsets). Fails at once with kMessageIllegal (too large), kDiskFull
  // (disk above diskMaxUsedSpaceRatio), kUnavailable (stopped or read-only), kIoError.
  virtual void append(const MessageToAppend& message, AppendCallback done) noexcept = 0;
  virtual void append_batch(const std::vector<MessageToAppend>& messages,
                            AppendCallback done) noexcept = 0;

  // Deferred appends: as append() and append_batch(), except that the store may hold the
  // append, and its callback, until complete_deferred() (or, at the latest, a few
  // milliseconds), so that appends arriving together are written to the log together. A
  // deferred append is readable as soon as it is acknowledged, never before it is stored, and
  // is never acknowledged before it is as safe as an append's. Callers that receive requests
  // in batches (a transport's on_frames_end()) defer within the batch and complete at its
  // end. The defaults append at once.
  virtual void append_deferred(const MessageToAppend& message, AppendCallback done) noexcept {
    append(message, std::move(done));
  }
  virtual void append_batch_deferred(const std::vector<MessageToAppend>& messages,
                                     AppendCallback done) noexcept {
    append_batch(messages, std::move(done));
  }
  // Writes what this store deferred and runs those appends' callbacks (on this thread, or on
  // whichever thread finishes them). Default: nothing was deferred.
  virtual void complete_deferred() noexcept {}

  // Reads up to `max_messages` (and about `max_bytes`) records of one queue from `offset`.
  virtual QueueReadResult read_queue(std::string_view topic, std::int32_t queue_id,
                                     QueueOffset offset, std::int32_t max_messages,
                                     std::int64_t max_bytes, const TagFilter& filter) noexcept = 0;

  virtual QueueOffset min_offset(std::string_view topic, std::int32_t queue_id) noexcept = 0;
  // One past the last message (0 for an empty or missing queue).
  virtual QueueOffset max_offset(std::string_view topic, std::int32_t queue_id) noexcept = 0;
  // The queue offset whose store time is nearest `timestamp_ms` (§3.7 semantics).
  virtual QueueOffset offset_by_time(std::string_view topic, std::int32_t queue_id,
                                     std::int64_t timestamp_ms) noexcept = 0;
  // Store time of the message at `offset`, or -1.
  virtual std::int64_t store_time(std::string_view topic, std::int32_t queue_id,
                                  QueueOffset offset) noexcept = 0;

  // The whole record at `offset` (a view pinned by the result's keepalive).
  struct RecordView {
    ByteView record;
    std::shared_ptr<const void> keepalive;
  };
  virtual Result<RecordView> read_at(PhysicalOffset offset) noexcept = 0;

  // Records whose KEYS or UNIQ_KEY contain `key`, stored within [begin_ms, end_ms].
  virtual Result<std::vector<RecordView>> lookup_by_key(std::string_view topic,
                                                        std::string_view key, std::int32_t max,
                                                        std::int64_t begin_ms,
                                                        std::int64_t end_ms) noexcept = 0;

  // Deletes a topic's queues (the log keeps its records until retention removes them).
  virtual Status delete_topic(std::string_view topic) noexcept = 0;

  // --- replication support -------------------------------------------------------------
  // End of the log (next physical offset to be written), and the end known to be durable.
  virtual PhysicalOffset log_end() const noexcept = 0;
  virtual PhysicalOffset durable_end() const noexcept = 0;
  // Raw log bytes from `from`, at most `max_bytes` (but at least one whole record), ending on
  // a record boundary. The bytes are exactly as stored, end-of-file fillers included (so a slave's
  // log is byte-identical), and never cross a segment file: the next read starts at from +
  // record.size(). An empty view means `from` is the end of the log.
  virtual Result<RecordView> read_log(PhysicalOffset from, std::int64_t max_bytes) noexcept = 0;
  // Slave side: appends records received from the master at exactly `at` (which must equal
  // log_end(); an empty log starts wherever the master's first bytes start), checks them
  // (magic, size, body CRC; kCorruption stops at the first bad one, earlier ones stay
  // applied), and dispatches them to the consume queues and the index.
  virtual Status apply_replicated(PhysicalOffset at, ByteView records) noexcept = 0;
};

}  // namespace mq::sdk
