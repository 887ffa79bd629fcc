#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

namespace mq::store_mmap {
namespace {

sdk::Status io_error(const std::string& what, const std::string& path, int error) {
  return sdk::Status(sdk::StatusCode::kIoError, what + " " + path + ": " + std::strerror(error));
}

constexpr std::int64_t kPageSize = 4096;

}  // namespace

std::string MappedFile::file_name(std::int64_t start_offset) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld", static_cast<long long>(start_offset));
  return name;
}

sdk::Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path,
                                                          std::int64_t start_offset,
                                                          std::int64_t size, bool create, bool warm,
                                                          Blocks blocks) noexcept {
  try {
    if (size <= 0) return sdk::Status(sdk::StatusCode::kInvalidArgument, "bad file size");
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0) return io_error("cannot open", path, errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
      const int error = errno;
      ::close(fd);
      return io_error("cannot stat", path, error);
    }
    if (info.st_size > size) {
      ::close(fd);
      return sdk::Status(sdk::StatusCode::kCorruption,
                         path + " is " + std::to_string(info.st_size) + " bytes, expected " +
                             std::to_string(size) + ": was the mapped file size changed?");
    }
    if (info.st_size < size) {
      // Reserve the blocks up front: writing through the mapping into a hole costs a block
      // allocation and a zero-filled read per page fault (measured: ~6x the CPU of writing into
      // allocated blocks), and a hole that cannot be allocated later (disk full) would kill the
      // process with SIGBUS instead of failing an append. Where the file system cannot reserve
      // (no support, no space), the file is sized sparse as before and the store's disk-space
      // check refuses appends before the disk fills.
      const bool reserved = blocks == Blocks::kReserved && ::fallocate(fd, 0, 0, size) == 0;
      if (!reserved && ::ftruncate(fd, size) != 0) {
        const int error = errno;
        ::close(fd);
        return io_error("cannot size", path, error);
      }
    }
    void* mapped =
        ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      return io_error("cannot map", path, error);
    }
    auto* data = static_cast<std::uint8_t*>(mapped);
    if (warm) {
      for (std::int64_t at = 0; at < size; at += kPageSize) {
        volatile std::uint8_t* page = data + at;
        *page = *page;
      }
    }
    return std::shared_ptr<MappedFile>(new MappedFile(path, start_offset, size, fd, data));
  } catch (const std::bad_alloc&) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory mapping " + path);
  }
}

MappedFile::MappedFile(std::string path, std::int64_t start_offset, std::int64_t size, int fd,
                       std::uint8_t* data) noexcept
    : path_(std::move(path)), start_offset_(start_offset), size_(size), fd_(fd), data_(data) {}

MappedFile::~MappedFile() {
  ::munmap(data_, static_cast<std::size_t>(size_));
  ::close(fd_);
}

void MappedFile::reset_positions(std::int64_t position) noexcept {
  wrote_position_.store(position, std::memory_order_release);
  flushed_position_.store(position, std::memory_order_release);
}

sdk::Result<std::int64_t> MappedFile::flush() noexcept {
  const std::int64_t target = wrote_position();
  const std::int64_t flushed = flushed_position();
  if (target <= flushed) return flushed;
  const std::int64_t begin = flushed / kPageSize * kPageSize;
  if (::msync(data_ + begin, static_cast<std::size_t>(target - begin), MS_SYNC) != 0) {
    const int error = errno;
    try {
      return io_error("msync failed on", path_, error);
    } catch (...) {
      return sdk::Status(sdk::StatusCode::kIoError, "msync failed");
    }
  }
  // Only the flusher advances this, so a plain max is enough.
  if (target > flushed_position()) flushed_position_.store(target, std::memory_order_release);
  return target;
}

sdk::Status MappedFile::write_at(std::int64_t position, sdk::ByteView bytes) noexcept {
  const std::uint8_t* from = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t wrote = ::pwrite(fd_, from, left, position);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      const int error = wrote < 0 ? errno : EIO;
      try {
        return io_error("cannot write " + std::to_string(left) + " bytes at " +
                            std::to_string(position) + " of",
                        path_, error);
      } catch (...) {
        return sdk::Status(sdk::StatusCode::kIoError, "pwrite failed");
      }
    }
    from += wrote;
    left -= static_cast<std::size_t>(wrote);
    position += wrote;
  }
  return sdk::Status::ok();
}

sdk::Status MappedFile::sync_range(std::int64_t begin, std::int64_t end) noexcept {
  begin = begin / kPageSize * kPageSize;
  end = std::min(end, size_);
  if (end <= begin) return sdk::Status::ok();
  if (::msync(data_ + begin, static_cast<std::size_t>(end - begin), MS_SYNC) != 0) {
    return sdk::Status(sdk::StatusCode::kIoError, "msync failed");
  }
  return sdk::Status::ok();
}

void MappedFile::claim(std::int64_t end) noexcept {
  if (end <= prepared_position()) return;
  std::lock_guard lock(prepare_mu_);
  claimed_end_ = std::max(claimed_end_, end);
}

std::int64_t MappedFile::prepare(std::int64_t end, std::int64_t step) noexcept {
  static constexpr std::uint8_t kZeros[64 * 1024] = {};
  auto page_up = [](std::int64_t at) { return (at + kPageSize - 1) / kPageSize * kPageSize; };
  end = std::min(page_up(end), size_);
  step = std::clamp<std::int64_t>(step, kPageSize, static_cast<std::int64_t>(sizeof(kZeros)));
  for (;;) {
    // One step per lock hold, so a writer claiming past the prepared position waits for one
    // pwrite() at most.
    std::lock_guard lock(prepare_mu_);
    const std::int64_t at =
        std::max({prepared_position(), page_up(claimed_end_), page_up(wrote_position())});
    if (at >= end) break;
    const ssize_t wrote =
        ::pwrite(fd_, kZeros, static_cast<std::size_t>(std::min(step, end - at)), at);
    if (wrote <= 0) break;
    prepared_position_.store(at + wrote, std::memory_order_release);
  }
  return prepared_position();
}

void MappedFile::zero_from(std::int64_t position) noexcept {
  if (position >= size_) return;
  // Zero the partial first page by hand and turn whole pages into allocated zero ranges (they
  // read back as zeros without being written and stay reserved); else punch them out; fall back
  // to writing zeros where neither is supported.
  const std::int64_t aligned = std::min(size_, (position + kPageSize - 1) / kPageSize * kPageSize);
  std::memset(data_ + position, 0, static_cast<std::size_t>(aligned - position));
  if (aligned < size_ &&
      ::fallocate(fd_, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, aligned, size_ - aligned) != 0 &&
      ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, aligned, size_ - aligned) != 0) {
    std::memset(data_ + aligned, 0, static_cast<std::size_t>(size_ - aligned));
  }
}

std::int64_t MappedFile::last_modified_ms() const noexcept {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return -1;
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
}

sdk::Status MappedFile::destroy() noexcept {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    const int error = errno;
    try {
      return io_error("cannot delete", path_, error);
    } catch (...) {
      return sdk::Status(sdk::StatusCode::kIoError, "unlink failed");
    }
  }
  return sdk::Status::ok();
}

}  // namespace mq::store_mmap
