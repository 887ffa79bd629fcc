// Small POSIX socket pieces for the HA connections: an owning fd, an eventfd wake-up, a
// listener on 0.0.0.0, an interruptible connect, and EINTR-safe poll.
//
// Every socket made here is non-blocking and close-on-exec; accepted and connected sockets
// have TCP_NODELAY (reports and frame headers are small). Writes use MSG_NOSIGNAL, so a peer
// that went away never raises SIGPIPE. Thread-safety: the functions are; a UniqueFd is owned by
// one thread at a time; Wakeup::notify() may be called from any thread.
#pragma once

#include "mq/sdk/status.h"

#include <poll.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace mq::replication {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Closes the current descriptor (if any) and takes `fd`.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// An eventfd that makes a poll() on another thread return.
class Wakeup {
 public:
  sdk::Status open() noexcept;
  // Any thread: makes fd() readable until drain().
  void notify() noexcept;
  // The polling thread: makes fd() unreadable again.
  void drain() noexcept;
  int fd() const noexcept { return fd_.get(); }

 private:
  UniqueFd fd_;
};

// Splits "host:port" or "[v6]:port". False when there is no port.
bool split_host_port(std::string_view address, std::string* host, std::string* port);

// Listens on 0.0.0.0:port with SO_REUSEADDR (a restarted master binds while old connections
// sit in TIME_WAIT). kUnavailable names the port when the bind fails.
sdk::Result<UniqueFd> listen_on_any(std::int32_t port) noexcept;

// Accepts one pending connection; an invalid fd when none is pending or accept failed.
// `*peer` receives "ip:port".
UniqueFd accept_one(int listen_fd, std::string* peer) noexcept;

// Resolves `address` ("host:port") on the calling thread and connects within `timeout_ms`.
// Returns kClosed as soon as `interrupt_fd` becomes readable (stop or a new address), without
// draining it; kUnavailable with the reason when the connect fails or times out;
// kInvalidArgument when the address has no port.
sdk::Result<UniqueFd> connect_to(std::string_view address, std::int64_t timeout_ms,
                                 int interrupt_fd) noexcept;

// poll() that retries on EINTR. timeout_ms < 0 waits forever. Returns poll's result.
int poll_fds(pollfd* fds, std::size_t count, std::int64_t timeout_ms) noexcept;

// Sleeps up to `ms`, returning early when `interrupt_fd` becomes readable.
void sleep_interruptible(std::int64_t ms, int interrupt_fd) noexcept;

// Milliseconds from `now_ns` until `deadline_ns`, rounded up, at least 0.
std::int64_t ms_until(std::int64_t deadline_ns, std::int64_t now_ns) noexcept;

}  // namespace mq::replication
