// One fixed-size file mapped into memory, named by the 20-digit offset of its first byte.
//
// Lifecycle: created or opened by MappedFile::open(), unmapped when the last shared_ptr goes,
// which is why readers pin the file they read with a shared_ptr (a deleted file stays mapped and
// readable until then). destroy() removes the file from the directory.
// Threads: one writer at a time (the owner's append lock) writes bytes and advances the write
// position with set_wrote_position(); any thread may read bytes below wrote_position() and call
// flush(). Bytes below the write position are never changed again, except by recovery before
// the store serves anyone.
// Writing: through the mapping (data()) or with write_at(). A file written only with
// write_at() never has a writable page-table entry, so the kernel's writeback (flush(), or its
// own) cleans its pages without write-protecting them: no TLB shootdown of the other CPUs and
// no write fault per page afterwards. The commit log writes that way; files written at small
// random places (consume queues, index) write through the mapping.
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace mq::store_mmap {

class MappedFile {
 public:
  // How a new file's blocks are allocated: reserved up front (files written in order, where a
  // fault into a hole costs a block allocation per page) or sparse (files written at random,
  // mostly never in full).
  enum class Blocks { kReserved, kSparse };

  // Maps `path` (`size` bytes), creating it when missing and `create` is set. A shorter
  // existing file (a crash during creation) is extended with zeros; a longer one is kCorruption.
  // With `warm` every page is touched once so the first appends do not fault.
  static sdk::Result<std::shared_ptr<MappedFile>> open(const std::string& path,
                                                       std::int64_t start_offset, std::int64_t size,
                                                       bool create, bool warm,
                                                       Blocks blocks = Blocks::kReserved) noexcept;

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // "00000000001073741824" for 1073741824.
  static std::string file_name(std::int64_t start_offset);

  const std::string& path() const noexcept { return path_; }
  std::int64_t start_offset() const noexcept { return start_offset_; }
  std::int64_t size() const noexcept { return size_; }
  std::int64_t end_offset() const noexcept { return start_offset_ + size_; }

  std::uint8_t* data() noexcept { return data_; }
  const std::uint8_t* data() const noexcept { return data_; }
  // The bytes [position, position + length) of the file. REQUIRES: inside the file.
  sdk::ByteView view(std::int64_t position, std::int64_t length) const noexcept {
    return sdk::ByteView(data_ + position, static_cast<std::size_t>(length));
  }

  // Copies `bytes` to [position, position + size) of the file with pwrite(), retrying short
  // writes. kIoError (naming the file) when the kernel refuses; bytes past the write position
  // may then hold part of the data, which the next write at that position replaces.
  // REQUIRES: inside the file; the writer has claim()ed up to the end of the range.
  sdk::Status write_at(std::int64_t position, sdk::ByteView bytes) noexcept;

  // Bytes written so far (relative to the file start); readers may read below it.
  std::int64_t wrote_position() const noexcept {
    return wrote_position_.load(std::memory_order_acquire);
  }
  // Publishes bytes written below `position` to readers. Writer only.
  void set_wrote_position(std::int64_t position) noexcept {
    wrote_position_.store(position, std::memory_order_release);
  }
  std::int64_t flushed_position() const noexcept {
    return flushed_position_.load(std::memory_order_acquire);
  }
  // Recovery only: both positions at `position`.
  void reset_positions(std::int64_t position) noexcept;
  bool is_full() const noexcept { return wrote_position() >= size_; }

  // Makes every byte below the write position, as seen at the call, durable (msync MS_SYNC of
  // the dirty pages). On success the flushed position is that write position; returns it.
  sdk::Result<std::int64_t> flush() noexcept;

  // Makes the bytes [begin, end) durable whatever the positions say (files written at random
  // places, such as the index).
  sdk::Status sync_range(std::int64_t begin, std::int64_t end) noexcept;

  // ---- page preparation -------------------------------------------------------------------
  // The first store into a page of a shared file mapping takes a page fault that allocates and
  // zero-fills the page cache page; on virtual machines that is several microseconds per page
  // (measured: ~2.3 us per KiB written, against ~0.3 us when the page is already cached). A
  // helper thread prepares pages ahead of the writer with pwrite() of zeros, which allocates
  // them cheaply, so the writer's stores find them cached.
  //
  // Contract: every writer calls claim(end) before storing below `end`; prepare() never writes
  // below a claimed end, the write position, or a page it has already prepared, so it never
  // overwrites data. Both may run on different threads.

  // Bytes below which every page has been prepared.
  std::int64_t prepared_position() const noexcept {
    return prepared_position_.load(std::memory_order_acquire);
  }
  // The writer is about to store below `end` (relative to the file start). Waits for a
  // preparation step in flight only when `end` is beyond the prepared position.
  void claim(std::int64_t end) noexcept;
  // Prepares pages from the prepared position (or above the claimed end) up to at most `end`,
  // `step` bytes per pwrite(). Returns the new prepared position; stops early when a write
  // fails (the writer then simply takes the faults).
  std::int64_t prepare(std::int64_t end, std::int64_t step) noexcept;

  // Zeroes [position, size) so a later scan cannot read stale records there. Recovery only.
  void zero_from(std::int64_t position) noexcept;

  // Last modification time of the file, ms since the epoch (retention), or -1.
  std::int64_t last_modified_ms() const noexcept;
  // Removes the file from its directory; the mapping stays valid for existing holders.
  sdk::Status destroy() noexcept;

 private:
  MappedFile(std::string path, std::int64_t start_offset, std::int64_t size, int fd,
             std::uint8_t* data) noexcept;

  // Constant after construction.
  const std::string path_;
  const std::int64_t start_offset_;
  const std::int64_t size_;
  const int fd_;
  std::uint8_t* const data_;

  std::atomic<std::int64_t> wrote_position_{0};
  std::atomic<std::int64_t> flushed_position_{0};

  std::mutex prepare_mu_;  // held by prepare() while it writes; by claim() beyond the prepared
  std::int64_t claimed_end_ = 0;  // guarded by prepare_mu_
  std::atomic<std::int64_t> prepared_position_{0};
};

}  // namespace mq::store_mmap
