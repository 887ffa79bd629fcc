// FrameSplitter: cuts a TCP byte stream into frames by their 4-byte length prefix.
//
// Wire format (RocketMQ remoting): a big-endian unsigned 32-bit length L, then L bytes of frame.
// The frame itself starts with RocketMQ's 4-byte header word, so L < 4 is malformed. The limit
// max_frame_bytes counts the whole frame on the wire, prefix included (RocketMQ's
// frameMaxLength), so a valid L satisfies 4 <= L <= max_frame_bytes - 4. This file knows the
// prefix only and never looks inside a frame.
//
// Zero copy on the read path: as soon as a prefix is complete the splitter allocates one
// sdk::Bytes of exactly L bytes. A reader then reads straight into body_space() and hands only
// the bytes that overran the frame (read into a small side buffer) to feed(), which copies them
// into the next frame. Large bodies are therefore never copied; small frames are copied at most
// once out of the side buffer.
//
// Thread-safety: none. One connection owns one splitter and uses it from its strand only.
#pragma once

#include "mq/sdk/bytes.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

namespace mq::transport_tcp {

inline constexpr std::size_t kLengthPrefixBytes = 4;
// Every RocketMQ frame starts with a 4-byte header word (header length + serialize type).
inline constexpr std::uint32_t kMinFrameLength = 4;

using LengthPrefix = std::array<std::uint8_t, kLengthPrefixBytes>;

inline LengthPrefix encode_length_prefix(std::uint32_t length) noexcept {
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

inline std::uint32_t decode_length_prefix(const LengthPrefix& prefix) noexcept {
  return (std::uint32_t{prefix[0]} << 24) | (std::uint32_t{prefix[1]} << 16) |
         (std::uint32_t{prefix[2]} << 8) | std::uint32_t{prefix[3]};
}

enum class SplitResult {
  kNeedMore,        // all input consumed, no frame complete yet
  kFrameReady,      // take_frame() returns a whole frame
  kLengthTooSmall,  // prefix < kMinFrameLength: the stream is malformed
  kLengthTooLarge,  // prefix + 4 > max_frame_bytes: the frame is refused
};

class FrameSplitter {
 public:
  // REQUIRES: max_frame_bytes >= kLengthPrefixBytes + kMinFrameLength.
  explicit FrameSplitter(std::uint64_t max_frame_bytes) noexcept
      : max_frame_bytes_(max_frame_bytes) {}

  // The unfilled rest of the frame being assembled, for a read to fill directly. Empty while a
  // prefix is incomplete, after a rejected prefix, and while a finished frame waits to be taken.
  std::span<std::uint8_t> body_space() noexcept {
    if (!in_body_) return {};
    return {frame_.data() + filled_, frame_.size() - filled_};
  }

  // Records that a read wrote `n` bytes at the start of body_space().
  // REQUIRES: n <= body_space().size().
  void commit_body(std::size_t n) noexcept { filled_ += n; }

  // Consumes bytes from the front of `input`, advancing it, and stops as soon as a frame is
  // complete, the input is used up, or a prefix is rejected. A rejected prefix is final: the
  // stream cannot be resynchronised, so the connection must be closed. Returns kFrameReady
  // without consuming anything while an earlier frame has not been taken.
  // Throws std::bad_alloc when the frame cannot be allocated.
  SplitResult feed(sdk::ByteView& input) {
    if (rejected_) return rejected_result_;
    if (frame_ready()) return SplitResult::kFrameReady;
    while (!input.empty()) {
      if (!in_body_) {
        while (prefix_filled_ < kLengthPrefixBytes && !input.empty()) {
          prefix_[prefix_filled_++] = input.front();
          input = input.subspan(1);
        }
        if (prefix_filled_ < kLengthPrefixBytes) return SplitResult::kNeedMore;
        declared_length_ = decode_length_prefix(prefix_);
        if (declared_length_ < kMinFrameLength) return reject(SplitResult::kLengthTooSmall);
        if (std::uint64_t{declared_length_} + kLengthPrefixBytes > max_frame_bytes_) {
          return reject(SplitResult::kLengthTooLarge);
        }
        frame_ = sdk::Bytes(declared_length_);
        filled_ = 0;
        in_body_ = true;
      }
      const std::size_t n = std::min(input.size(), frame_.size() - filled_);
      std::memcpy(frame_.data() + filled_, input.data(), n);
      filled_ += n;
      input = input.subspan(n);
      if (frame_ready()) return SplitResult::kFrameReady;
    }
    return SplitResult::kNeedMore;
  }

  bool frame_ready() const noexcept { return in_body_ && filled_ == frame_.size(); }

  // Hands over the finished frame (without its prefix) and starts waiting for the next prefix.
  // REQUIRES: frame_ready().
  sdk::Bytes take_frame() noexcept {
    in_body_ = false;
    filled_ = 0;
    prefix_filled_ = 0;
    return std::move(frame_);
  }

  // True when part of a frame (even part of its prefix) has arrived and the rest has not.
  bool mid_frame() const noexcept { return prefix_filled_ > 0 && !frame_ready(); }

  // The last length prefix decoded: the rejected value after kLengthTooSmall/kLengthTooLarge.
  std::uint32_t declared_length() const noexcept { return declared_length_; }

  // Bytes of the current frame received so far, prefix included (for diagnostics).
  std::size_t bytes_received() const noexcept { return prefix_filled_ + (in_body_ ? filled_ : 0); }

  std::uint64_t max_frame_bytes() const noexcept { return max_frame_bytes_; }

 private:
  SplitResult reject(SplitResult why) noexcept {
    rejected_ = true;
    rejected_result_ = why;
    return why;
  }

  std::uint64_t max_frame_bytes_;
  LengthPrefix prefix_{};
  std::size_t prefix_filled_ = 0;
  std::uint32_t declared_length_ = 0;
  sdk::Bytes frame_;
  std::size_t filled_ = 0;
  bool in_body_ = false;
  bool rejected_ = false;
  SplitResult rejected_result_ = SplitResult::kNeedMore;
};

}  // namespace mq::transport_tcp
