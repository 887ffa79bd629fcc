#include "slave_follower.h"

#include "ha_protocol.h"

#include <errno.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

namespace {

constexpr std::int64_t kMinBackoffMs = 100;
constexpr std::int64_t kMaxBackoffMs = 5000;
constexpr std::int64_t kConnectTimeoutMs = 3000;
constexpr std::int64_t kNsPerMs = 1000000;
// Receive buffer to start with; it grows to hold the largest frame seen.
constexpr std::size_t kInitialBufferBytes = 64 * 1024;

}  // namespace

SlaveFollower::SlaveFollower(sdk::HostServices& host, const sdk::ReplicationOptions& options,
                             sdk::MessageStore& store, std::string master_address)
    : host_(host), options_(options), store_(store), address_(std::move(master_address)) {
  state_.master = address_;
}

SlaveFollower::~SlaveFollower() { stop(); }

Status SlaveFollower::start() noexcept {
  if (thread_.joinable()) return Status(StatusCode::kInvalidArgument, "already started");
  auto status = wakeup_.open();
  if (!status) return status;
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception& e) {
    return Status(StatusCode::kResourceExhausted,
                  std::string("cannot start the HA follower thread: ") + e.what());
  }
  return Status::ok();
}

void SlaveFollower::stop() noexcept {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  wakeup_.notify();
  thread_.join();
}

void SlaveFollower::set_master_address(std::string_view address) noexcept {
  try {
    std::lock_guard lock(mu_);
    if (address == address_) return;
    address_ = std::string(address);
    state_.master = address_;
    ++generation_;
  } catch (...) {
    return;
  }
  if (wakeup_.fd() >= 0) wakeup_.notify();
}

SlaveFollower::Snapshot SlaveFollower::snapshot() const noexcept {
  std::lock_guard lock(mu_);
  Snapshot copy;
  copy.connected = state_.connected;
  copy.halted = state_.halted;
  copy.master_end = state_.master_end;
  copy.reported = state_.reported;
  try {
    copy.master = state_.master;
  } catch (...) {
  }
  return copy;
}

bool SlaveFollower::address_changed(std::uint64_t generation) const noexcept {
  std::lock_guard lock(mu_);
  return generation != generation_;
}

void SlaveFollower::set_connected(bool connected, std::int64_t reported) noexcept {
  std::lock_guard lock(mu_);
  state_.connected = connected;
  if (reported >= 0) state_.reported = reported;
}

void SlaveFollower::halt(const std::string& address, std::string_view why) noexcept {
  const std::int64_t log_end = store_.log_end().value();
  {
    std::lock_guard lock(mu_);
    state_.halted = true;
    state_.connected = false;
  }
  host_.logger().error("replication halted: this slave's log diverges from master ", address, ": ",
                       why, ". The slave stops following and keeps its log as it is (log end ",
                       log_end,
                       "); replace its store with a copy of the master's (or empty it) and "
                       "restart it.");
}

void SlaveFollower::run() noexcept {
  std::int64_t backoff_ms = kMinBackoffMs;
  bool warned = false;
  while (!stopping_.load()) {
    std::string address;
    std::uint64_t generation = 0;
    bool halted = false;
    try {
      std::lock_guard lock(mu_);
      address = address_;
      generation = generation_;
      halted = state_.halted;
    } catch (...) {
      sleep_interruptible(kMinBackoffMs, wakeup_.fd());
      continue;
    }
    if (halted || address.empty()) {
      // Nothing to follow: wait for stop() or an address.
      sleep_interruptible(-1, wakeup_.fd());
      wakeup_.drain();
      continue;
    }
    auto connected = connect_to(address, kConnectTimeoutMs, wakeup_.fd());
    if (!connected.ok()) {
      if (connected.status().code() == StatusCode::kClosed) {
        wakeup_.drain();  // stop() or a new address: look again
        continue;
      }
      if (!warned) {
        host_.logger().warn("cannot reach master ", address, ": ", connected.status().to_string(),
                            "; retrying with backoff");
        warned = true;
      } else {
        host_.logger().debug("cannot reach master ", address, ": ", connected.status().to_string());
      }
      sleep_interruptible(backoff_ms, wakeup_.fd());
      backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
      continue;
    }
    warned = false;
    backoff_ms = kMinBackoffMs;
    const SessionEnd end = follow(std::move(connected.value()), address, generation);
    set_connected(false, -1);
    if (end == SessionEnd::kLost) sleep_interruptible(kMinBackoffMs, wakeup_.fd());
  }
}

