// LatencyHistogram: latencies in microseconds in log-linear buckets (about 3 % precision),
// mergeable, with percentiles. Constant memory whatever the number of samples.
// Not thread-safe: give each thread its own and merge.
#pragma once

#include <array>
#include <cstdint>

namespace mq::bench {

class LatencyHistogram {
 public:
  void record(std::int64_t micros) noexcept;
  void merge(const LatencyHistogram& other) noexcept;
  std::int64_t count() const noexcept { return count_; }
  std::int64_t max() const noexcept { return max_; }
  // The smallest bucket bound below which `fraction` (0..1) of the samples fall.
  std::int64_t percentile(double fraction) const noexcept;

 private:
  static constexpr int kSubBits = 5;  // 32 linear steps per power of two
  static constexpr int kBuckets = (64 - kSubBits) << kSubBits;
  static int bucket_of(std::uint64_t value) noexcept;
  static std::int64_t upper_bound_of(int bucket) noexcept;

  std::array<std::int64_t, kBuckets> buckets_{};
  std::int64_t count_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace mq::bench
