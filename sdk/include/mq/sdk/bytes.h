// Byte buffers that cross the plugin boundary without copies.
//
// Bytes is a move-only owned buffer: whoever holds it frees it. ByteView is a non-owning view.
// OutboundFrame is a scatter-gather list for the transport: an owned head plus views into
// memory that `keepalive` pins (a mapped commit-log file, a shared body) until the transport
// has written them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace mq::sdk {

using ByteView = std::span<const std::uint8_t>;

class Bytes {
 public:
  Bytes() noexcept = default;
  // Allocates `size` uninitialised bytes. Throws std::bad_alloc like any allocation.
  explicit Bytes(std::size_t size) : data_(size ? new std::uint8_t[size] : nullptr), size_(size) {}
  static Bytes copy_of(ByteView view) {
    Bytes out(view.size());
    if (!view.empty()) std::memcpy(out.data(), view.data(), view.size());
    return out;
  }
  static Bytes copy_of(std::string_view text) {
    return copy_of(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }

  Bytes(Bytes&& other) noexcept
      : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}
  Bytes& operator=(Bytes&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;
  ~Bytes() = default;

  std::uint8_t* data() noexcept { return data_.get(); }
  const std::uint8_t* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  ByteView view() const noexcept { return ByteView(data_.get(), size_); }
  std::string_view as_string_view() const noexcept {
    return std::string_view(reinterpret_cast<const char*>(data_.get()), size_);
  }
  // Keeps the first `size` bytes. REQUIRES: size <= this->size().
  void shrink(std::size_t size) noexcept {
    if (size < size_) size_ = size;
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

// One frame to send, without its 4-byte length prefix (the transport writes that).
// The bytes on the wire are `head` followed by each span of `tail` in order.
struct OutboundFrame {
  Bytes head;
  std::vector<ByteView> tail;
  std::shared_ptr<const void> keepalive;  // pins the memory `tail` points into

  std::size_t size() const noexcept {
    std::size_t total = head.size();
    for (const auto& span : tail) total += span.size();
    return total;
  }
};

}  // namespace mq::sdk
