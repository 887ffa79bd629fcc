// RemotingClient: sends remoting requests to servers by address and matches the answers.
//
// One connection per address, opened on first use with the transport that accepts the
// address (tcp "host:port", "unix:/path"); requests on it are matched to responses by opaque,
// several in flight at once. Requests the server pushes on these connections (one-way
// NOTIFY_CONSUMER_IDS_CHANGED ...) go to an optional RequestProcessor.
// Threads: invoke() blocks and must not be called from a transport I/O thread;
// invoke_async() and invoke_oneway() may be called from anywhere except that opening a new
// connection blocks. Callbacks run on a transport I/O thread or on the client's timeout thread.
// Lifetime: destroy the client before its transports are stopped... or after: pending calls
// complete with kClosed either way.
#pragma once

#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include "common/adaptive_mutex.h"
#include "net/request_processor.h"
#include "remoting/remoting_command.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mq::core {

using ResponseCallback = std::function<void(sdk::Result<RemotingCommand>)>;

class RemotingClient {
 public:
  explicit RemotingClient(std::vector<sdk::Transport*> transports,
                          RequestProcessor* push_processor = nullptr);
  ~RemotingClient();
  RemotingClient(const RemotingClient&) = delete;
  RemotingClient& operator=(const RemotingClient&) = delete;

  // Sends `request` to `address` and waits for its response, at most `timeout_ms`.
  // Errors: kUnavailable (cannot connect), kTimeout, kClosed (connection lost meanwhile).
  sdk::Result<RemotingCommand> invoke(std::string_view address, RemotingCommand request,
                                      std::int64_t timeout_ms);

  // As invoke(), completing `done` exactly once instead of blocking.
  void invoke_async(std::string_view address, RemotingCommand request, std::int64_t timeout_ms,
                    ResponseCallback done);

  // Sends a one-way request (flag 2); no answer is expected.
  sdk::Status invoke_oneway(std::string_view address, RemotingCommand request);

  // Closes the connection to `address` (pending calls complete with kClosed).
  void close(std::string_view address);

  // Rewrites the address actually dialled for an address callers use (for example a loopback
  // TCP address to the same server's Unix socket, see local_socket.h). Set before first use.
  void set_dial_address_mapper(std::function<std::string(std::string_view)> mapper) {
    dial_address_mapper_ = std::move(mapper);
  }

 private:
  class Connection;
  struct Pending {
    std::shared_ptr<Connection> connection;
    std::int64_t deadline_ns;
    std::int64_t timeout_ms;
    ResponseCallback done;
  };

  sdk::Result<std::shared_ptr<Connection>> connection_to(std::string_view address);
  void on_response(RemotingCommand response);
  void on_connection_closed(Connection* connection, const sdk::Status& why);
  void sweep_timeouts();

  std::vector<sdk::Transport*> transports_;
  RequestProcessor* push_processor_;
  std::function<std::string(std::string_view)> dial_address_mapper_;

  std::mutex connect_mu_;  // serialises connection opening
  AdaptiveMutex mu_;       // taken by the sending thread and the I/O thread for every request
  std::condition_variable_any sweep_wake_;
  std::map<std::string, std::shared_ptr<Connection>, std::less<>> connections_;  // guarded by mu_
  // Connections being closed: kept alive until their on_close, since the transport still
  // calls into them until then.
  std::vector<std::shared_ptr<Connection>> closing_;  // guarded by mu_
  std::map<std::int32_t, Pending> pending_;           // guarded by mu_
  bool stopping_ = false;                             // guarded by mu_
  std::int64_t sweeper_wake_ns_ = 0;  // guarded by mu_: when the waiting sweeper wakes; 0 = awake
  std::thread sweeper_;
};

// A process-wide increasing request id for new requests.
std::int32_t next_opaque() noexcept;

}  // namespace mq::core
