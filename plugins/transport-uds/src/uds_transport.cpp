#include "uds_transport.h"

#include "uds_address.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <new>
#include <utility>

namespace mq::transport_uds {
namespace {

using sdk::ConnectionId;
using sdk::Status;
using sdk::StatusCode;

// One gather write takes at most this many frames or bytes, so a long queue cannot starve
// reads on the loop.
constexpr std::size_t kMaxFramesPerWrite = 64;
constexpr std::size_t kMaxBytesPerWrite = 1024 * 1024;
// Below this many missing bytes a frame body is read through the side buffer (one read may
// then also bring the next frames); above it reads go straight into the frame.
constexpr std::size_t kDirectReadThreshold = 4096;

std::string uv_text(int code) { return std::string(uv_err_name(code)) + " " + uv_strerror(code); }

void put_be32(std::uint8_t* out, std::uint32_t value) {
  out[0] = static_cast<std::uint8_t>(value >> 24);
  out[1] = static_cast<std::uint8_t>(value >> 16);
  out[2] = static_cast<std::uint8_t>(value >> 8);
  out[3] = static_cast<std::uint8_t>(value);
}

std::uint32_t get_be32(const std::uint8_t* in) {
  return (std::uint32_t{in[0]} << 24) | (std::uint32_t{in[1]} << 16) | (std::uint32_t{in[2]} << 8) |
         std::uint32_t{in[3]};
}

uv_buf_t make_buf(const std::uint8_t* data, std::size_t size) {
  // libuv takes non-const buffers for writes too; it never writes through them.
  return uv_buf_init(reinterpret_cast<char*>(const_cast<std::uint8_t*>(data)),
                     static_cast<unsigned int>(size));
}

}  // namespace

// A frame waiting in (or being written from) a connection's queue.
struct QueuedFrame {
  sdk::OutboundFrame frame;
  std::uint8_t prefix[kLengthPrefixBytes]{};
  std::size_t wire_bytes = 0;
  std::size_t written = 0;  // bytes already sent by a direct write (first frame only)
};

// Sends closer together than this are a burst: queued for one gather write by the loop.
constexpr std::chrono::microseconds kBurstGap{50};
// A frame with more body spans than this is left to the loop's writer.
constexpr std::size_t kMaxDirectTailSpans = 14;

// One non-blocking sendmsg() of a whole frame; the bytes written, 0 when none could be.
std::size_t write_frame_directly(int fd, const QueuedFrame& queued) noexcept {
  std::array<iovec, 2 + kMaxDirectTailSpans> iov{};
  std::size_t count = 0;
  auto add = [&](const void* data, std::size_t size) {
    if (size == 0) return true;
    if (count == iov.size()) return false;
    iov[count].iov_base = const_cast<void*>(data);
    iov[count].iov_len = size;
    ++count;
    return true;
  };
  bool fits = add(queued.prefix, kLengthPrefixBytes) &&
              add(queued.frame.head.view().data(), queued.frame.head.size());
  for (const sdk::ByteView& span : queued.frame.tail) fits = fits && add(span.data(), span.size());
  if (!fits) return 0;
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = count;
  const ssize_t wrote = ::sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  return wrote > 0 ? static_cast<std::size_t>(wrote) : 0;
}

struct UdsTransport::Connection {
  Connection(UdsTransport& owner_in, sdk::FrameHandler& handler_in, ConnectionId id_in)
      : owner(owner_in), handler(handler_in), id(id_in) {}

  UdsTransport& owner;
  sdk::FrameHandler& handler;
  const ConnectionId id;

  // Any thread, under mu.
  std::mutex mu;
  std::deque<QueuedFrame> queue;
  bool accepting_sends = false;  // true from open until close()/finish
  bool flush_posted = false;     // a flush command is on its way to the loop
  bool close_requested = false;
  bool loop_writing = false;  // the loop has frames in flight: no direct write may overlap
  int fd = -1;                // the socket, for direct writes from other threads; -1 once done
  std::chrono::steady_clock::time_point last_send;
  std::atomic<std::size_t> queued{0};  // wire bytes queued or being written

