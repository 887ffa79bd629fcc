// Distinct value types for the numbers a broker must never mix up: a byte position in the
// commit log and a message index in a consume queue are both 64-bit integers, and swapping
// them compiles in Java and corrupts reads. Here it does not compile.
#pragma once

#include <compare>
#include <cstdint>

namespace mq::sdk {

// A strongly typed 64-bit integer. Tag makes each instantiation a distinct type.
template <typename Tag>
class TypedOffset {
 public:
  constexpr TypedOffset() noexcept = default;
  constexpr explicit TypedOffset(std::int64_t value) noexcept : value_(value) {}
  constexpr std::int64_t value() const noexcept { return value_; }
  constexpr auto operator<=>(const TypedOffset&) const noexcept = default;
  constexpr TypedOffset operator+(std::int64_t delta) const noexcept {
    return TypedOffset(value_ + delta);
  }
  constexpr std::int64_t operator-(TypedOffset other) const noexcept {
    return value_ - other.value_;
  }

 private:
  std::int64_t value_ = 0;
};

struct PhysicalOffsetTag {};
struct QueueOffsetTag {};

// Byte position of a record in the commit log (RocketMQ "physical offset", PHYSICALOFFSET).
using PhysicalOffset = TypedOffset<PhysicalOffsetTag>;
// Index of a message within one consume queue (RocketMQ "queue offset", QUEUEOFFSET).
using QueueOffset = TypedOffset<QueueOffsetTag>;

}  // namespace mq::sdk
