// TcpTransport: the sdk::Transport of "host:port" addresses, on Boost.Asio.
//
// Lifecycle: create() starts the I/O threads; listen() and connect() add listeners and
// connections; stop() (also run by the destructor) closes every listener and connection,
// delivers each on_close, and joins the I/O threads. After stop() every method fails with
// kClosed or does nothing.
//
// Threads: one io_context run by TransportOptions::io_threads threads. Each connection and each
// listener has its own strand, so callbacks of one connection are serialised while different
// connections run in parallel. There is no thread per connection. listen(), send(), close() and
// queued_bytes() may be called from any thread, including from inside a FrameHandler callback;
// connect() and stop() block on the I/O threads and refuse to run on one of them.
//
// Ownership: the transport owns its listeners and connections (shared with their pending Asio
// operations). FrameHandlers and the Logger are borrowed and must outlive stop().
#pragma once

#include "tcp_connection.h"

#include "mq/sdk/bytes.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mq::transport_tcp {

// Everything the transport needs, validated by the plugin entry before create().
struct TcpTransportSettings {
  ConnectionLimits connection;
  std::chrono::milliseconds connect_timeout{3000};
  std::size_t io_threads = 1;
  bool no_delay = true;          // TCP_NODELAY on every connection
  int listen_backlog = 1024;     // listen(2) backlog of each listener
  bool reuse_address = true;     // SO_REUSEADDR on listeners
  int send_buffer_bytes = 0;     // SO_SNDBUF of connections; 0 keeps the kernel default
  int receive_buffer_bytes = 0;  // SO_RCVBUF of listeners and connections; 0: default
};

// "host:port" split into its parts; host is an IPv4 literal, an IPv6 literal (written in
// brackets on the wire, stored without them) or a host name.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "host:port", "[v6]:port". Rejects "unix:..." and anything without a decimal port in
// 0..65535, with a kInvalidArgument that shows the expected form.
sdk::Result<HostPort> parse_host_port(std::string_view address);

class TcpTransport final : public sdk::Transport, private ConnectionOwner {
 public:
  // Builds the transport and starts its I/O threads. Fails with kResourceExhausted or
  // kInternal when a thread cannot be started.
  static sdk::Result<std::unique_ptr<TcpTransport>> create(sdk::Logger& logger,
                                                           const TcpTransportSettings& settings);

  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;
  // Runs stop(). REQUIRES: not on one of this transport's I/O threads.
  ~TcpTransport() override;

  std::string_view scheme() const noexcept override { return "tcp"; }
  bool accepts_address(std::string_view address) const noexcept override;
  sdk::Result<std::string> listen(std::string_view address,
                                  sdk::FrameHandler& handler) noexcept override;
  sdk::Result<sdk::ConnectionId> connect(std::string_view address,
                                         sdk::FrameHandler& handler) noexcept override;
  sdk::Status send(sdk::ConnectionId id, sdk::OutboundFrame frame) noexcept override;
  void close(sdk::ConnectionId id) noexcept override;
  std::size_t queued_bytes(sdk::ConnectionId id) const noexcept override;
  // Idempotent. From an I/O thread (inside a callback) it only starts the shutdown, logs an
  // error and returns; the threads are joined by the next stop() or the destructor.
  void stop() noexcept override;

 private:
  struct Listener;
  struct PendingConnect;

  TcpTransport(sdk::Logger& logger, const TcpTransportSettings& settings);

  void run_io_thread(std::size_t index) noexcept;
  bool on_io_thread() noexcept;
  void begin_stop() noexcept;

  sdk::Result<std::vector<asio::ip::tcp::endpoint>> resolve(const HostPort& where, bool passive);
  sdk::Result<std::string> listen_on(const asio::ip::tcp::endpoint& endpoint,
                                     sdk::FrameHandler& handler);
  void accept_next(const std::shared_ptr<Listener>& listener);
  void on_accept(const std::shared_ptr<Listener>& listener, const boost::system::error_code& ec,
                 Socket socket) noexcept;
  sdk::Result<sdk::ConnectionId> dial(const std::vector<asio::ip::tcp::endpoint>& endpoints,
                                      std::string_view address, sdk::FrameHandler& handler);
  // Wraps a connected socket in a TcpConnection, registers it and starts it. Fails with
  // kClosed when the transport is stopping or the socket is already dead.
  sdk::Result<sdk::ConnectionId> adopt(Socket socket, sdk::FrameHandler& handler,
                                       std::function<void(bool)> opened);
  std::shared_ptr<TcpConnection> find(sdk::ConnectionId id) const;
  void connection_finished(sdk::ConnectionId id) noexcept override;

  // Constant after construction.
  sdk::Logger& logger_;
  const TcpTransportSettings settings_;

  // Declared before everything holding I/O objects, so it is destroyed after them.
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;  // started by create(), joined by stop() under stop_mu_
  std::mutex stop_mu_;

  std::atomic<sdk::ConnectionId> next_id_{1};

  mutable std::mutex mu_;
  bool stopping_ = false;  // guarded by mu_; nothing is registered or started once set
  std::unordered_map<sdk::ConnectionId, std::shared_ptr<TcpConnection>> connections_;  // mu_
  std::vector<std::shared_ptr<Listener>> listeners_;                                   // mu_
  std::vector<std::shared_ptr<PendingConnect>> pending_connects_;                      // mu_
};

}  // namespace mq::transport_tcp
