#include "tcp_transport.h"

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <pthread.h>

#include <cctype>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <functional>
#include <future>
#include <new>
#include <system_error>
#include <utility>

namespace mq::transport_tcp {

namespace {

using ErrorCode = boost::system::error_code;
using sdk::Status;
using sdk::StatusCode;
using Endpoint = asio::ip::tcp::endpoint;

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::size_t kMaxHostNameLength = 253;

Status invalid_address(std::string_view address, std::string_view why) {
  return Status(StatusCode::kInvalidArgument,
                "address '" + std::string(address) + "' " + std::string(why) +
                    "; expected host:port, e.g. 127.0.0.1:10911, [::1]:10911 or broker-a:10911");
}

bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostNameLength) return false;
  for (const char c : host) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// "127.0.0.1:10911" or "[::1]:10911"; IPv4-mapped IPv6 peers (seen on dual-stack listeners)
// are shown as the IPv4 address they are.
std::string format_endpoint(const Endpoint& endpoint) {
  asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  const std::string port = std::to_string(endpoint.port());
  if (address.is_v6()) return "[" + address.to_string() + "]:" + port;
  return address.to_string() + ":" + port;
}

// A failed socket call as a Status whose message says what to do about it.
Status socket_failure(std::string_view what, const Endpoint& endpoint, const ErrorCode& ec) {
  StatusCode code = StatusCode::kIoError;
  std::string hint;
  if (ec == asio::error::address_in_use) {
    code = StatusCode::kAlreadyExists;
    hint = " (another listener holds this port: pick another port or stop that process)";
  } else if (ec == boost::system::errc::address_not_available) {
    code = StatusCode::kInvalidArgument;
    hint = " (the address is not one of this host's; use 0.0.0.0 or a local address)";
  } else if (ec == asio::error::access_denied) {
    code = StatusCode::kInvalidArgument;
    hint = " (ports below 1024 need CAP_NET_BIND_SERVICE)";
  } else if (ec == asio::error::address_family_not_supported) {
    code = StatusCode::kNotSupported;
    hint = " (this host has no support for that address family)";
  } else if (ec == asio::error::connection_refused) {
    code = StatusCode::kUnavailable;
    hint = " (nothing listens there)";
  } else if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable) {
    code = StatusCode::kUnavailable;
  } else if (ec == asio::error::timed_out) {
    code = StatusCode::kTimeout;
  }
  return Status(code, "cannot " + std::string(what) + " " + format_endpoint(endpoint) + ": " +
                          ec.message() + hint);
}

Status stopped_status() { return Status(StatusCode::kClosed, "the tcp transport is stopped"); }

template <typename SocketLike>
void apply_buffer_sizes(SocketLike& socket, const TcpTransportSettings& settings, ErrorCode& ec) {
  if (settings.send_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::send_buffer_size(settings.send_buffer_bytes), ec);
  }
  if (!ec && settings.receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(settings.receive_buffer_bytes), ec);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Addresses

