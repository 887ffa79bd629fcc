#include "remoting/remoting_codec.h"

#include "remoting/byte_order.h"
#include "remoting/json_header.h"
#include "remoting/rocketmq_header.h"

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace mq::core {

namespace {

constexpr std::size_t kHeaderWordBytes = 4;
constexpr std::uint32_t kHeaderLengthMask = 0xFFFFFF;

sdk::Status corrupt(std::string message) {
  return sdk::Status(sdk::StatusCode::kCorruption, "frame: " + std::move(message));
}

sdk::Result<RemotingCommand> decode_unchecked(sdk::Bytes frame) {
  if (frame.size() < kHeaderWordBytes) {
    return corrupt("is " + std::to_string(frame.size()) +
                   " bytes, shorter than its 4-byte header word");
  }
  const std::uint32_t header_word = load_be32(frame.data());
  const auto serialize_type = static_cast<std::uint8_t>(header_word >> 24);
  const std::size_t header_length = header_word & kHeaderLengthMask;
  const std::size_t available = frame.size() - kHeaderWordBytes;
  if (header_length > available) {
    return corrupt("header length " + std::to_string(header_length) + " exceeds the " +
                   std::to_string(available) + " bytes after the header word");
  }

  RemotingCommand command;
  const std::uint8_t* header = frame.data() + kHeaderWordBytes;
  if (serialize_type == static_cast<std::uint8_t>(SerializeType::kJson)) {
    command.serialize_type = SerializeType::kJson;
    const std::string_view text(reinterpret_cast<const char*>(header), header_length);
    if (auto status = decode_json_header(text, command); !status) return status;
  } else if (serialize_type == static_cast<std::uint8_t>(SerializeType::kRocketMq)) {
    command.serialize_type = SerializeType::kRocketMq;
    if (auto status = decode_rocketmq_header(sdk::ByteView(header, header_length), command);
        !status) {
      return status;
    }
  } else {
    return corrupt("unknown serialize type " + std::to_string(serialize_type));
  }

  const std::size_t body_offset = kHeaderWordBytes + header_length;
  const std::size_t body_length = frame.size() - body_offset;
  if (body_length > 0) {
    std::memmove(frame.data(), frame.data() + body_offset, body_length);
    frame.shrink(body_length);
    command.body = std::move(frame);
  }
  return command;
}

// `prefix` zero bytes (room for a length prefix), then header word + header.
std::string encode_head(const RemotingCommand& command, std::size_t prefix) {
  std::string head(prefix + kHeaderWordBytes, '\0');
  head.reserve(prefix + kHeaderWordBytes + 256);
  if (command.serialize_type == SerializeType::kRocketMq) {
    encode_rocketmq_header(command, head);
  } else {
    encode_json_header(command, head);
  }
  const std::size_t header_length = head.size() - prefix - kHeaderWordBytes;
  const std::uint32_t header_word =
      (std::uint32_t{static_cast<std::uint8_t>(command.serialize_type)} << 24) |
      (static_cast<std::uint32_t>(header_length) & kHeaderLengthMask);
  store_be32(reinterpret_cast<std::uint8_t*>(head.data() + prefix), header_word);
  return head;
}

sdk::Bytes to_bytes(const std::string& head, sdk::ByteView body) {
  sdk::Bytes out(head.size() + body.size());
  std::memcpy(out.data(), head.data(), head.size());
  if (!body.empty()) std::memcpy(out.data() + head.size(), body.data(), body.size());
  return out;
}

}  // namespace

sdk::Result<RemotingCommand> decode_frame(sdk::Bytes frame) {
  const std::size_t size = frame.size();
  try {
    return decode_unchecked(std::move(frame));
  } catch (const std::bad_alloc&) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted,
                       "out of memory decoding a " + std::to_string(size) + "-byte frame");
  }
}

sdk::OutboundFrame encode_frame(RemotingCommand command) {
  sdk::OutboundFrame frame;
  const std::string head = encode_head(command, 0);
  if (!command.body_views.empty()) {
    // Scatter-gather: the owned part of the body (normally empty) goes in the head, the views
    // are written as they are, pinned by the command's keepalive.
    frame.head = to_bytes(head, command.body.view());
    frame.tail = std::move(command.body_views);
    frame.keepalive = std::move(command.body_keepalive);
    return frame;
  }
  const bool inline_body = command.body.size() <= kInlineBodyMaxBytes;
  if (inline_body) {
    frame.head = to_bytes(head, command.body.view());
    return frame;
  }
  frame.head = to_bytes(head, {});
  auto owner = std::make_shared<sdk::Bytes>(std::move(command.body));
  frame.tail.push_back(owner->view());
  frame.keepalive = std::move(owner);
  return frame;
}

sdk::Bytes encode_frame_with_prefix(const RemotingCommand& command) {
  std::string head = encode_head(command, kHeaderWordBytes);
  std::size_t views = 0;
  for (const auto& view : command.body_views) views += view.size();
  const std::size_t length = head.size() - kHeaderWordBytes + command.body.size() + views;
  store_be32(reinterpret_cast<std::uint8_t*>(head.data()), static_cast<std::uint32_t>(length));
  if (command.body_views.empty()) return to_bytes(head, command.body.view());
  sdk::Bytes out(head.size() + command.body.size() + views);
  std::size_t at = 0;
  auto put = [&out, &at](const std::uint8_t* data, std::size_t size) {
    if (size != 0) std::memcpy(out.data() + at, data, size);
    at += size;
  };
  put(reinterpret_cast<const std::uint8_t*>(head.data()), head.size());
  put(command.body.data(), command.body.size());
  for (const auto& view : command.body_views) put(view.data(), view.size());
  return out;
}

}  // namespace mq::core
