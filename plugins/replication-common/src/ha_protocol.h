// The HA wire protocol between a master and its slaves: RocketMQ 4.x's offset reports and
// transfer frames, with the master's log end and an explicit refusal added to each frame header.
// It runs between our own processes only; both replication plugins use this one definition.
//
// slave -> master, a report (8 bytes):
//   int64 log_end     the slave's MessageStore::log_end() when the report was written: every
//                     byte before it is applied to the slave's log and dispatched to its consume
//                     queues (in its page cache; not necessarily on its disk). The first report on
//                     a connection also tells the master where to start streaming. Sent on
//                     connect, after each batch of applied frames, and every
//                     haSendHeartbeatInterval ms.
//
// master -> slave, a transfer frame (20-byte header, then body_size bytes):
//   int64 offset      physical offset of the body's first byte; the slave applies the body
//                     only when offset equals its own log end
//   int32 body_size   > 0: raw log bytes as MessageStore::read_log() returned them (whole
//                     records, fillers included); 0: a heartbeat (sent every
//                     haSendHeartbeatInterval ms while the slave is caught up); < 0: a refusal
//                     (RefusalCode), after which the master closes the connection
//   int64 master_end  the master's log end when the frame was built
//
// Every integer is big-endian. A stream is always whole frames/reports in order; a peer that
// sends anything else is disconnected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mq::replication {

inline constexpr std::size_t kReportSize = 8;
inline constexpr std::size_t kFrameHeaderSize = 20;

// A slave refuses a frame whose body is larger than this (a broken or foreign peer): 64 MiB,
// far above haTransferBatchSize plus the largest record.
inline constexpr std::int32_t kMaxFrameBodySize = 64 * 1024 * 1024;

// Why a master refuses to stream to a slave. The slave stops following on any of them: its log
// cannot continue the master's.
enum class RefusalCode : std::int32_t {
  // The slave's log end is past the master's log end: the slave holds data the master lacks.
  kBeyondMasterEnd = -1,
  // The slave's log end is not a record boundary of the master's log.
  kNotARecordBoundary = -2,
  // The master no longer has the data at the slave's log end (its files were deleted).
  kNoLongerAvailable = -3,
};

// One sentence for an operator.
std::string_view refusal_text(std::int32_t code) noexcept;

struct FrameHeader {
  std::int64_t offset = 0;
  std::int32_t body_size = 0;
  std::int64_t master_end = 0;
};

void encode_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept;  // 20 bytes
FrameHeader decode_frame_header(const std::uint8_t* in) noexcept;                 // 20 bytes
void encode_report(std::int64_t log_end, std::uint8_t* out) noexcept;             // 8 bytes
std::int64_t decode_report(const std::uint8_t* in) noexcept;                      // 8 bytes

}  // namespace mq::replication