  // Loop thread only.
  uv_pipe_t pipe{};
  uv_timer_t idle_timer{};
  uv_write_t write_request{};
  uv_shutdown_t shutdown_request{};
  uv_connect_t connect_request{};
  int open_handles = 0;
  bool opened = false;    // on_open delivered, so on_close is owed
  bool finished = false;  // finish() ran
  bool writing = false;
  bool shutting_down = false;
  std::vector<QueuedFrame> in_flight;
  std::vector<uv_buf_t> buffers;
  std::uint64_t last_activity_ms = 0;
  std::string peer;
  std::string local;
  std::shared_ptr<PendingConnect> pending;  // set while an outgoing connect is in progress
  // Reader state: the prefix being assembled, then the frame being filled.
  std::uint8_t prefix[kLengthPrefixBytes]{};
  std::size_t prefix_got = 0;
  sdk::Bytes frame;
  std::size_t frame_got = 0;
  bool in_body = false;
  std::uint64_t frames_delivered = 0;  // counts on_frame calls, for on_frames_end
};

struct UdsTransport::Listener {
  uv_pipe_t pipe{};
  std::string path;
  sdk::FrameHandler* handler = nullptr;
  dev_t device = 0;  // identity of the socket file we bound, so stop() removes only ours
  ino_t inode = 0;
  UdsTransport* owner = nullptr;
};

// An outgoing connect: the caller waits on cv until the loop fills in the result.
struct UdsTransport::PendingConnect {
  std::string path;
  std::string address;
  sdk::FrameHandler* handler = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;  // the caller gave up (timeout); the loop closes it quietly
  Status status;
  ConnectionId id = 0;
  int uv_error = 0;
};

// ---------------------------------------------------------------------------------------------
// Construction, thread, commands.

UdsTransport::UdsTransport(sdk::Logger& logger, const UdsTransportSettings& settings)
    : logger_(logger), settings_(settings), read_buffer_(settings.read_buffer_bytes) {}

sdk::Result<std::unique_ptr<UdsTransport>> UdsTransport::create(
    sdk::Logger& logger, const UdsTransportSettings& settings) {
  std::unique_ptr<UdsTransport> transport(new UdsTransport(logger, settings));
  // Until the loop thread runs, stop() (from the destructor) must not touch the loop.
  transport->loop_closing_ = true;
  if (int rc = uv_loop_init(&transport->loop_); rc != 0) {
    return Status(StatusCode::kInternal, "transport-uds: uv_loop_init failed: " + uv_text(rc));
  }
  transport->loop_.data = transport.get();
  if (int rc = uv_async_init(&transport->loop_, &transport->wake_, &UdsTransport::on_async);
      rc != 0) {
    uv_loop_close(&transport->loop_);
    return Status(StatusCode::kInternal, "transport-uds: uv_async_init failed: " + uv_text(rc));
  }
  transport->wake_.data = transport.get();
  try {
    transport->loop_closing_ = false;
    transport->thread_ = std::thread([raw = transport.get()] { raw->run_loop(); });
  } catch (const std::exception& e) {
    transport->loop_closing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&transport->wake_), nullptr);
    uv_run(&transport->loop_, UV_RUN_DEFAULT);
    uv_loop_close(&transport->loop_);
    return Status(StatusCode::kResourceExhausted,
                  std::string("transport-uds: cannot start the loop thread: ") + e.what());
  }
  return transport;
}

UdsTransport::~UdsTransport() { stop(); }

void UdsTransport::run_loop() noexcept {
  loop_thread_id_.store(std::this_thread::get_id());
  pthread_setname_np(pthread_self(), "mq-uds-io");
  // libuv writes with writev(), which raises SIGPIPE when the peer has gone. Blocked on this
  // thread, the signal stays pending here and the write fails with EPIPE instead; the process's
  // own disposition is left alone.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  // Every handle was closed by shutdown_on_loop(); close any straggler before closing the loop.
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void*) {
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (int rc = uv_loop_close(&loop_); rc != 0) {
    logger_.error("transport-uds: uv_loop_close failed: ", uv_text(rc));
  }
}

bool UdsTransport::on_loop_thread() const noexcept {
  return loop_thread_id_.load() == std::this_thread::get_id();
}

bool UdsTransport::post(std::function<void()> command) {
  std::lock_guard lock(mu_);
  if (loop_closing_) return false;
  commands_.push_back(std::move(command));
  uv_async_send(&wake_);
  return true;
}

Status UdsTransport::run_on_loop(const std::function<Status()>& command) {
  if (on_loop_thread()) return command();
  auto done = std::make_shared<std::promise<Status>>();
  auto future = done->get_future();
  if (!post([done, &command] { done->set_value(command()); })) {
    return Status(StatusCode::kClosed, "transport-uds: the transport is stopped");
  }
  return future.get();
}

void UdsTransport::on_async(uv_async_t* handle) {
  static_cast<UdsTransport*>(handle->data)->drain_commands();
}

