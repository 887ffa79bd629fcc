#include "commit_log.h"

#include "record_format.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace mq::store_mmap {

namespace record = sdk::record;

CommitLog::CommitLog(std::string directory, std::int64_t file_size, bool warm)
    : files_(std::move(directory), file_size, warm) {}

namespace {

sdk::Status write_segment(const CommitLog::Staged& staged,
                          const CommitLog::Staged::Segment& segment) noexcept {
  auto status = segment.file->write_at(
      segment.position, sdk::ByteView(staged.bytes.data() + segment.from, segment.size));
  if (!status) return status;
  segment.file->set_wrote_position(segment.position + static_cast<std::int64_t>(segment.size));
  return sdk::Status::ok();
}

}  // namespace

std::shared_ptr<MappedFile> CommitLog::tail_file(std::int64_t* position) const noexcept {
  if (tail_) {
    *position = tail_position_;
    return tail_;
  }
  std::shared_ptr<MappedFile> file = files_.last_file();
  *position = file ? file->wrote_position() : 0;
  return file;
}

std::uint8_t* CommitLog::grow(std::int64_t bytes) noexcept {
  const std::size_t need = staging_.used + static_cast<std::size_t>(bytes);
  try {
    if (staging_.bytes.size() < need)
      staging_.bytes.resize(std::max(need, 2 * staging_.bytes.size()));
    // stage() never allocates: room for one more segment, grown geometrically.
    if (staging_.segments.size() == staging_.segments.capacity()) {
      staging_.segments.reserve(std::max<std::size_t>(4, 2 * staging_.segments.size()));
    }
  } catch (...) {
    return nullptr;
  }
  return staging_.bytes.data() + staging_.used;
}

sdk::Result<CommitLog::Slot> CommitLog::reserve(std::int64_t bytes, bool* write_first) noexcept {
  *write_first = false;
  if (bytes <= 0 || bytes + kFillerMinSize > file_size()) {
    try {
      return sdk::Status(sdk::StatusCode::kMessageIllegal,
                         "record of " + std::to_string(bytes) +
                             " bytes does not fit in a commit-log file of " +
                             std::to_string(file_size()) + " bytes");
    } catch (...) {
      return sdk::Status(sdk::StatusCode::kMessageIllegal, "");
    }
  }
  // Room for the record, and for the filler that may come first.
  if (grow(bytes + kFillerMinSize) == nullptr) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory staging a record");
  }
  std::int64_t position = 0;
  std::shared_ptr<MappedFile> file = tail_file(&position);
  if (file && position < file->size()) {
    if (file->size() - position >= bytes + kFillerMinSize) {
      file->claim(position + bytes);
      preparer_.wrote(file, position + bytes);
      return Slot{file, staging_.bytes.data() + staging_.used, file->start_offset() + position};
    }
    // A new file follows: everything before the filler must be visible first, so that the log
    // never shows a file after one whose records are still on their way.
    if (file->wrote_position() != position) {
      *write_first = true;
      return sdk::Status(sdk::StatusCode::kUnavailable, "staged records must be written first");
    }
    std::uint8_t filler[8];
    record::put_u32(filler, static_cast<std::uint32_t>(file->size() - position));
    record::put_u32(filler + 4, record::kBlankMagic);
    file->claim(file->size());
    if (auto status = file->write_at(position, sdk::ByteView(filler, sizeof(filler))); !status) {
      return status;
    }
    file->set_wrote_position(file->size());
    tail_ = file;  // full: should creating the next file fail, the next reserve tries again
    tail_position_ = file->size();
  }
  const std::int64_t start = file ? file->end_offset() : 0;
  auto created = files_.create_file(start);
  if (!created.ok()) return created.status();
  file = std::move(created.value());
  tail_ = file;
  tail_position_ = 0;
  file->claim(bytes);
  preparer_.wrote(file, bytes);
  return Slot{file, staging_.bytes.data() + staging_.used, file->start_offset()};
}

void CommitLog::stage(const Slot& slot, std::int64_t bytes) noexcept {
  const std::int64_t position = slot.offset - slot.file->start_offset();
  auto& segments = staging_.segments;
  if (!segments.empty() && segments.back().file == slot.file &&
      segments.back().position + static_cast<std::int64_t>(segments.back().size) == position) {
    segments.back().size += static_cast<std::size_t>(bytes);
  } else {
    // reserve() made room for this element: no allocation, no throw.
    segments.push_back({slot.file, position, staging_.used, static_cast<std::size_t>(bytes)});
  }
  staging_.used += static_cast<std::size_t>(bytes);
  tail_ = slot.file;
  tail_position_ = position + bytes;
}

void CommitLog::take_staged(Staged& into) noexcept {
  into.clear();
  std::swap(into, staging_);
  // A buffer grown for one large batch is not kept.
  if (staging_.bytes.size() > (4u << 20)) std::vector<std::uint8_t>().swap(staging_.bytes);
}