sdk::Result<HostPort> parse_host_port(std::string_view address) {
  if (address.starts_with("unix:")) {
    return invalid_address(address, "is a Unix domain socket address, not a TCP one");
  }
  std::string_view host;
  std::string_view port;
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) return invalid_address(address, "has no closing ']'");
    host = address.substr(1, close - 1);
    if (close + 1 >= address.size() || address[close + 1] != ':') {
      return invalid_address(address, "has no port");
    }
    port = address.substr(close + 2);
    ErrorCode ec;
    asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return invalid_address(address, "has no valid IPv6 address inside [ ]");
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return invalid_address(address, "has no port");
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return invalid_address(address, "has an IPv6 address without brackets (write [addr]:port)");
    }
    if (host.empty()) return invalid_address(address, "has no host");
    if (!valid_host_name(host)) return invalid_address(address, "has an invalid host name");
  }
  unsigned value = 0;
  const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.size() > 5 || err != std::errc() || end != port.data() + port.size() ||
      value > 65535) {
    return invalid_address(address, "has no decimal port in 0..65535");
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

// ---------------------------------------------------------------------------------------------
// Listeners and pending connects

// One listening socket. Its acceptor and retry timer live on its own strand.
struct TcpTransport::Listener {
  using Acceptor = asio::basic_socket_acceptor<asio::ip::tcp, Strand>;

  Listener(asio::io_context& io, sdk::FrameHandler& frame_handler)
      : acceptor(asio::make_strand(io)),
        retry_timer(acceptor.get_executor()),
        handler(frame_handler) {}

  Acceptor acceptor;
  Timer retry_timer;  // waits out accept failures such as EMFILE
  sdk::FrameHandler& handler;
  std::string address;  // as bound, constant once listening
};

// One connect() in progress. The socket is used on its strand only; the caller of connect()
// waits on `done` and takes the socket once the attempt has completed.
struct TcpTransport::PendingConnect {
  explicit PendingConnect(asio::io_context& io) : socket(asio::make_strand(io)) {}

  Socket socket;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;  // guarded by mu
  ErrorCode result;   // guarded by mu
};

// ---------------------------------------------------------------------------------------------
// Lifecycle

TcpTransport::TcpTransport(sdk::Logger& logger, const TcpTransportSettings& settings)
    : logger_(logger), settings_(settings), io_(static_cast<int>(settings.io_threads)) {
  work_.emplace(io_.get_executor());
}

sdk::Result<std::unique_ptr<TcpTransport>> TcpTransport::create(
    sdk::Logger& logger, const TcpTransportSettings& settings) {
  std::unique_ptr<TcpTransport> transport(new TcpTransport(logger, settings));
  try {
    for (std::size_t i = 0; i < settings.io_threads; ++i) {
      transport->threads_.emplace_back([self = transport.get(), i] { self->run_io_thread(i); });
    }
  } catch (const std::system_error& e) {
    transport->stop();
    return Status(StatusCode::kResourceExhausted,
                  std::string("cannot start the tcp transport's I/O threads: ") + e.what());
  }
  return transport;
}

TcpTransport::~TcpTransport() { stop(); }

void TcpTransport::run_io_thread(std::size_t index) noexcept {
  char name[16];
  std::snprintf(name, sizeof name, "mq-tcp-io-%zu", index);
  pthread_setname_np(pthread_self(), name);
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      logger_.error("I/O thread ", index, ": a handler threw: ", e.what(), "; continuing");
    } catch (...) {
      logger_.error("I/O thread ", index, ": a handler threw a non-standard exception");
    }
  }
}

bool TcpTransport::on_io_thread() noexcept { return io_.get_executor().running_in_this_thread(); }

void TcpTransport::stop() noexcept {
  if (on_io_thread()) {
    logger_.error(
        "stop() called on a tcp transport I/O thread (from a callback): shutdown "
        "started, but the I/O threads are joined only by a later stop() or the "
        "destructor from another thread");
    begin_stop();
    return;
  }
  std::lock_guard stop_lock(stop_mu_);
  begin_stop();
  work_.reset();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
  std::unordered_map<sdk::ConnectionId, std::shared_ptr<TcpConnection>> connections;
  std::vector<std::shared_ptr<Listener>> listeners;
  {
    std::lock_guard lock(mu_);
    connections.swap(connections_);
    listeners.swap(listeners_);
    pending_connects_.clear();
  }
}

