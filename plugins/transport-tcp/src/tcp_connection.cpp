#include "tcp_connection.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <exception>
#include <new>
#include <span>
#include <string>
#include <utility>

namespace mq::transport_tcp {

namespace {

using ErrorCode = boost::system::error_code;
using sdk::Status;
using sdk::StatusCode;

// A write batch takes frames from the queue until either bound is reached (always at least one
// frame), so one huge backlog does not become one huge iovec list.
constexpr std::size_t kMaxBatchFrames = 64;
constexpr std::size_t kMaxBatchBytes = 1024 * 1024;
// Sends closer together than this are a burst (see send()).
constexpr std::chrono::microseconds kBurstGap{50};
// A frame with more body spans than this is left to the strand's writer.
constexpr std::size_t kMaxDirectTailSpans = 14;

}  // namespace

TcpConnection::TcpConnection(sdk::ConnectionId id, Socket socket, std::string peer,
                             std::string local, sdk::FrameHandler& handler, ConnectionOwner& owner,
                             sdk::Logger& logger, const ConnectionLimits& limits)
    : id_(id),
      peer_(std::move(peer)),
      local_(std::move(local)),
      handler_(handler),
      owner_(owner),
      logger_(logger),
      limits_(limits),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      splitter_(limits.max_frame_bytes),
      read_buffer_(new std::uint8_t[limits.read_buffer_bytes]),
      fd_(socket_.native_handle()) {}

void TcpConnection::start(std::function<void(bool)> opened) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), opened = std::move(opened)] { self->begin(opened); });
}

