// ByteReader: a bounds-checked cursor over untrusted bytes (binary headers, compressed bodies).
//
// Every read either succeeds and advances, or fails, leaves the cursor where it was and
// returns false. No read ever touches memory outside the view it was given.
#pragma once

#include "mq/sdk/bytes.h"

#include "remoting/byte_order.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mq::core {

class ByteReader {
 public:
  explicit ByteReader(sdk::ByteView data) noexcept : data_(data) {}

  std::size_t offset() const noexcept { return offset_; }
  std::size_t remaining() const noexcept { return data_.size() - offset_; }

  bool read_u8(std::uint8_t& out) noexcept {
    if (remaining() < 1) return false;
    out = data_[offset_];
    offset_ += 1;
    return true;
  }
  bool read_be16(std::uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = load_be16(data_.data() + offset_);
    offset_ += 2;
    return true;
  }
  bool read_be32(std::uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = load_be32(data_.data() + offset_);
    offset_ += 4;
    return true;
  }
  // A view of the next `size` bytes (valid as long as the underlying buffer is).
  bool read_bytes(std::size_t size, sdk::ByteView& out) noexcept {
    if (remaining() < size) return false;
    out = data_.subspan(offset_, size);
    offset_ += size;
    return true;
  }
  bool read_text(std::size_t size, std::string_view& out) noexcept {
    sdk::ByteView bytes;
    if (!read_bytes(size, bytes)) return false;
    out = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return true;
  }

 private:
  sdk::ByteView data_;
  std::size_t offset_ = 0;
};

}  // namespace mq::core
