// The store checkpoint: three commit-log offsets below which the log, the consume queues and the
// index are known to be durable. Recovery re-reads the log from the smallest of them.
//
// The file (layout in record_format.h) is replaced atomically: written to "<path>.tmp", synced,
// renamed over the path. A missing or damaged checkpoint reads as all zeros (recover from the
// start of the log).
// Threads: not thread-safe; the store's housekeeping thread writes it, start() reads it.
#pragma once

#include "mq/sdk/status.h"

#include <cstdint>
#include <string>

namespace mq::store_mmap {

struct StoreCheckpoint {
  std::int64_t log_flushed = 0;     // every log byte below is durable
  std::int64_t queues_flushed = 0;  // every record below has its consume-queue entry durable
  std::int64_t index_flushed = 0;   // every record below is durably indexed

  std::int64_t safe_offset() const noexcept;

  // Reads `path`. Returns false (and zeros) when it is missing or fails its checks.
  static bool read(const std::string& path, StoreCheckpoint* out) noexcept;
  // Durably replaces `path` with this checkpoint.
  sdk::Status write(const std::string& path) const noexcept;
};

}  // namespace mq::store_mmap
