// The commit log: every topic's records, back to back in the §5.1 layout, in mapped segment
// files of mappedFileSizeCommitLog bytes. A record never spans two files; the unused tail of a
// file is one end-of-file filler record (record_format.h).
//
// Lifecycle: load(), then recovery sets the end (truncate_to), then appends and reads.
// Threads: reserve()/stage()/take_staged()/append_raw()/truncate_to() belong to one writer at a
// time (the store's append lock); write_staged() to one thread at a time (the store's commit
// lock). Reads may run on any thread concurrently with both: a record is visible once
// write_staged() has written it, and its bytes never change afterwards.
// Writes: records are encoded into a staging buffer and reach the file with pwrite(), one per
// group of records staged together (write_staged), never through the mapping, which readers
// alone use. A store into a shared mapping leaves a writable, dirty page-table entry that every
// writeback (the flusher's msync) must write-protect again, with a TLB shootdown to the other
// CPUs and a write fault on the next store; pwrite() costs less than that, and one pwrite() for
// many records far less (measured in docs/BENCHMARKS.md). A record is in the page cache, and
// readable, once write_staged() has returned; its owner acknowledges it only then, so a crash
// of the process loses nothing acknowledged.
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
#include <vector>

namespace mq::store_mmap {

class CommitLog {
 public:
  CommitLog(std::string directory, std::int64_t file_size, bool warm);

  sdk::Status load() noexcept {
    tail_.reset();
    return files_.load();
  }
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
  // Room for `bytes` contiguous bytes in one file, after everything staged: `data` points into
  // the staging buffer, valid until the next reserve() or take_staged().
  struct Slot {
    std::shared_ptr<MappedFile> file;
    std::uint8_t* data = nullptr;
    std::int64_t offset = 0;  // physical offset of data[0]
  };
  // Reserves `bytes` at the end of the log. When the current file keeps fewer than
  // bytes + kFillerMinSize bytes, its tail becomes a filler (written at once) and the slot
  // starts a new file; that needs every record before the filler written first: when they are
  // not, nothing is reserved and `*write_first` is set (write what is staged, then call again).
  // Fails with kMessageIllegal when bytes + kFillerMinSize exceeds the file size, kIoError when a
  // file cannot be created, kResourceExhausted when the staging buffer cannot grow.
  sdk::Result<Slot> reserve(std::int64_t bytes, bool* write_first) noexcept;
  // Stages the first `bytes` of the last reserved slot; write_staged() writes them.
  void stage(const Slot& slot, std::int64_t bytes) noexcept;
  // Bytes staged and not yet taken.
  std::int64_t staged_bytes() const noexcept { return static_cast<std::int64_t>(staging_.used); }

  // Records staged together, in log order: taken by take_staged(), written by write_staged().
  struct Staged {
    struct Segment {
      std::shared_ptr<MappedFile> file;
      std::int64_t position = 0;  // in the file
      std::size_t from = 0;       // in `bytes`
      std::size_t size = 0;
    };
    std::vector<std::uint8_t> bytes;
    std::size_t used = 0;
    std::vector<Segment> segments;
    void clear() noexcept {
      used = 0;
      segments.clear();
    }
  };
  // Swaps the staged records into `into` (empty; its buffer becomes the next staging buffer).
  void take_staged(Staged& into) noexcept;
  // Writes taken records to their files and makes them visible, in order. Calls must not
  // overlap and must follow the order of take_staged(). On kIoError the records from the
  // failed one on are not visible; the log then ends before them until recovery.
  static sdk::Status write_staged(const Staged& staged) noexcept;

  // Slave side: writes `records` (whole message records and fillers, as read_log() returned them
  // on the master) at `at`, which must be end_offset(). Each message record is checked (magic,
  // size, body CRC) and handed to `on_record` after it is published. A filler must end exactly
  // at its file's end. Fails with kInvalidArgument (wrong `at`) or kCorruption (a bad record, or
  // a record that would cross a file end); records before the bad one stay applied.
  sdk::Status append_raw(std::int64_t at, sdk::ByteView records,
                         const std::function<void(const sdk::record::StoredRecord&, std::int64_t)>&
                             on_record) noexcept;

  // Recovery: the log ends at `end` (a record boundary); everything after is deleted.
  sdk::Status truncate_to(std::int64_t end) noexcept {
    tail_.reset();
    return files_.truncate_to(end);
  }

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
  // The end of the staged records: the file and position the next record goes to.
  std::shared_ptr<MappedFile> tail_file(std::int64_t* position) const noexcept;
  // Room for `bytes` more in the staging buffer; null when memory is short.
  std::uint8_t* grow(std::int64_t bytes) noexcept;

  MappedFileQueue files_;
  Staged staging_;  // writer only
  // Where the staged records end; unset (null) when nothing was staged since the end last
  // changed otherwise (load, recovery, replicated appends).
  std::shared_ptr<MappedFile> tail_;
  std::int64_t tail_position_ = 0;
  // 16 MiB ahead: about 40 ms of appends at 400 MB/s, refilled in 8 MiB rounds.
  PagePreparer preparer_{16 << 20, 64 << 10};
};

}  // namespace mq::store_mmap
