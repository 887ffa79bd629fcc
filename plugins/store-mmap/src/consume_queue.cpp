#include "consume_queue.h"

#include "record_format.h"

#include "mq/sdk/stored_record.h"

namespace mq::store_mmap {

namespace record = sdk::record;
constexpr auto kEntry = static_cast<std::int64_t>(kConsumeQueueEntrySize);

namespace {

ConsumeQueueEntry decode_entry(const std::uint8_t* p) noexcept {
  ConsumeQueueEntry entry;
  entry.physical_offset = record::get_i64(p + kCqPhysicalOffset);
  entry.size = record::get_i32(p + kCqSize);
  entry.tags_code = record::get_i64(p + kCqTagsCode);
  return entry;
}

}  // namespace

bool ConsumeQueueEntry::is_blank() const noexcept { return size == kCqBlankSize; }

ConsumeQueueEntry ConsumeQueue::Run::at(std::int64_t i) const noexcept {
  return decode_entry(data + i * kEntry);
}

ConsumeQueue::ConsumeQueue(std::string topic, std::int32_t queue_id, std::string directory,
                           std::int64_t file_size)
    : topic_(std::move(topic)),
      queue_id_(queue_id),
      files_(std::move(directory), file_size, false) {}

sdk::Status ConsumeQueue::load() noexcept {
  auto status = files_.load();
  if (!status) return status;
  auto last = files_.last_file();
  if (!last) return sdk::Status::ok();
  std::int64_t position = 0;
  while (position + kEntry <= last->size() &&
         record::get_i32(last->data() + position + kCqSize) != 0) {
    position += kEntry;
  }
  status = files_.truncate_to(last->start_offset() + position);
  if (!status) return status;
  min_offset_.store(files_.min_offset() / kEntry, std::memory_order_release);
  return sdk::Status::ok();
}

sdk::Status ConsumeQueue::truncate_after(std::int64_t log_end) noexcept {
  std::int64_t end = max_offset();
  ConsumeQueueEntry entry;
  while (end > min_offset() && get(end - 1, &entry) &&
         (entry.is_blank() || entry.physical_offset + entry.size > log_end)) {
    --end;
  }
  if (end == max_offset()) return sdk::Status::ok();
  if (end < min_offset()) end = min_offset();
  return files_.truncate_to(end * kEntry);
}

void ConsumeQueue::correct_min_offset(std::int64_t log_min) noexcept {
  std::int64_t offset = std::max(min_offset(), files_.min_offset() / kEntry);
  const std::int64_t end = max_offset();
  ConsumeQueueEntry entry;
  while (offset < end && get(offset, &entry) &&
         (entry.is_blank() || entry.physical_offset < log_min)) {
    ++offset;
  }
  min_offset_.store(offset, std::memory_order_release);
}

std::int64_t ConsumeQueue::max_offset() const noexcept { return files_.max_offset() / kEntry; }

std::int64_t ConsumeQueue::last_record_end() const noexcept {
  ConsumeQueueEntry entry;
  for (std::int64_t offset = max_offset() - 1; offset >= min_offset(); --offset) {
    if (!get(offset, &entry)) break;
    if (!entry.is_blank()) return entry.physical_offset + entry.size;
  }
  return -1;
}

sdk::Status ConsumeQueue::write_entry(std::int64_t physical_offset, std::int32_t size,
                                      std::int64_t tags_code) noexcept {
  auto file = files_.last_file();
  if (!file || file->is_full()) {
    auto created = files_.create_file(file ? file->end_offset() : 0);
    if (!created.ok()) return created.status();
    file = std::move(created.value());
  }
  const std::int64_t position = file->wrote_position();
  std::uint8_t* p = file->data() + position;
  record::put_u64(p + kCqPhysicalOffset, static_cast<std::uint64_t>(physical_offset));
  record::put_u32(p + kCqSize, static_cast<std::uint32_t>(size));
  record::put_u64(p + kCqTagsCode, static_cast<std::uint64_t>(tags_code));
  file->set_wrote_position(position + kEntry);
  return sdk::Status::ok();
}

sdk::Status ConsumeQueue::put(std::int64_t queue_offset, std::int64_t physical_offset,
                              std::int32_t size, std::int64_t tags_code, bool* gap) noexcept {
  if (gap) *gap = false;
  const bool was_empty = files_.empty();
  if (was_empty && queue_offset > 0) {
    // A queue that starts late (its older files were deleted, or a slave joined late) begins
    // with the file that holds its first entry; blanks fill that file up to it.
    auto status = files_.start_at(queue_offset * kEntry / files_.file_size() * files_.file_size());
    if (!status) return status;
    min_offset_.store(queue_offset, std::memory_order_release);
  }
  std::int64_t end = max_offset();
  if (queue_offset < end) return sdk::Status::ok();
  if (queue_offset > end && gap && !was_empty) *gap = true;
  for (; end < queue_offset; ++end) {
    auto status = write_entry(0, kCqBlankSize, 0);
    if (!status) return status;
  }
  return write_entry(physical_offset, size, tags_code);
}

bool ConsumeQueue::get(std::int64_t queue_offset, ConsumeQueueEntry* out) const noexcept {
  if (queue_offset < 0) return false;
  auto file = files_.find(queue_offset * kEntry);
  if (!file) return false;
  const std::int64_t position = queue_offset * kEntry - file->start_offset();
  if (position + kEntry > file->wrote_position()) return false;
  *out = decode_entry(file->data() + position);
  return true;
}

ConsumeQueue::Run ConsumeQueue::read(std::int64_t queue_offset,
                                     std::int64_t max_entries) const noexcept {
  Run run;
  if (queue_offset < 0 || max_entries <= 0) return run;
  auto file = files_.find(queue_offset * kEntry);
  if (!file) return run;
  const std::int64_t position = queue_offset * kEntry - file->start_offset();
  const std::int64_t available = (file->wrote_position() - position) / kEntry;
  if (available <= 0) return run;
  run.data = file->data() + position;
  run.count = std::min(available, max_entries);
  run.file = std::move(file);
  return run;
}

int ConsumeQueue::delete_files_below(std::int64_t log_min) noexcept {
  const int deleted = files_.delete_front_while(
      [log_min](const MappedFile& file) {
        if (file.wrote_position() < file.size()) return false;
        const auto last = decode_entry(file.data() + file.size() - kEntry);
        return last.is_blank() || last.physical_offset + last.size <= log_min;
      },
      1 << 20);
  correct_min_offset(log_min);
  return deleted;
}

}  // namespace mq::store_mmap
