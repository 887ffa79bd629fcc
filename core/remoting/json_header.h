// The JSON command header, serialize type 0 (remoting-protocol.md §1.2 and §1.5).
//
// Internal to the codec: remoting_codec.h is the public entry point.
#pragma once

#include "mq/sdk/status.h"

#include "remoting/remoting_command.h"

#include <string>
#include <string_view>

namespace mq::core {

// Fills every header field of `command` (not body, not serialize type) from `text`.
// Accepts what real clients send: any member order, unknown members (ignored), whitespace
// around the object, numbers given as strings, extFields values of any JSON type (turned into
// the text a Java client would send; null means absent), `remark`/`extFields` absent, null or
// "". Absent members get Java's defaults (0; language JAVA); a `language` that is unknown
// becomes OTHER.
// On failure returns kCorruption naming the member or the JSON error, and `command` is
// partly filled.
sdk::Status decode_json_header(std::string_view text, RemotingCommand& command);

// decode_json_header() without its single-pass fast path (which takes the plain headers every
// known client writes and leaves the rest to this general parser); tests compare the two.
sdk::Status decode_json_header_general(std::string_view text, RemotingCommand& command);

// Appends the header Java 4.9.7 would write: keys in alphabetical order, no whitespace, no
// null members, code/flag/opaque/version as numbers, language as its enum name, extFields
// values as strings, "serializeTypeCurrentRPC":"JSON". Empty extFields are omitted.
void encode_json_header(const RemotingCommand& command, std::string& out);

}  // namespace mq::core