sdk::Status CommitLog::write_staged(const Staged& staged) noexcept {
  for (const auto& segment : staged.segments) {
    if (auto status = write_segment(staged, segment); !status) return status;
  }
  return sdk::Status::ok();
}

sdk::Status CommitLog::append_raw(
    std::int64_t at, sdk::ByteView records,
    const std::function<void(const record::StoredRecord&, std::int64_t)>& on_record) noexcept {
  try {
    if (files_.empty() && at > 0) {
      // A new slave of a master whose oldest files are gone starts its log where the master's
      // transfer starts.
      auto started = files_.start_at(at);
      if (!started) return started;
    }
    if (at != end_offset()) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "replicated records at " + std::to_string(at) + " but the log ends at " +
                             std::to_string(end_offset()));
    }
    std::int64_t offset = at;
    while (!records.empty()) {
      record::StoredRecord decoded;
      const auto status = record::decode_record(records, &decoded, true);
      std::shared_ptr<MappedFile> file = files_.last_file();
      if (!file || file->is_full()) {
        auto created =
            files_.create_file(file ? file->end_offset() : offset / file_size() * file_size());
        if (!created.ok()) return created.status();
        file = std::move(created.value());
      }
      const std::int64_t position = file->wrote_position();
      const std::int64_t remaining = file->size() - position;
      if (status == record::DecodeStatus::kBlank) {
        if (decoded.total_size != remaining ||
            records.size() < static_cast<std::size_t>(remaining)) {
          return sdk::Status(
              sdk::StatusCode::kCorruption,
              "replicated filler at " + std::to_string(offset) + " does not end at its file's end");
        }
      } else if (status != record::DecodeStatus::kOk) {
        return sdk::Status(sdk::StatusCode::kCorruption,
                           "replicated record at " + std::to_string(offset) + " fails its checks");
      } else if (decoded.total_size + kFillerMinSize > remaining) {
        return sdk::Status(
            sdk::StatusCode::kCorruption,
            "replicated record at " + std::to_string(offset) + " would cross the end of its file");
      }
      const auto size = static_cast<std::size_t>(decoded.total_size);
      file->claim(position + decoded.total_size);
      if (auto written = file->write_at(position, records.first(size)); !written) return written;
      tail_.reset();
      file->set_wrote_position(position + decoded.total_size);
      preparer_.wrote(file, position + decoded.total_size);
      if (status == record::DecodeStatus::kOk) {
        record::StoredRecord stored;
        (void)record::decode_record(file->view(position, decoded.total_size), &stored, false);
        on_record(stored, offset);
      }
      offset += decoded.total_size;
      records = records.subspan(size);
    }
    return sdk::Status::ok();
  } catch (const std::exception& e) {
    return sdk::Status(sdk::StatusCode::kInternal, std::string("append_raw: ") + e.what());
  }
}

sdk::Result<CommitLog::View> CommitLog::read(std::int64_t offset,
                                             std::int64_t size) const noexcept {
  std::shared_ptr<MappedFile> file = files_.find(offset);
  const std::int64_t position = file ? offset - file->start_offset() : 0;
  if (!file || size < 0 || position + size > file->wrote_position()) {
    return sdk::Status(sdk::StatusCode::kNotFound, "");
  }
  return View{file->view(position, size), std::move(file)};
}

sdk::Result<CommitLog::View> CommitLog::read_record(std::int64_t offset) const noexcept {
  std::shared_ptr<MappedFile> file = files_.find(offset);
  if (!file) return sdk::Status(sdk::StatusCode::kNotFound, "");
  const std::int64_t position = offset - file->start_offset();
  const std::int64_t written = file->wrote_position();
  if (position + 8 > written) return sdk::Status(sdk::StatusCode::kNotFound, "");
  const std::uint8_t* header = file->data() + position;
  const std::int32_t size = record::get_i32(header);
  const std::uint32_t magic = record::get_u32(header + record::kMagicOffset);
  if (magic == record::kBlankMagic) return sdk::Status(sdk::StatusCode::kNotFound, "");
  if (magic != record::kMessageMagic || size < 8 || position + size > written) {
    return sdk::Status(sdk::StatusCode::kCorruption, "");
  }
  return View{file->view(position, size), std::move(file)};
}

sdk::Result<CommitLog::View> CommitLog::read_log(std::int64_t from,
                                                 std::int64_t max_bytes) const noexcept {
  std::shared_ptr<MappedFile> file = files_.find(from);
  if (!file) {
    if (from == end_offset()) return View{};
    return sdk::Status(sdk::StatusCode::kNotFound, "");
  }
  const std::int64_t begin = from - file->start_offset();
  const std::int64_t written = file->wrote_position();
  std::int64_t position = begin;
  while (position + 8 <= written) {
    const std::int32_t size = record::get_i32(file->data() + position);
    if (size < 8 || position + size > written) {
      return sdk::Status(sdk::StatusCode::kCorruption, "");
    }
    if (position > begin && position + size - begin > max_bytes) break;
    position += size;
  }
  return View{file->view(begin, position - begin), std::move(file)};
}

}  // namespace mq::store_mmap
