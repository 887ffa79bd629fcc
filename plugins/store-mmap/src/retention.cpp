#include "retention.h"

#include <sys/statvfs.h>

#include <ctime>

namespace mq::store_mmap {

RetentionPolicy::RetentionPolicy(std::string_view delete_when,
                                 std::int64_t file_reserved_time_hours,
                                 std::int64_t disk_max_used_space_ratio)
    : reserved_ms_(file_reserved_time_hours * 3600 * 1000),
      max_used_percent_(disk_max_used_space_ratio) {
  while (!delete_when.empty()) {
    const std::size_t end = delete_when.find(';');
    const std::string_view part = delete_when.substr(0, end);
    int hour = 0;
    bool digits = !part.empty() && part.size() <= 2;
    for (char c : part) {
      if (c < '0' || c > '9') digits = false;
      hour = hour * 10 + (c - '0');
    }
    if (digits && hour < 24) delete_hours_.push_back(hour);
    if (end == std::string_view::npos) break;
    delete_when.remove_prefix(end + 1);
  }
}

bool RetentionPolicy::is_delete_hour(std::int64_t now_ms) const noexcept {
  const std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm local{};
  if (::localtime_r(&seconds, &local) == nullptr) return false;
  for (int hour : delete_hours_) {
    if (hour == local.tm_hour) return true;
  }
  return false;
}

bool RetentionPolicy::is_expired(std::int64_t modified_ms, std::int64_t now_ms) const noexcept {
  return modified_ms >= 0 && now_ms - modified_ms >= reserved_ms_;
}

bool RetentionPolicy::is_disk_full(double used_percent) const noexcept {
  return used_percent >= 0 && used_percent > static_cast<double>(max_used_percent_);
}

double disk_used_percent(const std::string& path) noexcept {
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0 || info.f_blocks == 0) return -1;
  const double total = static_cast<double>(info.f_blocks);
  const double available = static_cast<double>(info.f_bavail);
  const double free_blocks = static_cast<double>(info.f_bfree);
  const double used = total - free_blocks;
  // df: used / (used + available to unprivileged users).
  const double usable = used + available;
  return usable <= 0 ? 100.0 : used * 100.0 / usable;
}

}  // namespace mq::store_mmap
