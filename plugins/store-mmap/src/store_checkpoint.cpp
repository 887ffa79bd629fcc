#include "store_checkpoint.h"

#include "record_format.h"

#include "mq/sdk/stored_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mq::store_mmap {

namespace record = sdk::record;

std::int64_t StoreCheckpoint::safe_offset() const noexcept {
  return std::min({log_flushed, queues_flushed, index_flushed});
}

bool StoreCheckpoint::read(const std::string& path, StoreCheckpoint* out) noexcept {
  *out = StoreCheckpoint{};
  std::uint8_t buffer[kCheckpointSize] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t got = ::pread(fd, buffer, sizeof(buffer), 0);
  ::close(fd);
  if (got != static_cast<ssize_t>(sizeof(buffer)) ||
      record::get_u32(buffer + kCheckpointMagic) != kCheckpointMagicValue ||
      record::get_u32(buffer + kCheckpointVersion) != 1 ||
      record::get_u32(buffer + kCheckpointCrc) !=
          record::crc32(sdk::ByteView(buffer, kCheckpointCrc))) {
    return false;
  }
  out->log_flushed = record::get_i64(buffer + kCheckpointLogFlushed);
  out->queues_flushed = record::get_i64(buffer + kCheckpointQueuesFlushed);
  out->index_flushed = record::get_i64(buffer + kCheckpointIndexFlushed);
  return true;
}

sdk::Status StoreCheckpoint::write(const std::string& path) const noexcept {
  std::uint8_t buffer[kCheckpointSize] = {};
  record::put_u32(buffer + kCheckpointMagic, kCheckpointMagicValue);
  record::put_u32(buffer + kCheckpointVersion, 1);
  record::put_u64(buffer + kCheckpointLogFlushed, static_cast<std::uint64_t>(log_flushed));
  record::put_u64(buffer + kCheckpointQueuesFlushed, static_cast<std::uint64_t>(queues_flushed));
  record::put_u64(buffer + kCheckpointIndexFlushed, static_cast<std::uint64_t>(index_flushed));
  record::put_u32(buffer + kCheckpointCrc, record::crc32(sdk::ByteView(buffer, kCheckpointCrc)));
  char temporary[4096];
  if (path.size() + 5 > sizeof(temporary)) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument, "checkpoint path too long");
  }
  std::snprintf(temporary, sizeof(temporary), "%s.tmp", path.c_str());
  const int fd = ::open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return sdk::Status(sdk::StatusCode::kIoError, "cannot write the checkpoint");
  const bool written =
      ::pwrite(fd, buffer, sizeof(buffer), 0) == static_cast<ssize_t>(sizeof(buffer)) &&
      ::fdatasync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temporary, path.c_str()) != 0) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       std::string("cannot write the checkpoint: ") + std::strerror(errno));
  }
  return sdk::Status::ok();
}

}  // namespace mq::store_mmap
