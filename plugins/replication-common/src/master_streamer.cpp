#include "master_streamer.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstring>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

namespace {

// How often the I/O thread re-reads the log end while slaves are attached, in case an append
// arrives without a notify() (every master append is followed by await_replicated, which
// notifies; this is the safety net).
constexpr std::int64_t kLogRecheckMs = 100;
// Frames built for one slave per pass, so one fast slave cannot starve the others.
constexpr int kMaxFramesPerPass = 16;
constexpr std::int64_t kNsPerMs = 1000000;

}  // namespace

struct MasterStreamer::Slave {
  UniqueFd fd;
  std::string peer;
  std::int64_t next_offset = -1;  // where the next frame starts; -1 until the first report
  std::int64_t acked = -1;        // highest report
  bool validated = false;  // the log could be read at the first report: the slave is attached
  bool close_after_send = false;  // a refusal is queued; close once it is written
  std::uint8_t in[kReportSize * 32] = {};
  std::size_t in_length = 0;
  // The frame being written: header, then body (pinned by its keepalive).
  bool has_frame = false;
  std::uint8_t header[kFrameHeaderSize] = {};
  std::size_t header_sent = 0;
  sdk::MessageStore::RecordView body;
  std::size_t body_sent = 0;
  std::int64_t last_read_ns = 0;
  std::int64_t last_write_ns = 0;
};

MasterStreamer::MasterStreamer(sdk::HostServices& host, const sdk::ReplicationOptions& options,
                               sdk::MessageStore& store, MasterHooks* hooks)
    : host_(host), options_(options), store_(store), hooks_(hooks) {}

MasterStreamer::~MasterStreamer() { stop(); }

Status MasterStreamer::start() noexcept {
  if (thread_.joinable()) return Status(StatusCode::kInvalidArgument, "already started");
  auto status = wakeup_.open();
  if (!status) return status;
  auto listener = listen_on_any(options_.ha_listen_port);
  if (!listener.ok()) return listener.status();
  listener_ = std::move(listener.value());
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception& e) {
    listener_.reset();
    return Status(StatusCode::kResourceExhausted,
                  std::string("cannot start the HA I/O thread: ") + e.what());
  }
  host_.logger().info("listening for slaves on 0.0.0.0:", options_.ha_listen_port);
  return Status::ok();
}

void MasterStreamer::stop() noexcept {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  wakeup_.notify();
  thread_.join();
}

void MasterStreamer::notify() noexcept {
  // No connection, nothing to stream: an append must not cost a system call and a thread
  // wake-up. A slave connecting meanwhile is served by the accept pass, which reads the log
  // end itself.
  if (connections_.load(std::memory_order_acquire) == 0) return;
  // acq_rel pairs with the I/O thread's exchange(false): either that exchange sees this one
  // (and with it the append that preceded it), or this one sees false and writes the eventfd.
  if (!notified_.exchange(true, std::memory_order_acq_rel) && wakeup_.fd() >= 0) {
    wakeup_.notify();
  }
}

MasterStreamer::Snapshot MasterStreamer::snapshot() const noexcept {
  std::lock_guard lock(state_mu_);
  Snapshot copy;
  copy.attached = state_.attached;
  copy.acked = state_.acked;
  try {
    copy.peer = state_.peer;
  } catch (...) {
  }
  return copy;
}

void MasterStreamer::run() noexcept {
  std::vector<pollfd> fds;
  while (!stopping_.load()) {
    std::int64_t now = host_.clock().steady_ns();
    try {
      fds.clear();
      fds.push_back({wakeup_.fd(), POLLIN, 0});
      fds.push_back({listener_.get(), POLLIN, 0});
      for (const auto& slave : slaves_) {
        const short events = static_cast<short>(POLLIN | (slave->has_frame ? POLLOUT : 0));
        fds.push_back({slave->fd.get(), events, 0});
      }
    } catch (...) {
      // Out of memory: poll what is there and try again.
    }
    (void)poll_fds(fds.data(), fds.size(), poll_timeout_ms(now));
    if (stopping_.load()) break;
    now = host_.clock().steady_ns();
    if (!fds.empty() && (fds[0].revents & POLLIN) != 0) wakeup_.drain();
    notified_.exchange(false, std::memory_order_acq_rel);
    if (fds.size() > 1 && (fds[1].revents & POLLIN) != 0) accept_slaves(now);

    // Each slave: reports in, frames out, housekeeping. A slave that fails is closed.
    const std::int64_t silence_ns = options_.ha_housekeeping_interval_ms * kNsPerMs;
    for (auto& slave : slaves_) {
      bool keep = read_reports(*slave, now);
      if (keep && now - slave->last_read_ns > silence_ns) {
        host_.logger().warn("slave ", slave->peer, " sent nothing for ",
                            options_.ha_housekeeping_interval_ms,
                            " ms (haHousekeepingInterval); closing its connection");
        keep = false;
      }
      if (keep) keep = pump(*slave, now);
      if (!keep) slave.reset();
    }
    std::erase(slaves_, nullptr);
    connections_.store(static_cast<int>(slaves_.size()), std::memory_order_release);
    publish_state();
    if (hooks_ != nullptr) next_deadline_ns_ = hooks_->on_tick(host_.clock().steady_ns());
  }
  for (const auto& slave : slaves_) {
    host_.logger().info("closing the connection of slave ", slave->peer, " (stopping)");
  }
  slaves_.clear();
  listener_.reset();
  publish_state();
}