void TcpConnection::begin(const std::function<void(bool)>& opened) noexcept {
  if (finished_) {
    if (opened) opened(false);
    return;
  }
  opened_ = true;
  handler_.on_open(id_, peer_, local_);
  if (opened) opened(true);
  try {
    touch();
    if (limits_.idle_timeout.count() > 0) arm_timer(last_activity_ + limits_.idle_timeout);
    read_next();
  } catch (const std::exception& e) {
    finish(Status(StatusCode::kInternal, std::string("cannot start reading: ") + e.what()));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

void TcpConnection::read_next() {
  if (finished_) return;
  // While a frame body is incomplete the read goes straight into it; whatever arrives past the
  // frame lands in the side buffer and is split by deliver_frames().
  const std::span<std::uint8_t> body =
      close_requested_.load() ? std::span<std::uint8_t>() : splitter_.body_space();
  read_into_body_ = body.size();
  const std::array<asio::mutable_buffer, 2> buffers{
      asio::buffer(body.data(), body.size()),
      asio::buffer(read_buffer_.get(), limits_.read_buffer_bytes)};
  socket_.async_read_some(buffers, [self = shared_from_this()](const ErrorCode& ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

void TcpConnection::on_read(const ErrorCode& ec, std::size_t n) noexcept {
  if (finished_) return;
  if (ec) {
    on_read_error(ec);
    return;
  }
  try {
    touch();
    // After close() incoming bytes are drained and dropped: no frame follows a close().
    if (!close_requested_.load() && deliver_frames(n) > 0 && !finished_) {
      handler_.on_frames_end(id_);
    }
    read_next();
  } catch (const std::bad_alloc&) {
    logger_.warn("closing connection ", id_, " with peer ", peer_,
                 ": out of memory for a frame of ", splitter_.declared_length(), " bytes");
    finish(Status(StatusCode::kResourceExhausted,
                  "out of memory while reading a frame from peer " + peer_));
  } catch (const std::exception& e) {
    finish(Status(StatusCode::kInternal, std::string("read loop failed: ") + e.what()));
  }
}

std::size_t TcpConnection::deliver_frames(std::size_t n) {
  const std::size_t into_body = std::min(n, read_into_body_);
  splitter_.commit_body(into_body);
  sdk::ByteView rest(read_buffer_.get(), n - into_body);
  std::size_t delivered = 0;
  for (;;) {
    if (splitter_.frame_ready()) {
      handler_.on_frame(id_, splitter_.take_frame());
      ++delivered;
      if (close_requested_.load()) return delivered;
      continue;
    }
    if (rest.empty()) return delivered;
    const SplitResult result = splitter_.feed(rest);
    if (result == SplitResult::kLengthTooSmall || result == SplitResult::kLengthTooLarge) {
      reject_stream(result);
      return delivered;
    }
  }
}

void TcpConnection::reject_stream(SplitResult why) noexcept {
  try {
    const std::uint64_t length = splitter_.declared_length();
    std::string reason;
    if (why == SplitResult::kLengthTooLarge) {
      reason = "length prefix " + std::to_string(length) + " exceeds the frame limit (" +
               std::to_string(length + kLengthPrefixBytes) +
               " bytes with the prefix, max_frame_bytes " +
               std::to_string(splitter_.max_frame_bytes()) + ")";
    } else {
      reason = "length prefix " + std::to_string(length) + " is below " +
               std::to_string(kMinFrameLength) + " (every frame starts with a 4-byte header word)";
    }
    logger_.warn("closing connection ", id_, " with peer ", peer_, ": ", reason);
    finish(Status(StatusCode::kCorruption, "malformed frame from peer " + peer_ + ": " + reason));
  } catch (...) {
    finish(Status(StatusCode::kCorruption, "malformed length prefix"));
  }
}

void TcpConnection::on_read_error(const ErrorCode& ec) noexcept {
  try {
    if (ec == asio::error::eof) {
      if (close_requested_.load()) {
        finish(Status(StatusCode::kClosed, "closed locally"));
      } else if (splitter_.mid_frame()) {
        const std::string what = "peer " + peer_ + " closed the connection in the middle of a " +
                                 "frame (" + std::to_string(splitter_.bytes_received()) +
                                 " bytes of it received)";
        logger_.info("connection ", id_, ": ", what);
        finish(Status(StatusCode::kClosed, what));
      } else {
        finish(Status(StatusCode::kClosed, "closed by peer " + peer_));
      }
    } else if (ec == asio::error::connection_reset) {
      finish(Status(StatusCode::kClosed, "connection reset by peer " + peer_));
    } else {
      logger_.debug("connection ", id_, " with peer ", peer_, ": read failed: ", ec.message());
      finish(Status(StatusCode::kIoError, "read from peer " + peer_ + " failed: " + ec.message()));
    }
  } catch (...) {
    finish(Status(StatusCode::kIoError, "read failed"));
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

sdk::Status TcpConnection::send(sdk::OutboundFrame frame) noexcept {
  // Set once part of the frame went out directly: failing after that would leave half a frame
  // on the wire, so the connection is aborted instead.
  bool partly_sent = false;
  try {
    const std::size_t size = frame.size();
    if (size < kMinFrameLength) {
      return Status(StatusCode::kInvalidArgument,
                    "frame of " + std::to_string(size) +
                        " bytes is shorter than the 4-byte header word every frame starts with");
    }
    if (std::uint64_t{size} + kLengthPrefixBytes > limits_.max_frame_bytes) {
      return Status(StatusCode::kInvalidArgument, "frame of " + std::to_string(size) +
                                                      " bytes (plus the 4-byte prefix) exceeds " +
                                                      "max_frame_bytes " +
                                                      std::to_string(limits_.max_frame_bytes));
    }
    QueuedFrame queued;
    queued.prefix = encode_length_prefix(static_cast<std::uint32_t>(size));
    queued.wire_bytes = size + kLengthPrefixBytes;
    queued.frame = std::move(frame);

    std::lock_guard lock(write_mu_);
    if (!accepting_) {
      return Status(StatusCode::kClosed,
                    "connection " + std::to_string(id_) + " with peer " + peer_ + " is closed");
    }
    if (queued_bytes_ + queued.wire_bytes > limits_.write_queue_limit_bytes) {
      return Status(StatusCode::kResourceExhausted,
                    "write queue of connection " + std::to_string(id_) + " with peer " + peer_ +
                        " holds " + std::to_string(queued_bytes_) + " bytes; adding " +
                        std::to_string(queued.wire_bytes) + " would exceed the limit of " +
                        std::to_string(limits_.write_queue_limit_bytes) +
                        " (the peer reads too slowly: back off and retry)");
    }
    // A send that follows another within kBurstGap is part of a burst: queued, so the writer
    // sends the burst with one gather write instead of a system call per frame.
    const auto now = std::chrono::steady_clock::now();
    const bool in_burst = now - last_send_ < kBurstGap;
    last_send_ = now;
    if (!writer_active_) {
      if (!in_burst && queue_.empty() && !socket_.get_executor().running_in_this_thread()) {
        queued.written = write_directly(queued);
        if (queued.written == queued.wire_bytes) return Status::ok();
        partly_sent = queued.written > 0;
      }
      // Posted before anything changes, so a failed post leaves the queue as it was; the
      // writer cannot look at the queue before this lock is released.
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->write_next(); });
      writer_active_ = true;
    }
    queue_.push_back(std::move(queued));
    queued_bytes_ += queue_.back().wire_bytes;
    return Status::ok();
  } catch (const std::bad_alloc&) {
    if (partly_sent) abort(Status(StatusCode::kResourceExhausted, "out of memory mid-frame"));
    return Status(StatusCode::kResourceExhausted, "out of memory while queueing a frame");
  } catch (const std::exception& e) {
    if (partly_sent) abort(Status(StatusCode::kInternal, "send failed mid-frame"));
    return Status(StatusCode::kInternal, std::string("send failed: ") + e.what());
  } catch (...) {
    if (partly_sent) abort(Status(StatusCode::kInternal, "send failed mid-frame"));
    return Status(StatusCode::kInternal, "send failed");
  }
}

std::size_t TcpConnection::write_directly(const QueuedFrame& queued) noexcept {
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
  bool fits = add(queued.prefix.data(), queued.prefix.size()) &&
              add(queued.frame.head.view().data(), queued.frame.head.size());
  for (const sdk::ByteView& span : queued.frame.tail) fits = fits && add(span.data(), span.size());
  if (!fits) return 0;  // many spans: the strand's gather write handles those
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = count;
  const ssize_t wrote = ::sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  return wrote > 0 ? static_cast<std::size_t>(wrote) : 0;
}

void TcpConnection::write_next() noexcept {
  if (finished_) return;
  bool close_now = false;
  {
    std::lock_guard lock(write_mu_);
    in_flight_bytes_ = 0;
    while (!queue_.empty() && (in_flight_.empty() ||
                               (in_flight_.size() < kMaxBatchFrames &&
                                in_flight_bytes_ + queue_.front().wire_bytes <= kMaxBatchBytes))) {
      in_flight_bytes_ += queue_.front().wire_bytes;
      in_flight_.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    if (in_flight_.empty()) {
      writer_active_ = false;
      close_now = close_requested_.load();
    }
  }
  if (in_flight_.empty()) {
    if (close_now) begin_shutdown();
    return;
  }
  try {
    write_buffers_.clear();
    for (const QueuedFrame& queued : in_flight_) {
      write_buffers_.push_back(asio::buffer(queued.prefix));
      if (!queued.frame.head.empty())
        write_buffers_.push_back(
            asio::buffer(queued.frame.head.view().data(), queued.frame.head.size()));
      for (const sdk::ByteView& span : queued.frame.tail) {
        if (!span.empty()) write_buffers_.push_back(asio::buffer(span.data(), span.size()));
      }
    }
    write_index_ = 0;
    // The front frame may be partly sent already by a direct write.
    for (std::size_t skip = in_flight_.front().written; skip > 0;) {
      asio::const_buffer& buffer = write_buffers_[write_index_];
      if (skip < buffer.size()) {
        buffer += skip;
        skip = 0;
      } else {
        skip -= buffer.size();
        ++write_index_;
      }
    }
    write_some();
  } catch (const std::exception& e) {
    finish(Status(StatusCode::kInternal, std::string("cannot start a write: ") + e.what()));
  }
}

void TcpConnection::write_some() {
  const std::span<const asio::const_buffer> rest(write_buffers_.data() + write_index_,
                                                 write_buffers_.size() - write_index_);
  socket_.async_write_some(rest, [self = shared_from_this()](const ErrorCode& ec, std::size_t n) {
    self->on_write(ec, n);
  });
}

void TcpConnection::on_write(const ErrorCode& ec, std::size_t n) noexcept {
  if (finished_) {
    in_flight_.clear();
    write_buffers_.clear();
    return;
  }
  if (ec) {
    try {
      logger_.debug("connection ", id_, " with peer ", peer_, ": write failed: ", ec.message());
      finish(Status(StatusCode::kIoError, "write to peer " + peer_ + " failed: " + ec.message()));
    } catch (...) {
      finish(Status(StatusCode::kIoError, "write failed"));
    }
    return;
  }
  touch();
  while (n > 0 && write_index_ < write_buffers_.size()) {
    asio::const_buffer& buffer = write_buffers_[write_index_];
    if (n < buffer.size()) {
      buffer += n;
      n = 0;
    } else {
      n -= buffer.size();
      ++write_index_;
    }
  }
  try {
    if (write_index_ < write_buffers_.size()) {
      write_some();
      return;
    }
  } catch (const std::exception& e) {
    finish(Status(StatusCode::kInternal, std::string("cannot continue a write: ") + e.what()));
    return;
  }
  {
    std::lock_guard lock(write_mu_);
    queued_bytes_ -= in_flight_bytes_;
  }
  in_flight_bytes_ = 0;
  in_flight_.clear();  // releases the keepalives of the frames just written
  write_buffers_.clear();
  write_next();
}

std::size_t TcpConnection::queued_bytes() const noexcept {
  std::lock_guard lock(write_mu_);
  return queued_bytes_;
}

// ---------------------------------------------------------------------------------------------
// Closing

void TcpConnection::close() noexcept {
  {
    std::lock_guard lock(write_mu_);
    if (!accepting_) return;
    accepting_ = false;
    close_requested_.store(true);
  }
  try {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_close_requested(); });
  } catch (...) {
    logger_.error("connection ", id_, ": cannot queue close(); it closes at idle timeout");
  }
}

void TcpConnection::on_close_requested() noexcept {
  if (finished_) return;
  bool writer_idle = false;
  {
    std::lock_guard lock(write_mu_);
    writer_idle = !writer_active_;
  }
  // A busy writer calls begin_shutdown() itself once the queue is empty.
  if (writer_idle) begin_shutdown();
}

void TcpConnection::begin_shutdown() noexcept {
  if (finished_ || shutdown_started_) return;
  shutdown_started_ = true;
  ErrorCode ec;
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  if (ec || limits_.close_linger.count() == 0) {
    finish(Status(StatusCode::kClosed, "closed locally"));
    return;
  }
  // The read loop keeps draining until the peer's FIN (then finish) or the linger deadline.
  try {
    linger_deadline_ = std::chrono::steady_clock::now() + limits_.close_linger;
    arm_timer(linger_deadline_);
  } catch (...) {
    finish(Status(StatusCode::kClosed, "closed locally"));
  }
}

void TcpConnection::abort(sdk::Status why) noexcept {
  {
    std::lock_guard lock(write_mu_);
    accepting_ = false;
  }
  try {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), why = std::move(why)] { self->finish(why); });
  } catch (...) {
    logger_.error("connection ", id_, ": cannot queue abort()");
  }
}

void TcpConnection::arm_timer(std::chrono::steady_clock::time_point at) {
  // Re-arming cancels the pending wait, whose handler then sees operation_aborted and returns,
  // so one wait is pending at a time.
  timer_.expires_at(at);
  timer_.async_wait([self = shared_from_this()](const ErrorCode& ec) { self->on_timer(ec); });
}

void TcpConnection::on_timer(const ErrorCode& ec) noexcept {
  if (finished_ || ec == asio::error::operation_aborted) return;
  try {
    const auto now = std::chrono::steady_clock::now();
    if (shutdown_started_) {
      if (now >= linger_deadline_) {
        finish(Status(StatusCode::kClosed, "closed locally (the peer did not close its side)"));
      } else {
        arm_timer(linger_deadline_);
      }
      return;
    }
    if (limits_.idle_timeout.count() <= 0) return;
    {
      // Frames written directly by send() count as traffic too.
      std::lock_guard lock(write_mu_);
      last_activity_ = std::max(last_activity_, last_send_);
    }
    const auto deadline = last_activity_ + limits_.idle_timeout;
    if (now < deadline) {
      arm_timer(deadline);
      return;
    }
    const auto idle_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last_activity_).count();
    logger_.info("closing connection ", id_, " with peer ", peer_, ": idle for ", idle_ms,
                 " ms (no reads or writes; idle_timeout_ms ", limits_.idle_timeout.count(), ")");
    finish(Status(StatusCode::kTimeout, "idle for " + std::to_string(idle_ms) + " ms"));
  } catch (...) {
    finish(Status(StatusCode::kTimeout, "idle timeout"));
  }
}

void TcpConnection::finish(const sdk::Status& why) noexcept {
  if (finished_) return;
  finished_ = true;
  std::deque<QueuedFrame> dropped;
  {
    std::lock_guard lock(write_mu_);
    accepting_ = false;
    dropped.swap(queue_);
    queued_bytes_ = 0;
  }
  try {
    timer_.cancel();
  } catch (...) {
    // Cancelling a timer fails only on a broken reactor; the socket close below still ends it.
  }
  ErrorCode ignored;
  socket_.close(ignored);
  if (opened_) handler_.on_close(id_, why);
  owner_.connection_finished(id_);
}

}  // namespace mq::transport_tcp
