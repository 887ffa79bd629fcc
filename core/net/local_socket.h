// Where a process serves its Unix-domain socket, and how a client on the same host finds it.
//
// A name server or broker with transport-uds listens on unix:<unixSocketDir>/rocketmq-<port>.sock,
// <port> being its TCP listenPort. Ports are unique on a host, so the name is too. A client that
// is about to dial a loopback TCP address (127.0.0.1:<port>, localhost:<port>) whose socket file
// exists in the same directory dials the socket instead; everything else is unchanged. Name
// servers keep registering and returning TCP addresses, so remote clients are unaffected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mq::core {

// "unix:<dir>/rocketmq-<port>.sock"
std::string local_socket_address(std::string_view dir, std::int32_t port);

// The Unix address to use for `tcp_address` when it is a loopback address whose socket file
// exists in `dir`; otherwise `tcp_address` itself.
std::string prefer_local_socket(std::string_view tcp_address, std::string_view dir);

}  // namespace mq::core