void UdsTransport::drain_commands() noexcept {
  for (;;) {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(commands_);
    }
    if (batch.empty()) return;
    for (auto& command : batch) {
      try {
        command();
      } catch (const std::exception& e) {
        logger_.error("transport-uds: loop command threw: ", e.what());
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses and listening.

bool UdsTransport::accepts_address(std::string_view address) const noexcept {
  return is_unix_address(address);
}

sdk::Result<std::string> UdsTransport::listen(std::string_view address,
                                              sdk::FrameHandler& handler) noexcept {
  try {
    auto path = parse_unix_address(address);
    if (!path.ok()) return path.status();
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Status(StatusCode::kClosed, "transport-uds: the transport is stopped");
    }
    auto state = probe_socket_file(*path);
    if (!state.ok()) return state.status();
    switch (*state) {
      case SocketFileState::kAbsent:
        break;
      case SocketFileState::kLive:
        return Status(StatusCode::kAlreadyExists,
                      "transport-uds: cannot listen on " + *path +
                          ": another process is listening on it (socket in use; not replaced)");
      case SocketFileState::kNotSocket:
        return Status(StatusCode::kAlreadyExists,
                      "transport-uds: cannot listen on " + *path +
                          ": the path exists and is not a socket (not replaced)");
      case SocketFileState::kStale:
        if (::unlink(path->c_str()) != 0 && errno != ENOENT) {
          return Status(StatusCode::kIoError, "transport-uds: cannot remove stale socket " + *path +
                                                  ": " + std::strerror(errno));
        }
        logger_.warn("transport-uds: removed stale socket file ", *path,
                     " (nobody was listening on it)");
        break;
    }
    std::string bound;
    Status status = run_on_loop([&]() -> Status {
      auto result = listen_on_loop(*path, handler);
      if (!result.ok()) return result.status();
      bound = std::move(result).value();
      return Status::ok();
    });
    if (!status) return status;
    logger_.info("transport-uds: listening on ", bound);
    return bound;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "transport-uds: out of memory in listen()");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal,
                  std::string("transport-uds: listen() failed: ") + e.what());
  }
}

sdk::Result<std::string> UdsTransport::listen_on_loop(const std::string& path,
                                                      sdk::FrameHandler& handler) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status(StatusCode::kClosed, "transport-uds: the transport is stopped");
  }
  auto listener = std::make_unique<Listener>();
  listener->path = path;
  listener->handler = &handler;
  listener->owner = this;
  if (int rc = uv_pipe_init(&loop_, &listener->pipe, 0); rc != 0) {
    return Status(StatusCode::kIoError, "transport-uds: uv_pipe_init failed: " + uv_text(rc));
  }
  listener->pipe.data = listener.get();
  auto fail = [&](const std::string& what, int rc) -> Status {
    // The handle must outlive its close; the close callback frees the listener.
    Listener* raw = listener.release();
    uv_close(reinterpret_cast<uv_handle_t*>(&raw->pipe),
             [](uv_handle_t* handle) { delete static_cast<Listener*>(handle->data); });
    const StatusCode code = rc == UV_EADDRINUSE ? StatusCode::kAlreadyExists : StatusCode::kIoError;
    return Status(code,
                  "transport-uds: cannot listen on " + path + ": " + what + ": " + uv_text(rc));
  };
  if (int rc = uv_pipe_bind(&listener->pipe, path.c_str()); rc != 0) return fail("bind", rc);
  // From here the file is ours: remove it again if anything below fails.
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    listener->device = info.st_dev;
    listener->inode = info.st_ino;
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(settings_.socket_mode)) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return fail(std::string("chmod ") + std::strerror(error), UV_EPERM);
  }
  if (int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->pipe), settings_.listen_backlog,
                         &UdsTransport::on_listener_connection);
      rc != 0) {
    ::unlink(path.c_str());
    return fail("listen", rc);
  }
  listeners_.push_back(std::move(listener));
  return std::string(kUnixPrefix) + path;
}

void UdsTransport::on_listener_connection(uv_stream_t* server, int status) {
  auto* listener = static_cast<Listener*>(server->data);
  UdsTransport& self = *listener->owner;
  if (status < 0) {
    self.logger_.warn("transport-uds: accept on ", listener->path, " failed: ", uv_text(status));
    return;
  }
  self.accept_one(*listener);
}

