// RetentionPolicy: deleteWhen hours, fileReservedTime, diskMaxUsedSpaceRatio.
#include "retention.h"

#include <gtest/gtest.h>

#include <ctime>

namespace mq::store_mmap {
namespace {

std::int64_t local_time_ms(int hour) {
  std::tm local{};
  local.tm_year = 124;
  local.tm_mon = 0;
  local.tm_mday = 15;
  local.tm_hour = hour;
  local.tm_min = 30;
  local.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&local)) * 1000;
}

TEST(Retention, DeleteWhenHours) {
  RetentionPolicy policy("04;16;xx;25", 72, 75);
  EXPECT_EQ(policy.delete_hours(), (std::vector<int>{4, 16}));
  EXPECT_TRUE(policy.is_delete_hour(local_time_ms(4)));
  EXPECT_TRUE(policy.is_delete_hour(local_time_ms(16)));
  EXPECT_FALSE(policy.is_delete_hour(local_time_ms(5)));
}

TEST(Retention, ExpiryAndDiskRatio) {
  RetentionPolicy policy("04", 72, 75);
  const std::int64_t hour = 3600 * 1000;
  EXPECT_FALSE(policy.is_expired(0, 71 * hour));
  EXPECT_TRUE(policy.is_expired(0, 72 * hour));
  EXPECT_FALSE(policy.is_expired(-1, 100 * hour)) << "unknown age is never expired";
  EXPECT_FALSE(policy.is_disk_full(75.0));
  EXPECT_TRUE(policy.is_disk_full(75.5));
  EXPECT_FALSE(policy.is_disk_full(-1)) << "unmeasurable disk is not full";
}

TEST(Retention, DiskUsageIsMeasurable) {
  const double used = disk_used_percent(".");
  EXPECT_GT(used, 0.0);
  EXPECT_LE(used, 100.0);
  EXPECT_LT(disk_used_percent("/no/such/path/at/all"), 0.0);
}

}  // namespace
}  // namespace mq::store_mmap
