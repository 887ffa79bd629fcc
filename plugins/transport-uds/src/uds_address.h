// "unix:/path" addresses: parsing, and the probe that tells a stale socket file from a live one.
//
// Both run on the caller's thread with plain system calls; no libuv here.
#pragma once

#include "mq/sdk/status.h"

#include <string>
#include <string_view>

namespace mq::transport_uds {

inline constexpr std::string_view kUnixPrefix = "unix:";

// Longest path that fits sockaddr_un::sun_path with its terminating NUL.
std::size_t max_socket_path_length() noexcept;

// True for "unix:" followed by a non-empty path without NUL bytes.
bool is_unix_address(std::string_view address) noexcept;

// Returns the path of "unix:/path". Fails with kInvalidArgument for another scheme, an empty
// path, an embedded NUL or a path too long for sockaddr_un.
sdk::Result<std::string> parse_unix_address(std::string_view address);

// What is at a path we are about to bind.
enum class SocketFileState {
  kAbsent,     // nothing: bind may go ahead
  kStale,      // a socket nobody listens on (a crashed process left it): safe to remove
  kLive,       // a socket with a listener behind it: never take it over
  kNotSocket,  // a regular file, directory, ...: refuse rather than delete it
};

// Looks at `path` and, for a socket, tries to connect to it. Fails with kIoError when the
// path cannot be examined at all (permission denied on a parent directory, ...).
sdk::Result<SocketFileState> probe_socket_file(const std::string& path);

}  // namespace mq::transport_uds
