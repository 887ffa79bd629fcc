// Recovery of the commit log's end after a clean stop or a crash.
//
// The checkpoint names an offset below which the log, the consume queues and the index are all
// durable. From there the log is re-read record by record, checking magic, TOTALSIZE against the
// file, the record's own PHYSICALOFFSET and the body CRC; every good record is handed back so the
// consume queues and the index can catch up. The first record that fails (a torn tail, zeros
// where a crash lost pages) ends the log: the log is truncated there, and never serves it.
// After a clean stop the checkpoint is the end of the log, so nothing is re-read.
// Threads: runs inside start(), before the store serves anyone.
#pragma once

#include "commit_log.h"

#include "mq/sdk/status.h"
#include "mq/sdk/stored_record.h"

#include <cstdint>
#include <functional>

namespace mq::store_mmap {

struct RecoveryReport {
  std::int64_t scanned_from = 0;   // where the scan started
  std::int64_t log_end = 0;        // the end it found (a record boundary)
  std::int64_t records = 0;        // good records re-read
  std::int64_t dropped_bytes = 0;  // bytes after log_end that held something (the torn tail)
};

// Scans `log` from `from` (a record boundary; clamped into the files present), hands every good
// message record to `on_record`, then truncates the log at the end found and syncs what it read.
sdk::Result<RecoveryReport> recover_commit_log(
    CommitLog& log, std::int64_t from,
    const std::function<void(const sdk::record::StoredRecord&, std::int64_t)>& on_record) noexcept;

}  // namespace mq::store_mmap