void UdsTransport::accept_one(Listener& listener) noexcept {
  try {
    auto connection = new_connection(*listener.handler);
    if (!connection) return;
    if (int rc = uv_accept(reinterpret_cast<uv_stream_t*>(&listener.pipe),
                           reinterpret_cast<uv_stream_t*>(&connection->pipe));
        rc != 0) {
      logger_.warn("transport-uds: accept on ", listener.path, " failed: ", uv_text(rc));
      finish(*connection, Status(StatusCode::kIoError, "accept failed"));
      return;
    }
    connection->peer =
        std::string(kUnixPrefix) + listener.path + "#" + std::to_string(connection->id);
    connection->local = std::string(kUnixPrefix) + listener.path;
    if (!register_connection(connection)) {
      finish(*connection, Status(StatusCode::kClosed, "transport stopping"));
      return;
    }
    open_connection(*connection);
  } catch (const std::exception& e) {
    logger_.error("transport-uds: accepting on ", listener.path, " failed: ", e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Connections: creation, registration, opening.

std::shared_ptr<UdsTransport::Connection> UdsTransport::new_connection(sdk::FrameHandler& handler) {
  auto connection = std::make_shared<Connection>(*this, handler, next_id_.fetch_add(1));
  if (int rc = uv_pipe_init(&loop_, &connection->pipe, 0); rc != 0) {
    logger_.error("transport-uds: uv_pipe_init failed: ", uv_text(rc));
    return nullptr;
  }
  connection->pipe.data = connection.get();
  ++connection->open_handles;
  uv_timer_init(&loop_, &connection->idle_timer);
  connection->idle_timer.data = connection.get();
  ++connection->open_handles;
  connection->write_request.data = connection.get();
  connection->shutdown_request.data = connection.get();
  connection->connect_request.data = connection.get();
  live_.emplace(connection.get(), connection);
  return connection;
}

bool UdsTransport::register_connection(const std::shared_ptr<Connection>& connection) noexcept {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  connections_.emplace(connection->id, connection);
  std::lock_guard connection_lock(connection->mu);
  connection->accepting_sends = true;
  return true;
}

void UdsTransport::open_connection(Connection& connection) noexcept {
  connection.opened = true;
  {
    uv_os_fd_t fd = -1;
    if (uv_fileno(reinterpret_cast<const uv_handle_t*>(&connection.pipe), &fd) == 0) {
      std::lock_guard lock(connection.mu);
      connection.fd = fd;
    }
  }
  connection.last_activity_ms = uv_now(&loop_);
  connection.handler.on_open(connection.id, connection.peer, connection.local);
  if (connection.finished) return;
  if (settings_.idle_timeout.count() > 0) {
    arm_idle_timer(connection, static_cast<std::uint64_t>(settings_.idle_timeout.count()));
  }
  if (int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&connection.pipe),
                             &UdsTransport::on_alloc, &UdsTransport::on_read);
      rc != 0) {
    finish(connection, Status(StatusCode::kIoError, "read start failed: " + uv_text(rc)));
    return;
  }
  // Sends may have been queued by on_open before reading started.
  flush(connection);
}

// ---------------------------------------------------------------------------------------------
// Connecting.

sdk::Result<ConnectionId> UdsTransport::connect(std::string_view address,
                                                sdk::FrameHandler& handler) noexcept {
  try {
    if (on_loop_thread()) {
      return Status(StatusCode::kInvalidArgument,
                    "transport-uds: connect() must not be called from the loop thread");
    }
    auto path = parse_unix_address(address);
    if (!path.ok()) return path.status();
    const auto deadline = std::chrono::steady_clock::now() + settings_.connect_timeout;
    for (;;) {
      auto pending = std::make_shared<PendingConnect>();
      pending->path = *path;
      pending->address = std::string(address);
      pending->handler = &handler;
      if (!post([this, pending] { start_connect(pending); })) {
        return Status(StatusCode::kClosed, "transport-uds: the transport is stopped");
      }
      std::unique_lock lock(pending->mu);
      if (!pending->cv.wait_until(lock, deadline, [&] { return pending->done; })) {
        pending->abandoned = true;
        return Status(StatusCode::kTimeout,
                      "transport-uds: connect to " + std::string(address) + " timed out after " +
                          std::to_string(settings_.connect_timeout.count()) + " ms");
      }
      // A full backlog refuses at once on a Unix socket: try again until the deadline.
      if (pending->uv_error == UV_EAGAIN && std::chrono::steady_clock::now() < deadline) {
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      if (!pending->status) return pending->status;
      return pending->id;
    }
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "transport-uds: out of memory in connect()");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal,
                  std::string("transport-uds: connect() failed: ") + e.what());
  }
}

void UdsTransport::start_connect(const std::shared_ptr<PendingConnect>& pending) noexcept {
  auto complete = [&](Status status, int uv_error) {
    std::lock_guard lock(pending->mu);
    pending->status = std::move(status);
    pending->uv_error = uv_error;
    pending->done = true;
    pending->cv.notify_all();
  };
  try {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        complete(Status(StatusCode::kClosed, "transport-uds: the transport is stopped"), 0);
        return;
      }
    }
    auto connection = new_connection(*pending->handler);
    if (!connection) {
      complete(Status(StatusCode::kIoError, "transport-uds: cannot create a pipe handle"), 0);
      return;
    }
    connection->pending = pending;
    connection->peer = pending->address;
    connection->local = std::string(kUnixPrefix);
    uv_pipe_connect(&connection->connect_request, &connection->pipe, pending->path.c_str(),
                    &UdsTransport::on_connected);
  } catch (const std::exception& e) {
    complete(Status(StatusCode::kInternal, std::string("transport-uds: ") + e.what()), 0);
  }
}

