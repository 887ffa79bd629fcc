#include "ha_protocol.h"

#include "mq/sdk/stored_record.h"

namespace mq::replication {

namespace record = sdk::record;

std::string_view refusal_text(std::int32_t code) noexcept {
  switch (static_cast<RefusalCode>(code)) {
    case RefusalCode::kBeyondMasterEnd:
      return "the slave's log is longer than the master's (the slave holds data the master "
             "does not have)";
    case RefusalCode::kNotARecordBoundary:
      return "the slave's log end is not a record boundary in the master's log (the logs differ)";
    case RefusalCode::kNoLongerAvailable:
      return "the master no longer has log data at the slave's log end (its files were deleted)";
  }
  return "the master refused the slave for an unknown reason";
}

void encode_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept {
  record::put_u64(out, static_cast<std::uint64_t>(header.offset));
  record::put_u32(out + 8, static_cast<std::uint32_t>(header.body_size));
  record::put_u64(out + 12, static_cast<std::uint64_t>(header.master_end));
}

FrameHeader decode_frame_header(const std::uint8_t* in) noexcept {
  FrameHeader header;
  header.offset = record::get_i64(in);
  header.body_size = record::get_i32(in + 8);
  header.master_end = record::get_i64(in + 12);
  return header;
}

void encode_report(std::int64_t log_end, std::uint8_t* out) noexcept {
  record::put_u64(out, static_cast<std::uint64_t>(log_end));
}

std::int64_t decode_report(const std::uint8_t* in) noexcept { return record::get_i64(in); }

}  // namespace mq::replication
