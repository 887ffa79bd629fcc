// RequestProcessor: what the remoting server hands decoded requests to.
//
// Threads: process() runs on a transport I/O thread and must not block; work that waits
// (a flush, a long poll) keeps the Responder and completes it later from any thread.
// Contract: for a request that is not one-way, the Responder is called exactly once; for a
// one-way request calling it does nothing. An exception escaping process() is answered with
// SYSTEM_ERROR carrying its text.
#pragma once

#include "net/channel.h"
#include "remoting/remoting_command.h"

#include <functional>

namespace mq::core {

using Responder = std::function<void(RemotingCommand response)>;

class RequestProcessor {
 public:
  virtual ~RequestProcessor() = default;
  virtual void process(const Channel& channel, RemotingCommand request, Responder respond) = 0;
  virtual void on_channel_open(const Channel& /*channel*/) {}
  // The requests that arrived together on one connection have all been passed to process():
  // work deferred per request (appends written together) is finished here. Same thread.
  virtual void on_requests_end() noexcept {}
  virtual void on_channel_close(const Channel& /*channel*/) {}
};

}  // namespace mq::core