SlaveFollower::SessionEnd SlaveFollower::follow(UniqueFd fd, const std::string& address,
                                                std::uint64_t generation) noexcept {
  std::vector<std::uint8_t> buffer;
  try {
    buffer.resize(kInitialBufferBytes);
  } catch (...) {
    host_.logger().error("out of memory for the replication buffer");
    return SessionEnd::kLost;
  }
  std::size_t length = 0;  // bytes of buffer holding received, unprocessed data
  std::uint8_t report[kReportSize] = {};
  std::size_t report_sent = kReportSize;  // kReportSize: nothing pending
  bool report_wanted = true;              // the first report goes out at once
  std::int64_t last_read_ns = host_.clock().steady_ns();
  std::int64_t last_report_ns = last_read_ns;
  const std::int64_t heartbeat_ns = options_.ha_send_heartbeat_interval_ms * kNsPerMs;
  const std::int64_t silence_ns = options_.ha_housekeeping_interval_ms * kNsPerMs;
  host_.logger().info("connected to master ", address, "; following from offset ",
                      store_.log_end().value());

  for (;;) {
    if (stopping_.load()) return SessionEnd::kStopped;
    if (address_changed(generation)) {
      host_.logger().info("master address changed; leaving ", address);
      return SessionEnd::kAddressChanged;
    }
    std::int64_t now = host_.clock().steady_ns();

    // Reports out: the newest log end, whenever one is wanted and none is half written.
    if (report_sent == kReportSize && (report_wanted || now - last_report_ns >= heartbeat_ns)) {
      const std::int64_t log_end = store_.log_end().value();
      encode_report(log_end, report);
      report_sent = 0;
      report_wanted = false;
      last_report_ns = now;
      set_connected(true, log_end);
    }
    while (report_sent < kReportSize) {
      const ssize_t wrote =
          ::send(fd.get(), report + report_sent, kReportSize - report_sent, MSG_NOSIGNAL);
      if (wrote < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        host_.logger().warn("writing to master ", address, " failed: ", std::strerror(errno),
                            "; reconnecting");
        return SessionEnd::kLost;
      }
      report_sent += static_cast<std::size_t>(wrote);
    }

    // Wait for frames, the next heartbeat, the silence limit, or a wake-up.
    std::int64_t deadline = last_read_ns + silence_ns + 1;
    if (report_sent == kReportSize) deadline = std::min(deadline, last_report_ns + heartbeat_ns);
    const short events = static_cast<short>(POLLIN | (report_sent < kReportSize ? POLLOUT : 0));
    pollfd fds[2] = {{fd.get(), events, 0}, {wakeup_.fd(), POLLIN, 0}};
    (void)poll_fds(fds, 2, ms_until(deadline, now));
    if ((fds[1].revents & POLLIN) != 0) wakeup_.drain();
    now = host_.clock().steady_ns();

    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      // Read what fits; poll is level-triggered, so the rest comes next pass. Frames that
      // arrived before the end of the stream are applied first (a refusal is followed by it).
      bool master_closed = false;
      for (;;) {
        if (length == buffer.size()) break;
        const ssize_t got = ::recv(fd.get(), buffer.data() + length, buffer.size() - length, 0);
        if (got == 0) {
          master_closed = true;
          break;
        }
        if (got < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          host_.logger().warn("reading from master ", address, " failed: ", std::strerror(errno),
                              "; reconnecting");
          return SessionEnd::kLost;
        }
        length += static_cast<std::size_t>(got);
        last_read_ns = now;
      }

      // Apply every whole frame.
      std::size_t position = 0;
      while (length - position >= kFrameHeaderSize) {
        const FrameHeader header = decode_frame_header(buffer.data() + position);
        if (header.body_size < 0) {
          try {
            halt(address, "the master refused offset " + std::to_string(header.offset) + ": " +
                              std::string(refusal_text(header.body_size)) + " (master log end " +
                              std::to_string(header.master_end) + ")");
          } catch (...) {
            halt(address, refusal_text(header.body_size));
          }
          return SessionEnd::kHalted;
        }
        if (header.body_size > kMaxFrameBodySize) {
          host_.logger().warn("master ", address, " sent a frame of ", header.body_size,
                              " bytes, more than ", kMaxFrameBodySize, "; reconnecting");
          return SessionEnd::kLost;
        }
        const std::size_t frame_size =
            kFrameHeaderSize + static_cast<std::size_t>(header.body_size);
        if (length - position < frame_size) {
          if (frame_size > buffer.size()) {
            try {
              buffer.resize(frame_size);
            } catch (...) {
              host_.logger().error("out of memory for a replication frame of ", frame_size,
                                   " bytes; reconnecting");
              return SessionEnd::kLost;
            }
          }
          break;
        }
        const std::int64_t log_end = store_.log_end().value();
        {
          std::lock_guard lock(mu_);
          state_.master_end = header.master_end;
        }
        if (header.master_end < log_end) {
          try {
            halt(address, "the master's log ends at " + std::to_string(header.master_end) +
                              ", before this slave's log end " + std::to_string(log_end));
          } catch (...) {
            halt(address, "the master's log is shorter than this slave's");
          }
          return SessionEnd::kHalted;
        }
        if (header.body_size > 0) {
          if (header.offset != log_end) {
            host_.logger().warn("master ", address, " sent data for offset ", header.offset,
                                " but this slave's log ends at ", log_end, "; reconnecting");
            return SessionEnd::kLost;
          }
          const sdk::ByteView body(buffer.data() + position + kFrameHeaderSize,
                                   static_cast<std::size_t>(header.body_size));
          const Status applied = store_.apply_replicated(sdk::PhysicalOffset(header.offset), body);
          if (!applied) {
            if (applied.code() == StatusCode::kCorruption) {
              try {
                halt(address, "the master's data at offset " + std::to_string(header.offset) +
                                  " does not continue this slave's log (" + applied.to_string() +
                                  ")");
              } catch (...) {
                halt(address, "the master's data does not continue this slave's log");
              }
              return SessionEnd::kHalted;
            }
            host_.logger().warn("applying ", header.body_size, " bytes from master ", address,
                                " at offset ", header.offset, " failed: ", applied.to_string(),
                                "; reconnecting");
            return SessionEnd::kLost;
          }
          host_.metrics().add("replication.slave.bytes_applied", header.body_size);
          report_wanted = true;
        }
        position += frame_size;
      }
      if (position > 0) {
        std::memmove(buffer.data(), buffer.data() + position, length - position);
        length -= position;
      }
      if (master_closed) {
        host_.logger().warn("master ", address, " closed the connection; reconnecting");
        return SessionEnd::kLost;
      }
    }

    if (now - last_read_ns > silence_ns) {
      host_.logger().warn("nothing from master ", address, " for ",
                          options_.ha_housekeeping_interval_ms,
                          " ms (haHousekeepingInterval); reconnecting");
      return SessionEnd::kLost;
    }
  }
}

}  // namespace mq::replication
