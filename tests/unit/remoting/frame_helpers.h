// Small helpers for building and flattening frames in codec tests.
#pragma once

#include "mq/sdk/bytes.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mq::test {

inline sdk::Bytes bytes_of(std::string_view text) { return sdk::Bytes::copy_of(text); }

inline std::string string_of(sdk::ByteView view) {
  return std::string(reinterpret_cast<const char*>(view.data()), view.size());
}

// Big-endian int32 as 4 bytes of a std::string.
inline std::string be32(std::uint32_t value) {
  return std::string{static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                     static_cast<char>(value >> 8), static_cast<char>(value)};
}

inline std::string be16(std::uint16_t value) {
  return std::string{static_cast<char>(value >> 8), static_cast<char>(value)};
}

// A frame as the transport delivers it (no length prefix) with a JSON header.
inline std::string json_frame(std::string_view header, std::string_view body = {}) {
  return be32(static_cast<std::uint32_t>(header.size())) + std::string(header) + std::string(body);
}

// The bytes an OutboundFrame puts on the wire (after the length prefix).
inline std::string flatten(const sdk::OutboundFrame& frame) {
  std::string out = string_of(frame.head.view());
  for (const auto& span : frame.tail) out += string_of(span);
  return out;
}

}  // namespace mq::test