void UdsTransport::on_connected(uv_connect_t* request, int status) {
  auto& connection = *static_cast<Connection*>(request->data);
  UdsTransport& self = connection.owner;
  auto pending = std::move(connection.pending);
  std::lock_guard lock(pending->mu);
  auto complete = [&](Status result, int uv_error) {
    pending->status = std::move(result);
    pending->uv_error = uv_error;
    pending->done = true;
    pending->cv.notify_all();
  };
  if (status < 0) {
    self.finish(connection, Status(StatusCode::kUnavailable, "connect failed"));
    const StatusCode code = status == UV_ECANCELED ? StatusCode::kClosed : StatusCode::kUnavailable;
    complete(Status(code, "transport-uds: connect to " + pending->address +
                              " failed: " + uv_text(status)),
             status);
    return;
  }
  if (pending->abandoned) {
    self.finish(connection, Status(StatusCode::kTimeout, "connect abandoned"));
    return;
  }
  if (connection.finished || !self.register_connection(self.live_.at(&connection))) {
    if (!connection.finished) self.finish(connection, Status(StatusCode::kClosed, "stopping"));
    complete(Status(StatusCode::kClosed, "transport-uds: the transport is stopped"), 0);
    return;
  }
  // on_open is delivered before connect() returns: the caller waits on pending->mu.
  self.open_connection(connection);
  if (connection.finished) {
    complete(Status(StatusCode::kClosed,
                    "transport-uds: connection to " + pending->address + " closed while opening"),
             0);
    return;
  }
  pending->id = connection.id;
  complete(Status::ok(), 0);
}

// ---------------------------------------------------------------------------------------------
// Reading.

void UdsTransport::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buffer) {
  auto& connection = *static_cast<Connection*>(handle->data);
  UdsTransport& self = connection.owner;
  if (connection.in_body &&
      connection.frame.size() - connection.frame_got >= kDirectReadThreshold) {
    // Straight into the frame, and no further: large bodies are never copied.
    *buffer = uv_buf_init(reinterpret_cast<char*>(connection.frame.data() + connection.frame_got),
                          static_cast<unsigned int>(std::min<std::size_t>(
                              connection.frame.size() - connection.frame_got, 1u << 30)));
    return;
  }
  *buffer = uv_buf_init(reinterpret_cast<char*>(self.read_buffer_.data()),
                        static_cast<unsigned int>(self.read_buffer_.size()));
}

void UdsTransport::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buffer) {
  auto& connection = *static_cast<Connection*>(stream->data);
  UdsTransport& self = connection.owner;
  self.in_read_ = true;
  self.read(connection, nread, buffer);
  self.in_read_ = false;
  self.flush_deferred();
}

void UdsTransport::flush_deferred() noexcept {
  // flush() may end a connection, whose on_close may send: take the list first.
  std::vector<std::shared_ptr<Connection>> connections;
  connections.swap(deferred_flush_);
  for (const auto& connection : connections) {
    {
      std::lock_guard lock(connection->mu);
      connection->flush_posted = false;
    }
    if (!connection->finished) flush(*connection);
  }
}

void UdsTransport::read(Connection& connection, ssize_t nread, const uv_buf_t* buffer) noexcept {
  UdsTransport& self = *this;
  if (connection.finished) return;
  if (nread < 0) {
    if (nread == UV_EOF) {
      if (connection.in_body || connection.prefix_got > 0) {
        self.logger_.info("transport-uds: peer ", connection.peer,
                          " closed in the middle of a frame");
      }
      self.finish(connection, Status(StatusCode::kClosed, "peer closed the connection"));
    } else {
      self.finish(connection,
                  Status(StatusCode::kIoError, "read failed: " + uv_text(static_cast<int>(nread))));
    }
    return;
  }
  if (nread == 0) return;
  connection.last_activity_ms = uv_now(&self.loop_);
  const auto size = static_cast<std::size_t>(nread);
  const std::uint64_t delivered_before = connection.frames_delivered;
  if (reinterpret_cast<std::uint8_t*>(buffer->base) != self.read_buffer_.data()) {
    connection.frame_got += size;
    self.deliver_if_complete(connection);
  } else {
    self.consume(connection, self.read_buffer_.data(), size);
  }
  if (connection.frames_delivered != delivered_before && !connection.finished) {
    connection.handler.on_frames_end(connection.id);
  }
}