std::int64_t MasterStreamer::poll_timeout_ms(std::int64_t now) const noexcept {
  std::int64_t deadline = next_deadline_ns_;
  const std::int64_t heartbeat_ns = options_.ha_send_heartbeat_interval_ms * kNsPerMs;
  const std::int64_t silence_ns = options_.ha_housekeeping_interval_ms * kNsPerMs;
  for (const auto& slave : slaves_) {
    deadline = std::min(deadline, slave->last_read_ns + silence_ns + 1);
    if (slave->next_offset >= 0 && !slave->has_frame) {
      deadline = std::min(deadline, slave->last_write_ns + heartbeat_ns);
      deadline = std::min(deadline, now + kLogRecheckMs * kNsPerMs);
    }
  }
  return deadline == kNoDeadline ? -1 : ms_until(deadline, now);
}

void MasterStreamer::accept_slaves(std::int64_t now) noexcept {
  for (;;) {
    std::string peer;
    UniqueFd fd = accept_one(listener_.get(), &peer);
    if (!fd.valid()) return;
    try {
      auto slave = std::make_unique<Slave>();
      slave->fd = std::move(fd);
      slave->peer = std::move(peer);
      slave->last_read_ns = now;
      slave->last_write_ns = now;
      host_.logger().info("slave ", slave->peer, " connected");
      slaves_.push_back(std::move(slave));
    } catch (...) {
      host_.logger().error("out of memory: dropping a slave connection");
    }
  }
}

bool MasterStreamer::read_reports(Slave& slave, std::int64_t now) noexcept {
  for (;;) {
    const ssize_t got =
        ::recv(slave.fd.get(), slave.in + slave.in_length, sizeof(slave.in) - slave.in_length, 0);
    if (got == 0) {
      host_.logger().info("slave ", slave.peer, " closed its connection");
      return false;
    }
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      host_.logger().warn("reading from slave ", slave.peer, " failed: ", std::strerror(errno),
                          "; closing its connection");
      return false;
    }
    slave.in_length += static_cast<std::size_t>(got);
    slave.last_read_ns = now;
    // Only the newest whole report matters: each acknowledges everything before it.
    const std::size_t whole = slave.in_length / kReportSize * kReportSize;
    if (whole > 0) {
      const std::int64_t offset = decode_report(slave.in + whole - kReportSize);
      std::memmove(slave.in, slave.in + whole, slave.in_length - whole);
      slave.in_length -= whole;
      if (!on_report(slave, offset)) return false;
    }
  }
}

bool MasterStreamer::on_report(Slave& slave, std::int64_t offset) noexcept {
  if (offset < 0) {
    host_.logger().warn("slave ", slave.peer, " reported a negative offset ", offset,
                        "; closing its connection");
    return false;
  }
  if (slave.close_after_send) return true;  // refused already
  if (slave.next_offset < 0) {
    const std::int64_t master_end = store_.log_end().value();
    host_.logger().info("slave ", slave.peer, " reports its log end ", offset, " (master log end ",
                        master_end, ")");
    if (offset > master_end) {
      refuse(slave, RefusalCode::kBeyondMasterEnd, offset, master_end);
      return true;
    }
    slave.next_offset = offset;
  }
  slave.acked = std::max(slave.acked, offset);
  return true;
}

void MasterStreamer::refuse(Slave& slave, RefusalCode code, std::int64_t at,
                            std::int64_t master_end) noexcept {
  host_.logger().warn("refusing slave ", slave.peer, " at offset ", at, ": ",
                      refusal_text(static_cast<std::int32_t>(code)), " (master log end ",
                      master_end, ")");
  FrameHeader header;
  header.offset = at;
  header.body_size = static_cast<std::int32_t>(code);
  header.master_end = master_end;
  encode_frame_header(header, slave.header);
  slave.header_sent = 0;
  slave.body = {};
  slave.body_sent = 0;
  slave.has_frame = true;
  slave.close_after_send = true;
  slave.validated = false;
}

