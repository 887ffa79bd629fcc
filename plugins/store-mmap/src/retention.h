// When files may be deleted, and whether the disk is too full to append.
//
// RocketMQ semantics: commit-log files last modified more than fileReservedTime hours ago are
// deleted during the hours listed in deleteWhen ("04", or "04;16"), or at any hour while the
// disk is above diskMaxUsedSpaceRatio percent. Above that ratio appends are refused with
// kDiskFull; reads go on. Consume-queue and index files go once every record they point at is
// gone from the log.
// Threads: immutable after construction; every method is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mq::store_mmap {

class RetentionPolicy {
 public:
  // `delete_when` is a ';'-separated list of hours 0..23 (others are ignored).
  RetentionPolicy(std::string_view delete_when, std::int64_t file_reserved_time_hours,
                  std::int64_t disk_max_used_space_ratio);

  // Whether the local hour of `now_ms` is one of the delete hours.
  bool is_delete_hour(std::int64_t now_ms) const noexcept;
  // Whether a file last modified at `modified_ms` has outlived fileReservedTime at `now_ms`.
  bool is_expired(std::int64_t modified_ms, std::int64_t now_ms) const noexcept;
  // Whether `used_percent` (0..100) is above diskMaxUsedSpaceRatio.
  bool is_disk_full(double used_percent) const noexcept;

  const std::vector<int>& delete_hours() const noexcept { return delete_hours_; }

 private:
  std::vector<int> delete_hours_;
  std::int64_t reserved_ms_;
  std::int64_t max_used_percent_;
};

// Percentage of the file system holding `path` that is in use, as `df` counts it, or -1 when
// it cannot be measured.
double disk_used_percent(const std::string& path) noexcept;

}  // namespace mq::store_mmap