void UdsTransport::consume(Connection& connection, const std::uint8_t* data,
                           std::size_t size) noexcept {
  while (size > 0 && !connection.finished) {
    if (!connection.in_body) {
      const std::size_t take = std::min(size, kLengthPrefixBytes - connection.prefix_got);
      std::memcpy(connection.prefix + connection.prefix_got, data, take);
      connection.prefix_got += take;
      data += take;
      size -= take;
      if (connection.prefix_got < kLengthPrefixBytes) return;
      const std::uint32_t length = get_be32(connection.prefix);
      connection.prefix_got = 0;
      const char* problem = nullptr;
      if (length < kMinFrameLength) {
        problem = "is smaller than the 4-byte header word";
      } else if (std::uint64_t{length} + kLengthPrefixBytes > settings_.max_frame_bytes) {
        problem = "exceeds max_frame_bytes";
      }
      if (problem != nullptr) {
        logger_.warn("transport-uds: closing connection from ", connection.peer,
                     ": frame length prefix ", length, " ", problem, " (limit ",
                     settings_.max_frame_bytes, " including the prefix)");
        finish(connection, Status(StatusCode::kCorruption,
                                  "bad frame length prefix " + std::to_string(length)));
        return;
      }
      try {
        connection.frame = sdk::Bytes(length);
      } catch (const std::bad_alloc&) {
        logger_.error("transport-uds: no memory for a ", length, "-byte frame from ",
                      connection.peer);
        finish(connection, Status(StatusCode::kResourceExhausted, "out of memory for a frame"));
        return;
      }
      connection.frame_got = 0;
      connection.in_body = true;
    }
    const std::size_t take = std::min(size, connection.frame.size() - connection.frame_got);
    std::memcpy(connection.frame.data() + connection.frame_got, data, take);
    connection.frame_got += take;
    data += take;
    size -= take;
    if (!deliver_if_complete(connection)) return;
  }
}

bool UdsTransport::deliver_if_complete(Connection& connection) noexcept {
  if (connection.frame_got < connection.frame.size()) return true;
  connection.in_body = false;
  connection.frame_got = 0;
  sdk::Bytes frame = std::move(connection.frame);
  bool close_requested = false;
  {
    std::lock_guard lock(connection.mu);
    close_requested = connection.close_requested;
  }
  // After close() no more frames are delivered.
  if (!close_requested) {
    connection.handler.on_frame(connection.id, std::move(frame));
    ++connection.frames_delivered;
  }
  return !connection.finished;
}

// ---------------------------------------------------------------------------------------------
// Writing.

std::shared_ptr<UdsTransport::Connection> UdsTransport::find(ConnectionId id) const {
  std::lock_guard lock(mu_);
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second;
}

Status UdsTransport::send(ConnectionId id, sdk::OutboundFrame frame) noexcept {
  try {
    const std::size_t size = frame.size();
    if (size < kMinFrameLength || size + kLengthPrefixBytes > settings_.max_frame_bytes) {
      return Status(StatusCode::kInvalidArgument,
                    "transport-uds: frame of " + std::to_string(size) + " bytes is outside 4.." +
                        std::to_string(settings_.max_frame_bytes - kLengthPrefixBytes));
    }
    auto connection = find(id);
    if (!connection) {
      return Status(StatusCode::kClosed,
                    "transport-uds: connection " + std::to_string(id) + " is closed or unknown");
    }
    const std::size_t wire = size + kLengthPrefixBytes;
    bool wake = false;
    {
      std::lock_guard lock(connection->mu);
      if (!connection->accepting_sends) {
        return Status(StatusCode::kClosed,
                      "transport-uds: connection " + std::to_string(id) + " is closing");
      }
      if (connection->queued.load() + wire > settings_.write_queue_limit_bytes) {
        return Status(StatusCode::kResourceExhausted,
                      "transport-uds: write queue of " + connection->peer + " is full (" +
                          std::to_string(connection->queued.load()) + " bytes queued, limit " +
                          std::to_string(settings_.write_queue_limit_bytes) + ")");
      }
      // From a thread other than the loop, with nothing queued or being written and no send
      // in the last kBurstGap: write it here, sparing a hand-off to the loop thread.
      const auto now = std::chrono::steady_clock::now();
      const bool in_burst = now - connection->last_send < kBurstGap;
      connection->last_send = now;
      const bool direct = !in_burst && connection->fd >= 0 && connection->queue.empty() &&
                          !connection->flush_posted && !connection->loop_writing &&
                          !on_loop_thread();
      QueuedFrame& queued = connection->queue.emplace_back();
      queued.frame = std::move(frame);
      queued.wire_bytes = wire;
      put_be32(queued.prefix, static_cast<std::uint32_t>(size));
      if (direct) {
        queued.written = write_frame_directly(connection->fd, queued);
        if (queued.written == wire) {
          connection->queue.pop_back();
          return Status::ok();
        }
      }
      connection->queued.fetch_add(wire);
      if (!connection->flush_posted) {
        connection->flush_posted = true;
        wake = true;
      }
    }
    if (wake && on_loop_thread() && in_read_) {
      // An answer from inside a read callback: flushed when the callback returns.
      deferred_flush_.push_back(connection);
      return Status::ok();
    }
    if (wake && !post([this, connection] {
          {
            std::lock_guard lock(connection->mu);
            connection->flush_posted = false;
          }
          if (!connection->finished) flush(*connection);
        })) {
      return Status(StatusCode::kClosed, "transport-uds: the transport is stopped");
    }
    return Status::ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "transport-uds: out of memory in send()");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("transport-uds: send() failed: ") + e.what());
  }
}

