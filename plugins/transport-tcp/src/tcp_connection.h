// TcpConnection: one TCP socket of the transport, accepted by a listener or dialled by connect().
//
// It reads frames (FrameSplitter), writes frames from a bounded queue with gather writes, and
// closes itself when idle. It delivers on_open, on_frame, on_frames_end (after each read that
// completed a frame) and on_close to the FrameHandler it was created with.
//
// Lifecycle: TcpTransport creates it around a connected socket and calls start(), which
// delivers on_open and begins reading. Every path that ends the connection (peer close, I/O
// error, malformed prefix, idle timeout, orderly close(), abort() from stop()) goes through
// finish(), which closes the socket, drops the unsent frames, delivers on_close exactly once
// (only if on_open was delivered, and never before a frame of it) and then tells its
// ConnectionOwner to forget it.
//
// Threads: the socket, the timer, the read state and every handler callback belong to the
// connection's strand, so callbacks of one connection never overlap and keep their order,
// whichever I/O thread runs them. send(), close(), abort() and queued_bytes() may be called from
// any thread; they share only the write queue (under write_mu_) with the strand. A send() from
// outside the strand that finds the queue empty, the writer idle and no other send in the last
// 50 us writes the frame itself (one sendmsg, no hand-off to an I/O thread: a one-at-a-time
// request costs one thread wake-up less); bursts and sends from inside the strand (responses)
// are queued and go out batched.
//
// Ownership: shared_ptr. The transport's connection map and every pending Asio operation each
// hold a reference, so the object outlives its last completion handler. The FrameHandler,
// ConnectionOwner and Logger must outlive the connection (the transport guarantees this by
// joining its I/O threads before it goes).
#pragma once

#include "frame_splitter.h"

#include "mq/sdk/bytes.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mq::transport_tcp {

namespace asio = boost::asio;

using Strand = asio::strand<asio::io_context::executor_type>;
// Sockets and timers carry their connection's strand as executor, so every completion handler
// of a connection runs on that strand without further wrapping.
using Socket = asio::basic_stream_socket<asio::ip::tcp, Strand>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Strand>;

// Per-connection limits, fixed when the transport is created.
struct ConnectionLimits {
  std::uint64_t max_frame_bytes = 16 * 1024 * 1024;          // whole frame, length prefix included
  std::uint64_t write_queue_limit_bytes = 64 * 1024 * 1024;  // queued wire bytes, prefixes included
  std::chrono::milliseconds idle_timeout{120000};            // zero: never close for idleness
  std::chrono::milliseconds close_linger{1000};  // wait for the peer's FIN after close()
  std::size_t read_buffer_bytes = 16 * 1024;     // side buffer for bytes past a frame
};

// Told when a connection has finished (after its on_close), on the connection's strand.
class ConnectionOwner {
 public:
  virtual void connection_finished(sdk::ConnectionId id) noexcept = 0;

