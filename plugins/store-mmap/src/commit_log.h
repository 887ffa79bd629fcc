// The commit log: every topic's records, back to back in the §5.1 layout, in mapped segment
// files of mappedFileSizeCommitLog bytes. A record never spans two files; the unused tail of a
// file is one end-of-file filler record (record_format.h).
//
// Lifecycle: load(), then recovery sets the end (truncate_to), then appends and reads.
// Threads: reserve()/publish()/append_raw()/truncate_to() belong to one writer at a time (the
// store's append lock). Reads may run on any thread concurrently with the writer: a record is
// visible once publish() has returned, and its bytes never change afterwards.
// Writes: records are encoded into a staging buffer and copied into the file with one pwrite()
// per publish() (MappedFile::write_at), never through the mapping, which readers alone use.
// A store into a shared mapping leaves a writable, dirty page-table entry that every writeback
// (the flusher's msync) must write-protect again, with a TLB shootdown to the other CPUs and a
// write fault on the next store; the pwrite() costs less than that (measured: broker CPU per
// message -19 % under ASYNC_FLUSH, -36 % under SYNC_FLUSH). The data is in the page cache when
// publish() returns, so a crash of the process loses nothing published.
#pragma once

#include "mapped_file_queue.h"
#include "page_preparer.h"

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"
#include "mq/sdk/stored_record.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mq::store_mmap {

class CommitLog {
 public:
  CommitLog(std::string directory, std::int64_t file_size, bool warm);

  sdk::Status load() noexcept { return files_.load(); }
  MappedFileQueue& files() noexcept { return files_; }
  const MappedFileQueue& files() const noexcept { return files_; }
  std::int64_t file_size() const noexcept { return files_.file_size(); }

  // Start of the oldest file still on disk, and the end of the published records.
  std::int64_t min_offset() const noexcept { return files_.min_offset(); }
  std::int64_t end_offset() const noexcept { return files_.max_offset(); }

  // Starts and stops the thread that prepares pages ahead of the writer (PagePreparer).
  // Optional: without it appends work the same, taking a page fault per new page.
  void start_preparing() noexcept { static_cast<void>(preparer_.start()); }
  void stop_preparing() noexcept { preparer_.stop(); }

  // ---- writer ------------------------------------------------------------------------------
  // Room for `bytes` contiguous bytes in one file: `data` is the writer's staging buffer,
  // valid until the next reserve(); nothing reaches the file or readers until publish().
  struct Slot {
    std::shared_ptr<MappedFile> file;
    std::uint8_t* data = nullptr;
    std::int64_t offset = 0;  // physical offset of data[0]
  };
  // Reserves `bytes` at the end of the log. When the current file keeps fewer than
  // bytes + kFillerMinSize bytes, its tail becomes a filler (published at once) and the slot
  // starts a new file. Fails with kMessageIllegal when bytes + kFillerMinSize exceeds the file
  // size, kIoError when a file cannot be created or the filler cannot be written,
  // kResourceExhausted when the staging buffer cannot grow.
  sdk::Result<Slot> reserve(std::int64_t bytes) noexcept;
  // Writes the first `bytes` of the last reserved slot to its file and makes them visible.
  // On kIoError nothing becomes visible and the log ends where it ended before.
  sdk::Status publish(const Slot& slot, std::int64_t bytes) noexcept;

  // Slave side: writes `records` (whole message records and fillers, as read_log() returned them
  // on the master) at `at`, which must be end_offset(). Each message record is checked (magic,
  // size, body CRC) and handed to `on_record` after it is published. A filler must end exactly
  // at its file's end. Fails with kInvalidArgument (wrong `at`) or kCorruption (a bad record, or
  // a record that would cross a file end); records before the bad one stay applied.
  sdk::Status append_raw(std::int64_t at, sdk::ByteView records,
                         const std::function<void(const sdk::record::StoredRecord&, std::int64_t)>&
                             on_record) noexcept;

  // Recovery: the log ends at `end` (a record boundary); everything after is deleted.
  sdk::Status truncate_to(std::int64_t end) noexcept { return files_.truncate_to(end); }

  // ---- readers ----------------------------------------------------------------------------
  // Bytes pinned by `file`.
  struct View {
    sdk::ByteView bytes;
    std::shared_ptr<MappedFile> file;
  };
  // The whole message record starting at `offset`. kNotFound when no published message record
  // starts there (deleted, beyond the end, or a filler); kCorruption when its header is bad.
  sdk::Result<View> read_record(std::int64_t offset) const noexcept;
  // `size` published bytes at `offset`, inside one file.
  sdk::Result<View> read(std::int64_t offset, std::int64_t size) const noexcept;
  // Whole records (fillers included) from `from`, within one file: as many as fit in
  // `max_bytes`, at least one. An empty view when `from` is the end.
  sdk::Result<View> read_log(std::int64_t from, std::int64_t max_bytes) const noexcept;

 private:
  // Grows the staging buffer to at least `bytes`; false when memory is short.
  bool stage(std::int64_t bytes) noexcept;

  MappedFileQueue files_;
  // The writer's staging buffer (see Slot); kept between appends up to kKeptStagingBytes.
  static constexpr std::int64_t kKeptStagingBytes = 4 << 20;
  std::unique_ptr<std::uint8_t[]> staging_;
  std::int64_t staging_bytes_ = 0;
  // 16 MiB ahead: about 40 ms of appends at 400 MB/s, refilled in 8 MiB rounds.
  PagePreparer preparer_{16 << 20, 64 << 10};
};

}  // namespace mq::store_mmap