void UdsTransport::flush(Connection& connection) noexcept {
  if (connection.finished || connection.writing || connection.shutting_down || !connection.opened) {
    return;
  }
  bool close_now = false;
  try {
    {
      std::lock_guard lock(connection.mu);
      std::size_t bytes = 0;
      while (!connection.queue.empty() && connection.in_flight.size() < kMaxFramesPerWrite &&
             (connection.in_flight.empty() || bytes < kMaxBytesPerWrite)) {
        bytes += connection.queue.front().wire_bytes;
        connection.in_flight.push_back(std::move(connection.queue.front()));
        connection.queue.pop_front();
      }
      close_now = connection.in_flight.empty() && connection.close_requested;
      connection.loop_writing = !connection.in_flight.empty();
    }
    if (connection.in_flight.empty()) {
      if (close_now) begin_orderly_close(connection);
      return;
    }
    // The gather list: prefix, head and every tail span of each frame, no copies; the bytes a
    // direct write already sent of the first frame are left out.
    connection.buffers.clear();
    std::size_t skip = connection.in_flight.front().written;
    auto add = [&connection, &skip](const void* data, std::size_t size) {
      const std::size_t skipped = std::min(skip, size);
      skip -= skipped;
      if (size > skipped) {
        connection.buffers.push_back(
            make_buf(static_cast<const std::uint8_t*>(data) + skipped, size - skipped));
      }
    };
    for (const QueuedFrame& queued : connection.in_flight) {
      add(queued.prefix, kLengthPrefixBytes);
      add(queued.frame.head.data(), queued.frame.head.size());
      for (const sdk::ByteView& span : queued.frame.tail) add(span.data(), span.size());
    }
  } catch (const std::exception& e) {
    finish(connection, Status(StatusCode::kResourceExhausted,
                              std::string("cannot build a write: ") + e.what()));
    return;
  }
  connection.writing = true;
  if (int rc =
          uv_write(&connection.write_request, reinterpret_cast<uv_stream_t*>(&connection.pipe),
                   connection.buffers.data(), static_cast<unsigned int>(connection.buffers.size()),
                   &UdsTransport::on_written);
      rc != 0) {
    connection.writing = false;
    finish(connection, Status(StatusCode::kIoError, "write failed: " + uv_text(rc)));
  }
}

void UdsTransport::on_written(uv_write_t* request, int status) {
  auto& connection = *static_cast<Connection*>(request->data);
  UdsTransport& self = connection.owner;
  connection.writing = false;
  {
    std::lock_guard lock(connection.mu);
    connection.loop_writing = false;
  }
  std::size_t written = 0;
  for (const QueuedFrame& queued : connection.in_flight) written += queued.wire_bytes;
  connection.in_flight.clear();  // releases each frame's keepalive
  connection.buffers.clear();
  connection.queued.fetch_sub(std::min(written, connection.queued.load()));
  if (connection.finished) return;
  if (status < 0) {
    self.finish(connection, Status(StatusCode::kIoError, "write failed: " + uv_text(status)));
    return;
  }
  connection.last_activity_ms = uv_now(&self.loop_);
  self.flush(connection);
}

// ---------------------------------------------------------------------------------------------
// Closing.

void UdsTransport::close(ConnectionId id) noexcept {
  try {
    auto connection = find(id);
    if (!connection) return;
    {
      std::lock_guard lock(connection->mu);
      if (connection->close_requested) return;
      connection->close_requested = true;
      connection->accepting_sends = false;
    }
    post([this, connection] {
      if (connection->finished) return;
      uv_read_stop(reinterpret_cast<uv_stream_t*>(&connection->pipe));
      flush(*connection);
    });
  } catch (const std::exception& e) {
    logger_.error("transport-uds: close(", id, ") failed: ", e.what());
  }
}

void UdsTransport::begin_orderly_close(Connection& connection) noexcept {
  if (connection.shutting_down || connection.finished) return;
  connection.shutting_down = true;
  if (int rc =
          uv_shutdown(&connection.shutdown_request,
                      reinterpret_cast<uv_stream_t*>(&connection.pipe), &UdsTransport::on_shutdown);
      rc != 0) {
    finish(connection, Status(StatusCode::kClosed, "closed by close()"));
  }
}

