#include "index_file.h"

#include "record_format.h"

#include "mq/sdk/stored_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <new>

namespace mq::store_mmap {

namespace record = sdk::record;

std::int64_t IndexFile::file_size(std::int32_t slot_count, std::int32_t entry_limit) noexcept {
  return static_cast<std::int64_t>(kIndexHeaderSize) +
         static_cast<std::int64_t>(slot_count) * static_cast<std::int64_t>(kIndexSlotSize) +
         static_cast<std::int64_t>(entry_limit) * static_cast<std::int64_t>(kIndexEntrySize);
}

sdk::Result<std::unique_ptr<IndexFile>> IndexFile::create(const std::string& path,
                                                          std::int32_t slot_count,
                                                          std::int32_t entry_limit) noexcept {
  if (slot_count <= 0 || entry_limit <= 0) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument, "index slots and entries must be > 0");
  }
  auto file = MappedFile::open(path, 0, file_size(slot_count, entry_limit), true, false,
                               MappedFile::Blocks::kSparse);
  if (!file.ok()) return file.status();
  std::unique_ptr<IndexFile> index(new (std::nothrow) IndexFile(std::move(file.value())));
  if (!index) return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory");
  record::put_u32(index->file_->data() + kIndexHeaderMagic, kIndexMagic);
  index->set_header_i32(kIndexHeaderSlotCount, slot_count);
  index->set_header_i32(kIndexHeaderEntryLimit, entry_limit);
  return index;
}

sdk::Result<std::unique_ptr<IndexFile>> IndexFile::open(const std::string& path) noexcept {
  // The header decides the size.
  std::uint8_t header[kIndexHeaderSize] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sdk::Status(sdk::StatusCode::kIoError, "cannot open " + path);
  const ssize_t got = ::pread(fd, header, sizeof(header), 0);
  ::close(fd);
  std::int32_t slots = 0;
  std::int32_t entries = 0;
  if (got == static_cast<ssize_t>(sizeof(header)) &&
      record::get_u32(header + kIndexHeaderMagic) == kIndexMagic) {
    slots = record::get_i32(header + kIndexHeaderSlotCount);
    entries = record::get_i32(header + kIndexHeaderEntryLimit);
  }
  if (slots <= 0 || entries <= 0) {
    return sdk::Status(sdk::StatusCode::kCorruption, "bad index file header in " + path);
  }
  auto file = MappedFile::open(path, 0, file_size(slots, entries), false, false);
  if (!file.ok()) return file.status();
  std::unique_ptr<IndexFile> index(new (std::nothrow) IndexFile(std::move(file.value())));
  if (!index) return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory");
  return index;
}

std::int32_t IndexFile::header_i32(std::size_t at) const noexcept {
  return record::get_i32(file_->data() + at);
}
std::int64_t IndexFile::header_i64(std::size_t at) const noexcept {
  return record::get_i64(file_->data() + at);
}
void IndexFile::set_header_i32(std::size_t at, std::int32_t value) noexcept {
  record::put_u32(file_->data() + at, static_cast<std::uint32_t>(value));
}
void IndexFile::set_header_i64(std::size_t at, std::int64_t value) noexcept {
  record::put_u64(file_->data() + at, static_cast<std::uint64_t>(value));
}

bool IndexFile::is_full() const noexcept {
  return header_i32(kIndexHeaderEntryCount) >= header_i32(kIndexHeaderEntryLimit);
}
std::int64_t IndexFile::begin_time_ms() const noexcept { return header_i64(kIndexHeaderBeginTime); }
std::int64_t IndexFile::end_time_ms() const noexcept { return header_i64(kIndexHeaderEndTime); }
std::int64_t IndexFile::end_offset() const noexcept { return header_i64(kIndexHeaderEndOffset); }

void IndexFile::clamp_end_offset(std::int64_t log_end) noexcept {
  if (end_offset() > log_end) set_header_i64(kIndexHeaderEndOffset, log_end);
}

void IndexFile::put(std::int32_t key_hash, std::int64_t physical_offset, std::int64_t store_time_ms,
                    std::int64_t record_end) noexcept {
  std::uint8_t* base = file_->data();
  const std::int32_t slots = header_i32(kIndexHeaderSlotCount);
  const std::int32_t count = header_i32(kIndexHeaderEntryCount);
  if (count == 0) {
    set_header_i64(kIndexHeaderBeginTime, store_time_ms);
    set_header_i64(kIndexHeaderBeginOffset, physical_offset);
  }
  const std::int64_t begin_time = header_i64(kIndexHeaderBeginTime);
  const auto slot = static_cast<std::uint32_t>(key_hash) % static_cast<std::uint32_t>(slots);
  std::uint8_t* slot_at = base + kIndexHeaderSize + slot * kIndexSlotSize;
  const std::int32_t number = count + 1;  // 1-based, 0 ends a chain
  std::uint8_t* entry = base + kIndexHeaderSize + static_cast<std::size_t>(slots) * kIndexSlotSize +
                        static_cast<std::size_t>(count) * kIndexEntrySize;
  record::put_u32(entry + kIndexEntryKeyHash, static_cast<std::uint32_t>(key_hash));
  record::put_u64(entry + kIndexEntryPhysOffset, static_cast<std::uint64_t>(physical_offset));
  const std::int64_t delta_s = std::max<std::int64_t>(0, (store_time_ms - begin_time) / 1000);
  record::put_u32(entry + kIndexEntryTimeDelta, static_cast<std::uint32_t>(delta_s));
  record::put_u32(entry + kIndexEntryPrevious, record::get_u32(slot_at));
  record::put_u32(slot_at, static_cast<std::uint32_t>(number));
  set_header_i32(kIndexHeaderEntryCount, number);
  set_header_i64(kIndexHeaderEndTime, store_time_ms);
  if (record_end > end_offset()) set_header_i64(kIndexHeaderEndOffset, record_end);
}

void IndexFile::lookup(std::int32_t key_hash, std::int64_t begin_ms, std::int64_t end_ms,
                       std::size_t max, std::vector<std::int64_t>* out) const {
  const std::uint8_t* base = file_->data();
  const std::int32_t slots = header_i32(kIndexHeaderSlotCount);
  const std::int32_t count = header_i32(kIndexHeaderEntryCount);
  const std::int64_t begin_time = header_i64(kIndexHeaderBeginTime);
  const auto slot = static_cast<std::uint32_t>(key_hash) % static_cast<std::uint32_t>(slots);
  std::int32_t number = record::get_i32(base + kIndexHeaderSize + slot * kIndexSlotSize);
  const std::uint8_t* entries =
      base + kIndexHeaderSize + static_cast<std::size_t>(slots) * kIndexSlotSize;
  // A chain only points backwards; the bound stops a damaged file from looping.
  std::int32_t previous_number = count + 1;
  while (number > 0 && number < previous_number && out->size() < max) {
    const std::uint8_t* entry = entries + static_cast<std::size_t>(number - 1) * kIndexEntrySize;
    const std::int64_t time =
        begin_time +
        static_cast<std::int64_t>(record::get_u32(entry + kIndexEntryTimeDelta)) * 1000;
    if (record::get_i32(entry + kIndexEntryKeyHash) == key_hash && time >= begin_ms &&
        time <= end_ms) {
      out->push_back(record::get_i64(entry + kIndexEntryPhysOffset));
    }
    previous_number = number;
    number = record::get_i32(entry + kIndexEntryPrevious);
  }
}

}  // namespace mq::store_mmap
