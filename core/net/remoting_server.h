// RemotingServer: serves the remoting protocol on one or more transports at once.
//
// Each transport gets its own listener handler (connection ids are unique per transport).
// Frames are decoded here; a frame that does not decode closes that connection with a log
// line naming the peer, and everyone else is served. Requests go to the RequestProcessor,
// responses to requests this side sent are ignored (servers only send one-way requests).
// Lifetime: stop() (or destruction) stops accepting; the transports must be stopped before
// the server is destroyed, since they call into it.
#pragma once

#include "mq/sdk/transport.h"

#include "net/channel.h"
#include "net/request_processor.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace mq::core {

class RemotingServer {
 public:
  RemotingServer(RequestProcessor& processor, std::shared_ptr<spdlog::logger> logger);
  ~RemotingServer();
  RemotingServer(const RemotingServer&) = delete;
  RemotingServer& operator=(const RemotingServer&) = delete;

  // Listens on `address` with `transport`. Returns the bound address.
  sdk::Result<std::string> listen(sdk::Transport& transport, std::string_view address);

  // Sends a one-way request (flag 2) to a client, e.g. NOTIFY_CONSUMER_IDS_CHANGED.
  sdk::Status send_oneway(const Channel& channel, RemotingCommand request);

  // Sends a response frame on `channel`.
  sdk::Status send_response(const Channel& channel, RemotingCommand response);

 private:
  class Listener;
  std::shared_ptr<spdlog::logger> logger_;
  RequestProcessor& processor_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // guarded by mu_
};

}  // namespace mq::core