void UdsTransport::on_shutdown(uv_shutdown_t* request, int) {
  auto& connection = *static_cast<Connection*>(request->data);
  connection.owner.finish(connection, Status(StatusCode::kClosed, "closed by close()"));
}

void UdsTransport::arm_idle_timer(Connection& connection, std::uint64_t delay_ms) noexcept {
  uv_timer_start(&connection.idle_timer, &UdsTransport::on_idle_timer, delay_ms, 0);
}

void UdsTransport::on_idle_timer(uv_timer_t* timer) {
  auto& connection = *static_cast<Connection*>(timer->data);
  UdsTransport& self = connection.owner;
  if (connection.finished) return;
  const auto idle = static_cast<std::uint64_t>(self.settings_.idle_timeout.count());
  std::uint64_t quiet = uv_now(&self.loop_) - connection.last_activity_ms;
  {
    // Frames written directly by send() count as traffic too.
    std::lock_guard lock(connection.mu);
    const auto since_send = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - connection.last_send);
    quiet =
        std::min(quiet, static_cast<std::uint64_t>(std::max<std::int64_t>(0, since_send.count())));
  }
  if (quiet >= idle) {
    self.logger_.info("transport-uds: closing idle connection ", connection.peer, " after ", quiet,
                      " ms without traffic");
    self.finish(connection,
                Status(StatusCode::kTimeout, "idle for " + std::to_string(quiet) + " ms"));
    return;
  }
  self.arm_idle_timer(connection, idle - quiet);
}

void UdsTransport::finish(Connection& connection, const Status& why) noexcept {
  if (connection.finished) return;
  connection.finished = true;
  {
    std::lock_guard lock(mu_);
    connections_.erase(connection.id);
  }
  std::size_t dropped = 0;
  {
    std::lock_guard lock(connection.mu);
    connection.accepting_sends = false;
    connection.fd = -1;  // before uv_close below closes it
    for (const QueuedFrame& queued : connection.queue) dropped += queued.wire_bytes;
    connection.queue.clear();
  }
  connection.queued.fetch_sub(std::min(dropped, connection.queued.load()));
  connection.frame = sdk::Bytes();
  if (connection.opened) connection.handler.on_close(connection.id, why);
  uv_close(reinterpret_cast<uv_handle_t*>(&connection.pipe),
           &UdsTransport::on_connection_handle_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&connection.idle_timer),
           &UdsTransport::on_connection_handle_closed);
}

void UdsTransport::on_connection_handle_closed(uv_handle_t* handle) {
  auto* connection = static_cast<Connection*>(handle->data);
  if (--connection->open_handles > 0) return;
  // Last handle gone: the connection may be freed (callers of send() may still hold it).
  connection->owner.live_.erase(connection);
}

std::size_t UdsTransport::queued_bytes(ConnectionId id) const noexcept {
  try {
    auto connection = find(id);
    return connection ? connection->queued.load() : 0;
  } catch (...) {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Stopping.

void UdsTransport::shutdown_on_loop() noexcept {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  for (auto& listener : listeners_) {
    struct stat info {};
    if (::stat(listener->path.c_str(), &info) == 0 && info.st_dev == listener->device &&
        info.st_ino == listener->inode) {
      ::unlink(listener->path.c_str());
    }
    Listener* raw = listener.release();
    uv_close(reinterpret_cast<uv_handle_t*>(&raw->pipe),
             [](uv_handle_t* handle) { delete static_cast<Listener*>(handle->data); });
  }
  listeners_.clear();
  // Abort every connection (unsent frames are dropped); outgoing connects in progress are
  // cancelled by closing their handles (their callback then reports kClosed).
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(live_.size());
  for (auto& [raw, connection] : live_) all.push_back(connection);
  for (auto& connection : all) {
    finish(*connection, Status(StatusCode::kClosed, "transport stopped"));
  }
  {
    std::lock_guard lock(mu_);
    loop_closing_ = true;
  }
  // Commands queued before loop_closing_ was set still run (they see stopping_ and fail fast).
  drain_commands();
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

void UdsTransport::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && !loop_closing_) {
      stopping_ = true;
      commands_.push_back([this] { shutdown_on_loop(); });
      uv_async_send(&wake_);
    }
  }
  if (on_loop_thread()) {
    logger_.error("transport-uds: stop() called on the loop thread; the shutdown has started, ",
                  "the thread is joined by a later stop() or the destructor");
    return;
  }
  std::lock_guard lock(stop_mu_);
  if (thread_.joinable()) thread_.join();
}

}  // namespace mq::transport_uds
