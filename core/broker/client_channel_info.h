// ClientChannelInfo: one client connection registered in a producer or consumer group
// (HEART_BEAT, remoting-protocol.md §3.4): the channel, who is on it, and when it last
// sent a heartbeat. Plain data, copyable.
#pragma once

#include "net/channel.h"
#include "remoting/remoting_command.h"

#include <cstdint>
#include <string>

namespace mq::core {

struct ClientChannelInfo {
  Channel channel;
  std::string client_id;                        // HeartbeatData.clientID, "<ip>@<instance>"
  LanguageCode language = LanguageCode::kJava;  // from the heartbeat request's header
  std::int32_t version = 0;                     // the client's version ordinal (§1.2)
  std::int64_t last_update_ms = 0;              // ms since the epoch of its last heartbeat
};

}  // namespace mq::core
