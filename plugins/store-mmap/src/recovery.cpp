#include "recovery.h"

#include "record_format.h"

#include <algorithm>

namespace mq::store_mmap {

namespace record = sdk::record;

namespace {

// Bytes in [position, end of file) up to the last non-zero one, looking at most 16 MiB ahead:
// how much of a torn tail was dropped (for the log line).
std::int64_t nonzero_span(const MappedFile& file, std::int64_t position) noexcept {
  constexpr std::int64_t kLookAhead = 16 * 1024 * 1024;
  std::int64_t last = -1;
  const std::int64_t end = std::min(file.size(), position + kLookAhead);
  for (std::int64_t at = position; at < end; ++at) {
    if (file.data()[at] != 0) last = at;
  }
  return last < 0 ? 0 : last + 1 - position;
}

}  // namespace

sdk::Result<RecoveryReport> recover_commit_log(
    CommitLog& log, std::int64_t from,
    const std::function<void(const record::StoredRecord&, std::int64_t)>& on_record) noexcept {
  RecoveryReport report;
  auto files = log.files().files();
  if (files.empty()) return report;
  from = std::clamp(from, files.front()->start_offset(), files.back()->end_offset());
  report.scanned_from = from;
  std::int64_t offset = from;
  while (true) {
    std::shared_ptr<MappedFile> file = log.files().find(offset);
    if (!file) break;  // the end of the last file
    const std::int64_t position = offset - file->start_offset();
    const std::int64_t remaining = file->size() - position;
    record::StoredRecord decoded;
    const auto status = remaining >= kFillerMinSize
                            ? record::decode_record(file->view(position, remaining), &decoded, true)
                            : record::DecodeStatus::kTruncated;
    if (status == record::DecodeStatus::kBlank && decoded.total_size == remaining) {
      offset = file->end_offset();
      continue;
    }
    if (status != record::DecodeStatus::kOk || decoded.physical_offset != offset ||
        decoded.total_size + kFillerMinSize > remaining) {
      report.dropped_bytes = nonzero_span(*file, position);
      break;
    }
    on_record(decoded, offset);
    ++report.records;
    offset += decoded.total_size;
  }
  report.log_end = offset;
  auto truncated = log.truncate_to(offset);
  if (!truncated) return truncated;
  // What was read may still sit only in the page cache (a crash of the process, not of the
  // machine): make it durable before reporting it as the log.
  for (const auto& file : log.files().files()) {
    if (file->end_offset() <= from) continue;
    auto synced = file->sync_range(std::max<std::int64_t>(0, from - file->start_offset()),
                                   file->wrote_position());
    if (!synced) return synced;
  }
  return report;
}

}  // namespace mq::store_mmap
