// The remoting codec: frames <-> RemotingCommand (remoting-protocol.md §1).
//
// A frame here is what the transport delivers: everything after the 4-byte length prefix
// (header word, header, body). decode() never trusts the input: any inconsistency is a
// kCorruption status naming what is wrong, and the caller closes that connection.
//
// Thread-safety: the functions are pure; distinct commands may be coded on any threads.
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"

#include "remoting/remoting_command.h"

#include <cstddef>
#include <cstdint>

namespace mq::core {

// Bodies up to this size are copied into OutboundFrame::head by encode_frame(), which saves
// the shared owner and a separate write segment; larger bodies are never copied.
inline constexpr std::size_t kInlineBodyMaxBytes = 256;

// Decodes one frame. The body is moved out of `frame` without copying when possible.
// Header length is taken from the low 24 bits of the header word (the high byte is the
// serialize type); JSON headers may end with whitespace.
// On success the command's serialize_type is the frame's, and its body owns the frame's
// allocation: the body bytes slide to its front (one memmove, no allocation); an empty body
// frees it. On failure returns kCorruption (a header length beyond the frame, an unknown
// serialize type, a header that does not parse: see json_header.h and rocketmq_header.h),
// or kResourceExhausted if memory runs out. Never throws and never reads outside `frame`.
sdk::Result<RemotingCommand> decode_frame(sdk::Bytes frame);

// Encodes `command` for the transport: the head holds header word + header (+ the body when
// it is small), the tail views the body, which `keepalive` pins. The command's body is moved
// into the frame; no body bytes are copied.
// JSON headers are written Java-style: alphabetical keys, no whitespace, nulls omitted,
// control characters escaped as \u00XX; extFields values always strings.
// The serialize type is command.serialize_type (kRocketMq gives the binary header).
// REQUIRES: the header is under 16 MiB (the header word has 24 bits for its length).
// Throws only std::bad_alloc.
sdk::OutboundFrame encode_frame(RemotingCommand command);

// Encodes into one contiguous buffer including the 4-byte length prefix (clients, tests).
// Same REQUIRES and exceptions as encode_frame(); the body is copied.
sdk::Bytes encode_frame_with_prefix(const RemotingCommand& command);

}  // namespace mq::core
