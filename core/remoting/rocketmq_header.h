// The binary command header, serialize type 1 "ROCKETMQ" (remoting-protocol.md §1.3).
//
//   int16 code | int8 language | int16 version | int32 opaque | int32 flag |
//   int32 remarkLen | remark | int32 extLen | extLen bytes of { int16 keyLen | key |
//   int32 valLen | value }
//
// All integers big-endian. The fixed part is 21 bytes (17 before the remark, 4 after it).
// Internal to the codec: remoting_codec.h is the public entry point.
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"

#include "remoting/remoting_command.h"

#include <cstddef>
#include <string>

namespace mq::core {

inline constexpr std::size_t kRocketMqHeaderFixedBytes = 21;

// Fills every header field of `command` (not body, not serialize type) from `header`.
// Checks what Java checks (remarkLen and extLen not above the header length) and more: no
// length may be negative or run past the header, and the extFields entries must fill extLen
// exactly. A zero remarkLen is a null remark; an entry with an empty key or value is dropped
// (it decodes as null). An unknown language byte becomes OTHER. Bytes after the extFields
// block are ignored, as Java ignores them.
// On failure returns kCorruption saying which length is wrong, and `command` is partly filled.
sdk::Status decode_rocketmq_header(sdk::ByteView header, RemotingCommand& command);

// Appends the binary header of `command`. code and version are written as int16 (truncated,
// as Java's (short) cast does); an empty remark is written as null. extFields entries whose
// key is empty or longer than 32767 bytes cannot be represented and are left out; an empty
// value is written with length 0 (a Java 4.9 peer reads ""; decode_rocketmq_header drops it).
void encode_rocketmq_header(const RemotingCommand& command, std::string& out);

}  // namespace mq::core
