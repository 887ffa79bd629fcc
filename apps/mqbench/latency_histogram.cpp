#include "latency_histogram.h"

#include <algorithm>
#include <bit>

namespace mq::bench {

int LatencyHistogram::bucket_of(std::uint64_t value) noexcept {
  if (value < (1u << kSubBits)) return static_cast<int>(value);
  const int high = 63 - std::countl_zero(value);  // position of the top bit, >= kSubBits
  const int shift = high - kSubBits;
  const int sub = static_cast<int>((value >> shift) & ((1u << kSubBits) - 1));
  return ((shift + 1) << kSubBits) + sub;
}

std::int64_t LatencyHistogram::upper_bound_of(int bucket) noexcept {
  const int major = bucket >> kSubBits;
  const std::int64_t sub = bucket & ((1 << kSubBits) - 1);
  if (major == 0) return sub;
  const int shift = major - 1;
  return (((std::int64_t{1} << kSubBits) | sub) + 1) << shift;
}

void LatencyHistogram::record(std::int64_t micros) noexcept {
  if (micros < 0) micros = 0;
  const int bucket = std::min(bucket_of(static_cast<std::uint64_t>(micros)), kBuckets - 1);
  ++buckets_[static_cast<std::size_t>(bucket)];
  ++count_;
  max_ = std::max(max_, micros);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::int64_t LatencyHistogram::percentile(double fraction) const noexcept {
  if (count_ == 0) return 0;
  const auto wanted = static_cast<std::int64_t>(fraction * static_cast<double>(count_) + 0.5);
  std::int64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<std::size_t>(i)];
    if (seen >= std::max<std::int64_t>(1, wanted)) return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace mq::bench
