// An ordered run of equal-size MappedFiles that together hold one growing byte sequence (the
// commit log, or one consume queue). File k starts at first_start + k * file_size.
//
// Lifecycle: load() maps what is on disk with every file treated as full; the owner then calls
// truncate_to() with the true end it found. Files are added at the back by the writer and
// removed from the front by retention.
// Threads: one writer (the owner's append lock) calls create_file() and truncate_to(); any
// thread may look files up, flush and delete from the front. The file list is guarded by a
// mutex held only to copy or edit the list; lookups hand out shared_ptrs that pin the files.
#pragma once

#include "mapped_file.h"

#include "mq/sdk/status.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mq::store_mmap {

class MappedFileQueue {
 public:
  MappedFileQueue(std::string directory, std::int64_t file_size, bool warm);

  const std::string& directory() const noexcept { return directory_; }
  std::int64_t file_size() const noexcept { return file_size_; }

  // Maps every file of the directory whose name is 20 digits. Fails with kCorruption when the
  // files are not contiguous or a start offset is not a multiple of the file size.
  sdk::Status load() noexcept;

  // Creates the file starting at `start_offset` and appends it to the list. REQUIRES: the list
  // is empty, or `start_offset` is the end of the last file; a multiple of file_size().
  sdk::Result<std::shared_ptr<MappedFile>> create_file(std::int64_t start_offset) noexcept;

  std::vector<std::shared_ptr<MappedFile>> files() const;
  std::shared_ptr<MappedFile> first_file() const noexcept;
  std::shared_ptr<MappedFile> last_file() const noexcept;
  // The file holding byte `offset`, or null.
  std::shared_ptr<MappedFile> find(std::int64_t offset) const noexcept;
  bool empty() const noexcept;

  // Start of the first file (0 when there is none).
  std::int64_t min_offset() const noexcept;
  // End of the written bytes: last file start + its write position (0 when there is none).
  std::int64_t max_offset() const noexcept;

  // Makes every byte written before the call durable, file by file. Returns the end offset
  // below which everything is durable.
  sdk::Result<std::int64_t> flush() noexcept;
  std::int64_t flushed_end() const noexcept { return flushed_end_.load(std::memory_order_acquire); }
  // Bytes written but not yet flushed.
  std::int64_t dirty_bytes() const noexcept;

  // Sets the end of the sequence to `end`: files starting at or after it are deleted, the file
  // holding it is zeroed past it, earlier files are full and flushed. Writer only.
  sdk::Status truncate_to(std::int64_t end) noexcept;
  // Starts an empty queue at `offset` (rounded down to a file start): nothing below exists.
  // REQUIRES: empty().
  sdk::Status start_at(std::int64_t offset) noexcept;

  // Deletes files from the front while `expired(file)` holds, never the last file and at most
  // `max_files`. Returns how many went.
  int delete_front_while(const std::function<bool(const MappedFile&)>& expired,
                         int max_files) noexcept;
  // Deletes every file and the directory.
  void destroy_all() noexcept;

 private:
  // Constant after construction.
  const std::string directory_;
  const std::int64_t file_size_;
  const bool warm_;

  mutable std::mutex mu_;
  std::vector<std::shared_ptr<MappedFile>> files_;  // guarded by mu_, ordered by start offset
  std::atomic<std::int64_t> flushed_end_{0};
};

}  // namespace mq::store_mmap
