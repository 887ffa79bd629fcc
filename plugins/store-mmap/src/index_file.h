// One index file: a fixed-size hash table from a key's hash to the physical offsets of the
// records carrying that key (layout in record_format.h). Full files are never written again.
//
// Threads: none of its own; the owner (MessageIndex) serialises every call with its mutex.
#pragma once

#include "mapped_file.h"

#include "mq/sdk/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mq::store_mmap {

class IndexFile {
 public:
  // Creates a new file at `path` for `slot_count` slots and `entry_limit` entries, or opens an
  // existing one (whose header decides both). kCorruption when the header is not ours.
  static sdk::Result<std::unique_ptr<IndexFile>> create(const std::string& path,
                                                        std::int32_t slot_count,
                                                        std::int32_t entry_limit) noexcept;
  static sdk::Result<std::unique_ptr<IndexFile>> open(const std::string& path) noexcept;

  bool is_full() const noexcept;
  std::int64_t begin_time_ms() const noexcept;
  std::int64_t end_time_ms() const noexcept;
  // Commit-log end of the last indexed record (0 before the first entry).
  std::int64_t end_offset() const noexcept;
  // Recovery: forget that records at or after `log_end` were indexed (entries pointing there
  // stay, and lookups re-check records anyway).
  void clamp_end_offset(std::int64_t log_end) noexcept;

  // Adds `key_hash` → `physical_offset`. REQUIRES: !is_full(); store times non-decreasing.
  void put(std::int32_t key_hash, std::int64_t physical_offset, std::int64_t store_time_ms,
           std::int64_t record_end) noexcept;
  // Physical offsets of entries with `key_hash` whose whole-second store time is within
  // [begin_ms, end_ms], newest first, appended to `out` until it holds `max`.
  void lookup(std::int32_t key_hash, std::int64_t begin_ms, std::int64_t end_ms, std::size_t max,
              std::vector<std::int64_t>* out) const;

  sdk::Status flush() noexcept { return file_->sync_range(0, file_->size()); }
  sdk::Status destroy() noexcept { return file_->destroy(); }

  static std::int64_t file_size(std::int32_t slot_count, std::int32_t entry_limit) noexcept;

 private:
  explicit IndexFile(std::shared_ptr<MappedFile> file) noexcept : file_(std::move(file)) {}
  std::int32_t header_i32(std::size_t at) const noexcept;
  std::int64_t header_i64(std::size_t at) const noexcept;
  void set_header_i32(std::size_t at, std::int32_t value) noexcept;
  void set_header_i64(std::size_t at, std::int64_t value) noexcept;

  std::shared_ptr<MappedFile> file_;
};

}  // namespace mq::store_mmap