void TcpTransport::begin_stop() noexcept {
  std::vector<std::shared_ptr<TcpConnection>> connections;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::shared_ptr<PendingConnect>> pending;
  try {
    std::lock_guard lock(mu_);
    stopping_ = true;
    connections.reserve(connections_.size());
    for (const auto& [id, connection] : connections_) connections.push_back(connection);
    listeners = listeners_;
    pending = pending_connects_;
  } catch (...) {
    logger_.error("stop(): out of memory while listing connections; some may close late");
  }
  for (const std::shared_ptr<Listener>& listener : listeners) {
    try {
      asio::post(listener->acceptor.get_executor(), [listener] {
        ErrorCode ignored;
        listener->acceptor.close(ignored);
        try {
          listener->retry_timer.cancel();
        } catch (...) {
          // The acceptor is closed, so a retry that still fires finds it closed and stops.
        }
      });
    } catch (...) {
      logger_.error("stop(): cannot close the listener on ", listener->address);
    }
  }
  for (const std::shared_ptr<TcpConnection>& connection : connections) {
    try {
      connection->abort(Status(StatusCode::kClosed, "the tcp transport stopped"));
    } catch (...) {
      connection->abort(Status(StatusCode::kClosed, std::string()));
    }
  }
  for (const std::shared_ptr<PendingConnect>& attempt : pending) {
    try {
      asio::post(attempt->socket.get_executor(), [attempt] {
        ErrorCode ignored;
        attempt->socket.close(ignored);
      });
    } catch (...) {
      logger_.error("stop(): cannot cancel a connect() in progress; it ends at its timeout");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Listening

bool TcpTransport::accepts_address(std::string_view address) const noexcept {
  try {
    return parse_host_port(address).ok();
  } catch (...) {
    return false;
  }
}

sdk::Result<std::vector<Endpoint>> TcpTransport::resolve(const HostPort& where, bool passive) {
  ErrorCode ec;
  const asio::ip::address literal = asio::ip::make_address(where.host, ec);
  if (!ec) return std::vector<Endpoint>{Endpoint(literal, where.port)};

  // Names are resolved synchronously on the calling thread: Asio's async resolver would start a
  // hidden thread that stop() could not join.
  asio::ip::tcp::resolver resolver(io_);
  asio::ip::resolver_base::flags flags = asio::ip::resolver_base::numeric_service;
  if (passive) flags = flags | asio::ip::resolver_base::passive;
  const auto results = resolver.resolve(where.host, std::to_string(where.port), flags, ec);
  if (ec || results.empty()) {
    const bool unknown = !ec || ec == asio::error::host_not_found;
    return Status(unknown ? StatusCode::kNotFound : StatusCode::kUnavailable,
                  "cannot resolve host '" + where.host +
                      "': " + (ec ? ec.message() : std::string("no addresses")));
  }
  std::vector<Endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  return endpoints;
}

sdk::Result<std::string> TcpTransport::listen(std::string_view address,
                                              sdk::FrameHandler& handler) noexcept {
  try {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return stopped_status();
    }
    auto where = parse_host_port(address);
    if (!where.ok()) return where.status();
    auto endpoints = resolve(*where, /*passive=*/true);
    if (!endpoints.ok()) return endpoints.status();
    Status last_failure;
    for (const Endpoint& endpoint : *endpoints) {
      auto bound = listen_on(endpoint, handler);
      if (bound.ok()) {
        logger_.info("listening on ", *bound, " (backlog ", settings_.listen_backlog, ")");
        return bound;
      }
      last_failure = bound.status();
    }
    return last_failure;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in listen()");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("listen() failed: ") + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, "listen() failed");
  }
}

sdk::Result<std::string> TcpTransport::listen_on(const Endpoint& endpoint,
                                                 sdk::FrameHandler& handler) {
  auto listener = std::make_shared<Listener>(io_, handler);
  Listener::Acceptor& acceptor = listener->acceptor;
  ErrorCode ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return socket_failure("open a socket for", endpoint, ec);
  if (settings_.reuse_address) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return socket_failure("set SO_REUSEADDR on", endpoint, ec);
  // Set on the listener so accepted sockets inherit it before the handshake fixes the window.
  if (settings_.receive_buffer_bytes > 0) {
    acceptor.set_option(asio::socket_base::receive_buffer_size(settings_.receive_buffer_bytes), ec);
    if (ec) return socket_failure("set SO_RCVBUF on", endpoint, ec);
  }
  acceptor.bind(endpoint, ec);
  if (ec) return socket_failure("bind", endpoint, ec);
  acceptor.listen(settings_.listen_backlog, ec);
  if (ec) return socket_failure("listen on", endpoint, ec);
  const Endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return socket_failure("read the bound address of", endpoint, ec);
  listener->address = format_endpoint(bound);

  std::lock_guard lock(mu_);
  if (stopping_) return stopped_status();
  listeners_.push_back(listener);
  asio::post(acceptor.get_executor(), [this, listener] { accept_next(listener); });
  return listener->address;
}

void TcpTransport::accept_next(const std::shared_ptr<Listener>& listener) {
  if (!listener->acceptor.is_open()) return;
  listener->acceptor.async_accept(asio::make_strand(io_),
                                  [this, listener](const ErrorCode& ec, Socket socket) {
                                    on_accept(listener, ec, std::move(socket));
                                  });
}

void TcpTransport::on_accept(const std::shared_ptr<Listener>& listener, const ErrorCode& ec,
                             Socket socket) noexcept {
  try {
    if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) return;
    if (ec == asio::error::connection_aborted) {
      accept_next(listener);  // the peer gave up before we accepted; nothing to report
      return;
    }
    if (ec) {
      logger_.warn("accept on ", listener->address, " failed: ", ec.message(), "; retrying in ",
                   kAcceptRetryDelay.count(), " ms");
      listener->retry_timer.expires_after(kAcceptRetryDelay);
      listener->retry_timer.async_wait([this, listener](const ErrorCode& wait_ec) {
        if (wait_ec) return;
        try {
          accept_next(listener);
        } catch (const std::exception& e) {
          logger_.error("listener ", listener->address, " stopped accepting: ", e.what());
        }
      });
      return;
    }
    try {
      auto adopted = adopt(std::move(socket), listener->handler, nullptr);
      if (!adopted.ok()) {
        logger_.debug("dropped a connection accepted on ", listener->address, ": ",
                      adopted.status().to_string());
      }
    } catch (const std::exception& e) {
      logger_.warn("dropped a connection accepted on ", listener->address, ": ", e.what());
    }
    accept_next(listener);
  } catch (const std::exception& e) {
    logger_.error("listener ", listener->address, " stopped accepting: ", e.what());
  }
}

sdk::Result<sdk::ConnectionId> TcpTransport::adopt(Socket socket, sdk::FrameHandler& handler,
                                                   std::function<void(bool)> opened) {
  ErrorCode ec;
  const Endpoint remote = socket.remote_endpoint(ec);
  if (ec) return Status(StatusCode::kClosed, "peer left before the connection opened");
  const Endpoint local = socket.local_endpoint(ec);
  if (ec) return Status(StatusCode::kClosed, "socket closed before the connection opened");
  socket.set_option(asio::ip::tcp::no_delay(settings_.no_delay), ec);
  if (!ec) apply_buffer_sizes(socket, settings_, ec);
  if (ec) {
    logger_.debug("cannot set socket options for peer ", format_endpoint(remote), ": ",
                  ec.message());
  }
  const sdk::ConnectionId id = next_id_.fetch_add(1);
  auto connection = std::make_shared<TcpConnection>(
      id, std::move(socket), format_endpoint(remote), format_endpoint(local), handler,
      static_cast<ConnectionOwner&>(*this), logger_, settings_.connection);
  std::lock_guard lock(mu_);
  if (stopping_) return stopped_status();
  connections_.emplace(id, connection);
  try {
    connection->start(std::move(opened));
  } catch (...) {
    connections_.erase(id);
    throw;
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Connecting

sdk::Result<sdk::ConnectionId> TcpTransport::connect(std::string_view address,
                                                     sdk::FrameHandler& handler) noexcept {
  try {
    if (on_io_thread()) {
      return Status(StatusCode::kInvalidArgument,
                    "connect() called on a tcp transport I/O thread (from a FrameHandler "
                    "callback); it blocks until the connection opens, so call it from another "
                    "thread");
    }
    {
      std::lock_guard lock(mu_);
      if (stopping_) return stopped_status();
    }
    auto where = parse_host_port(address);
    if (!where.ok()) return where.status();
    if (where->port == 0) return invalid_address(address, "has port 0, which only listen() takes");
    auto endpoints = resolve(*where, /*passive=*/false);
    if (!endpoints.ok()) return endpoints.status();
    return dial(*endpoints, address, handler);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in connect()");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("connect() failed: ") + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, "connect() failed");
  }
}

sdk::Result<sdk::ConnectionId> TcpTransport::dial(const std::vector<Endpoint>& endpoints,
                                                  std::string_view address,
                                                  sdk::FrameHandler& handler) {
  auto attempt = std::make_shared<PendingConnect>(io_);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return stopped_status();
    asio::post(attempt->socket.get_executor(), [attempt, endpoints] {
      asio::async_connect(attempt->socket, endpoints,
                          [attempt](const ErrorCode& ec, const Endpoint&) {
                            std::lock_guard attempt_lock(attempt->mu);
                            attempt->result = ec;
                            attempt->done = true;
                            attempt->cv.notify_all();
                          });
    });
    pending_connects_.push_back(attempt);
  }
  const auto deadline = std::chrono::steady_clock::now() + settings_.connect_timeout;
  bool timed_out = false;
  ErrorCode result;
  {
    std::unique_lock attempt_lock(attempt->mu);
    if (!attempt->cv.wait_until(attempt_lock, deadline, [&] { return attempt->done; })) {
      timed_out = true;
      asio::post(attempt->socket.get_executor(), [attempt] {
        ErrorCode ignored;
        attempt->socket.close(ignored);
      });
      // Closing completes the attempt at once; the socket is not ours until it has.
      attempt->cv.wait(attempt_lock, [&] { return attempt->done; });
    }
    result = attempt->result;
  }
  {
    std::lock_guard lock(mu_);
    std::erase(pending_connects_, attempt);
  }
  if (timed_out) {
    return Status(StatusCode::kTimeout, "no connection to " + std::string(address) + " within " +
                                            std::to_string(settings_.connect_timeout.count()) +
                                            " ms (connect_timeout_ms)");
  }
  if (result == asio::error::operation_aborted) return stopped_status();
  if (result) return socket_failure("connect to", endpoints.back(), result);

  auto opened = std::make_shared<std::promise<bool>>();
  std::future<bool> opened_future = opened->get_future();
  auto id =
      adopt(std::move(attempt->socket), handler, [opened](bool ok) { opened->set_value(ok); });
  if (!id.ok()) return id.status();
  if (!opened_future.get()) return stopped_status();
  return id;
}

// ---------------------------------------------------------------------------------------------
// Per-connection calls

std::shared_ptr<TcpConnection> TcpTransport::find(sdk::ConnectionId id) const {
  std::lock_guard lock(mu_);
  const auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second;
}

sdk::Status TcpTransport::send(sdk::ConnectionId id, sdk::OutboundFrame frame) noexcept {
  try {
    const std::shared_ptr<TcpConnection> connection = find(id);
    if (!connection) {
      return Status(StatusCode::kClosed, "no open connection with id " + std::to_string(id));
    }
    return connection->send(std::move(frame));
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in send()");
  } catch (...) {
    return Status(StatusCode::kInternal, "send() failed");
  }
}

void TcpTransport::close(sdk::ConnectionId id) noexcept {
  try {
    if (const std::shared_ptr<TcpConnection> connection = find(id)) connection->close();
  } catch (...) {
    logger_.error("close(", id, ") failed");
  }
}

std::size_t TcpTransport::queued_bytes(sdk::ConnectionId id) const noexcept {
  try {
    const std::shared_ptr<TcpConnection> connection = find(id);
    return connection ? connection->queued_bytes() : 0;
  } catch (...) {
    return 0;
  }
}

void TcpTransport::connection_finished(sdk::ConnectionId id) noexcept {
  std::lock_guard lock(mu_);
  connections_.erase(id);
}

}  // namespace mq::transport_tcp