 protected:
  ~ConnectionOwner() = default;
};

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  // `socket` is connected and its executor is a strand of its own. `peer` and `local` are the
  // formatted remote and local addresses handed to on_open and used in log lines.
  TcpConnection(sdk::ConnectionId id, Socket socket, std::string peer, std::string local,
                sdk::FrameHandler& handler, ConnectionOwner& owner, sdk::Logger& logger,
                const ConnectionLimits& limits);
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection() = default;

  // Queues the start on the strand: on_open, then the read loop and the idle timer. `opened`,
  // if set, runs on the strand once: with true right after on_open returned, or with false when
  // the connection was aborted before it could open (no on_open and no on_close then).
  // Throws std::bad_alloc if the start cannot be queued.
  void start(std::function<void(bool opened)> opened);

  // Queues `frame` behind the frames already queued. Fails with kInvalidArgument when the frame
  // is larger than max_frame_bytes allows (or smaller than the 4-byte header word), kClosed
  // after close(), abort() or finish(), kResourceExhausted when the queued wire bytes (length
  // prefixes included, frames being written included) would exceed write_queue_limit_bytes.
  // On failure the frame is released before returning.
  sdk::Status send(sdk::OutboundFrame frame) noexcept;

  // Orderly close: refuses further sends, stops delivering frames, writes what is queued, then
  // shuts down the sending side and waits up to close_linger for the peer to close before
  // closing the socket. on_close follows with kClosed. Idempotent.
  void close() noexcept;

  // Closes at once, dropping queued frames; on_close carries `why`. Idempotent.
  void abort(sdk::Status why) noexcept;

  std::size_t queued_bytes() const noexcept;

  sdk::ConnectionId id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }

 private:
  // A frame waiting in the queue or being written, with its encoded length prefix.
  struct QueuedFrame {
    LengthPrefix prefix{};
    sdk::OutboundFrame frame;
    std::size_t wire_bytes = 0;
    std::size_t written = 0;  // bytes already sent by a direct write (first frame only)
  };

  // From a thread outside the strand with nothing queued or being written: writes the frame
  // with one non-blocking sendmsg(). Returns the bytes written (all of wire_bytes when the
  // kernel took it), or 0 when the socket would block or failed (the strand's writer then
  // sends it, and reports any error). REQUIRES: write_mu_ held, accepting_.
  std::size_t write_directly(const QueuedFrame& queued) noexcept;

  // All of these run on the strand.
  void begin(const std::function<void(bool)>& opened) noexcept;
  void read_next();
  void on_read(const boost::system::error_code& ec, std::size_t n) noexcept;
  // Hands the complete frames among `n` new bytes to the handler; returns how many.
  std::size_t deliver_frames(std::size_t n);
  void reject_stream(SplitResult why) noexcept;
  void on_read_error(const boost::system::error_code& ec) noexcept;
  void write_next() noexcept;
  void write_some();
  void on_write(const boost::system::error_code& ec, std::size_t n) noexcept;
  void on_close_requested() noexcept;
  void begin_shutdown() noexcept;
  void arm_timer(std::chrono::steady_clock::time_point at);
  void on_timer(const boost::system::error_code& ec) noexcept;
  void finish(const sdk::Status& why) noexcept;
  void touch() noexcept { last_activity_ = std::chrono::steady_clock::now(); }

  // Constant after construction.
  const sdk::ConnectionId id_;
  const std::string peer_;
  const std::string local_;
  sdk::FrameHandler& handler_;
  ConnectionOwner& owner_;
  sdk::Logger& logger_;
  const ConnectionLimits limits_;

  // Strand only.
  Socket socket_;
  Timer timer_;
  FrameSplitter splitter_;
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  std::size_t read_into_body_ = 0;  // bytes of body_space() offered to the pending read
  bool opened_ = false;             // on_open delivered
  bool finished_ = false;           // finish() ran: socket closed, on_close delivered
  bool shutdown_started_ = false;   // orderly close: FIN sent, lingering for the peer's
  std::chrono::steady_clock::time_point last_activity_;
  std::chrono::steady_clock::time_point linger_deadline_;
  std::vector<QueuedFrame> in_flight_;  // the batch being written; owns what buffers point at
  std::vector<asio::const_buffer> write_buffers_;
  std::size_t write_index_ = 0;  // first buffer of write_buffers_ not fully written
  std::size_t in_flight_bytes_ = 0;

  // Any thread.
  // The socket's descriptor for direct writes; open while accepting_ is true, since finish()
  // clears accepting_ under write_mu_ before it closes the socket.
  const int fd_;
  std::atomic<bool> close_requested_{false};  // set once, under write_mu_
  mutable std::mutex write_mu_;
  std::deque<QueuedFrame> queue_;  // guarded by write_mu_
  std::size_t queued_bytes_ = 0;   // guarded by write_mu_; queue_ plus in_flight_
  bool accepting_ = true;          // guarded by write_mu_; false after close/abort/finish
  bool writer_active_ = false;     // guarded by write_mu_; write_next() posted or writing
  std::chrono::steady_clock::time_point last_send_;  // guarded by write_mu_
};

}  // namespace mq::transport_tcp
