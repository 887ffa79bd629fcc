// Channel: one live connection as the remoting layer sees it: which transport, which
// connection on it, and the peer's address. Copyable; equal when transport and id are.
#pragma once

#include "mq/sdk/transport.h"

#include <string>

namespace mq::core {

struct Channel {
  sdk::Transport* transport = nullptr;
  sdk::ConnectionId id = 0;
  std::string peer;   // "127.0.0.1:53122" or "unix:/path"
  std::string local;  // the address this side of the connection has

  bool operator==(const Channel& other) const noexcept {
    return transport == other.transport && id == other.id;
  }
  bool operator<(const Channel& other) const noexcept {
    return transport != other.transport ? transport < other.transport : id < other.id;
  }
};

}  // namespace mq::core