bool MasterStreamer::pump(Slave& slave, std::int64_t now) noexcept {
  for (int built = 0;;) {
    const WriteResult written = write_pending(slave, now);
    if (written == WriteResult::kFailed) return false;
    if (written == WriteResult::kBlocked) return true;
    if (slave.close_after_send) return false;  // the refusal is out
    if (slave.next_offset < 0 || built == kMaxFramesPerPass) return true;
    const FrameResult next = next_frame(slave, now);
    if (next == FrameResult::kClose) return false;
    if (next == FrameResult::kNone) return true;
    ++built;
  }
}

MasterStreamer::WriteResult MasterStreamer::write_pending(Slave& slave, std::int64_t now) noexcept {
  while (slave.has_frame) {
    iovec parts[2];
    int count = 0;
    if (slave.header_sent < kFrameHeaderSize) {
      parts[count++] = {slave.header + slave.header_sent, kFrameHeaderSize - slave.header_sent};
    }
    const std::size_t body_size = slave.body.record.size();
    if (slave.body_sent < body_size) {
      // sendmsg() only reads the body; iovec has no const variant.
      parts[count++] = {const_cast<std::uint8_t*>(slave.body.record.data()) + slave.body_sent,
                        body_size - slave.body_sent};
    }
    if (count == 0) {
      slave.has_frame = false;
      slave.body = {};  // releases the pinned log file
      break;
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t wrote = ::sendmsg(slave.fd.get(), &message, MSG_NOSIGNAL);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return WriteResult::kBlocked;
      host_.logger().warn("writing to slave ", slave.peer, " failed: ", std::strerror(errno),
                          "; closing its connection");
      return WriteResult::kFailed;
    }
    slave.last_write_ns = now;
    auto left = static_cast<std::size_t>(wrote);
    const std::size_t header_part = std::min(left, kFrameHeaderSize - slave.header_sent);
    slave.header_sent += header_part;
    slave.body_sent += left - header_part;
  }
  return WriteResult::kDone;
}

MasterStreamer::FrameResult MasterStreamer::next_frame(Slave& slave, std::int64_t now) noexcept {
  auto read =
      store_.read_log(sdk::PhysicalOffset(slave.next_offset), options_.ha_transfer_batch_size);
  // Read after the data, so master_end >= offset + body size.
  const std::int64_t master_end = store_.log_end().value();
  if (!read.ok()) {
    const StatusCode code = read.status().code();
    if (code == StatusCode::kCorruption && !slave.validated) {
      refuse(slave, RefusalCode::kNotARecordBoundary, slave.next_offset, master_end);
      return FrameResult::kBuilt;
    }
    if (code == StatusCode::kNotFound && slave.next_offset < master_end) {
      refuse(slave, RefusalCode::kNoLongerAvailable, slave.next_offset, master_end);
      return FrameResult::kBuilt;
    }
    if (code == StatusCode::kNotFound && slave.next_offset > master_end) {
      refuse(slave, RefusalCode::kBeyondMasterEnd, slave.next_offset, master_end);
      return FrameResult::kBuilt;
    }
    host_.logger().error("cannot read the master's log at ", slave.next_offset, " for slave ",
                         slave.peer, ": ", read.status().to_string(), "; closing its connection");
    return FrameResult::kClose;
  }
  slave.validated = true;
  const auto size = static_cast<std::int64_t>(read->record.size());
  const std::int64_t heartbeat_ns = options_.ha_send_heartbeat_interval_ms * kNsPerMs;
  if (size == 0 && now - slave.last_write_ns < heartbeat_ns) return FrameResult::kNone;
  FrameHeader header;
  header.offset = slave.next_offset;
  header.body_size = static_cast<std::int32_t>(size);
  header.master_end = master_end;
  encode_frame_header(header, slave.header);
  slave.header_sent = 0;
  slave.body = std::move(read.value());
  slave.body_sent = 0;
  slave.has_frame = true;
  slave.next_offset += size;
  if (size > 0) host_.metrics().add("replication.master.bytes_sent", size);
  return FrameResult::kBuilt;
}

void MasterStreamer::publish_state() noexcept {
  int attached = 0;
  const Slave* best = nullptr;
  for (const auto& slave : slaves_) {
    if (!slave->validated) continue;
    ++attached;
    if (best == nullptr || slave->acked > best->acked) best = slave.get();
  }
  {
    std::lock_guard lock(state_mu_);
    state_.attached = attached;
    if (best != nullptr && (best->acked != state_.acked || best->peer != state_.peer)) {
      state_.acked = best->acked;
      try {
        state_.peer = best->peer;
      } catch (...) {
      }
    }
  }
  host_.metrics().set("replication.master.slaves", attached);
  if (best != nullptr && best->acked > last_hook_ack_) {
    last_hook_ack_ = best->acked;
    host_.metrics().set("replication.master.slave_acked", best->acked);
    if (hooks_ != nullptr) hooks_->on_slave_acked(best->acked);
  }
}

}  // namespace mq::replication
