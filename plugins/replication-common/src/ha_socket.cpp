#include "ha_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <memory>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

namespace {

void set_no_delay(int fd) noexcept {
  int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
  return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
}

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Status Wakeup::open() noexcept {
  fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd_.valid()) {
    try {
      return Status(StatusCode::kIoError, "eventfd: " + errno_text(errno));
    } catch (...) {
      return Status(StatusCode::kIoError, "");
    }
  }
  return Status::ok();
}

void Wakeup::notify() noexcept {
  const std::uint64_t one = 1;
  // A full counter (never in practice) still leaves the fd readable, which is all that counts.
  (void)!::write(fd_.get(), &one, sizeof(one));
}

void Wakeup::drain() noexcept {
  std::uint64_t value = 0;
  (void)!::read(fd_.get(), &value, sizeof(value));
}

bool split_host_port(std::string_view address, std::string* host, std::string* port) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= address.size()) return false;
  std::string_view h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return false;
  *host = std::string(h);
  *port = std::string(address.substr(colon + 1));
  return true;
}

sdk::Result<UniqueFd> listen_on_any(std::int32_t port) noexcept {
  try {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Status(StatusCode::kIoError, "socket: " + errno_text(errno));
    int one = 1;
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd.get(), 16) != 0) {
      return Status(StatusCode::kUnavailable,
                    "cannot listen for slaves on 0.0.0.0:" + std::to_string(port) + ": " +
                        errno_text(errno) + " (check haListenPort)");
    }
    return fd;
  } catch (...) {
    return Status(StatusCode::kResourceExhausted, "out of memory while listening");
  }
}

UniqueFd accept_one(int listen_fd, std::string* peer) noexcept {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  UniqueFd fd(::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length,
                        SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd.valid()) return fd;
  set_no_delay(fd.get());
  try {
    *peer = address_text(reinterpret_cast<const sockaddr*>(&address));
  } catch (...) {
    peer->clear();
  }
  return fd;
}

sdk::Result<UniqueFd> connect_to(std::string_view address, std::int64_t timeout_ms,
                                 int interrupt_fd) noexcept {
  try {
    std::string host;
    std::string port;
    if (!split_host_port(address, &host, &port)) {
      return Status(StatusCode::kInvalidArgument,
                    "master HA address '" + std::string(address) + "' is not host:port");
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int resolved = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
    if (resolved != 0 || found == nullptr) {
      return Status(StatusCode::kUnavailable,
                    "cannot resolve " + std::string(address) + ": " + ::gai_strerror(resolved));
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, ::freeaddrinfo);
    UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Status(StatusCode::kIoError, "socket: " + errno_text(errno));
    if (::connect(fd.get(), found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
      return Status(StatusCode::kUnavailable,
                    "connect to " + std::string(address) + ": " + errno_text(errno));
    }
    pollfd fds[2] = {{fd.get(), POLLOUT, 0}, {interrupt_fd, POLLIN, 0}};
    const int ready = poll_fds(fds, 2, timeout_ms);
    if (fds[1].revents != 0) return Status(StatusCode::kClosed, "interrupted");
    if (ready <= 0) {
      return Status(StatusCode::kUnavailable, "connect to " + std::string(address) +
                                                  ": no answer within " +
                                                  std::to_string(timeout_ms) + " ms");
    }
    int error = 0;
    socklen_t length = sizeof(error);
    (void)::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      return Status(StatusCode::kUnavailable,
                    "connect to " + std::string(address) + ": " + errno_text(error));
    }
    set_no_delay(fd.get());
    return fd;
  } catch (...) {
    return Status(StatusCode::kResourceExhausted, "out of memory while connecting");
  }
}

int poll_fds(pollfd* fds, std::size_t count, std::int64_t timeout_ms) noexcept {
  const int timeout = timeout_ms < 0 ? -1
                      : timeout_ms > std::numeric_limits<int>::max()
                          ? std::numeric_limits<int>::max()
                          : static_cast<int>(timeout_ms);
  for (;;) {
    const int ready = ::poll(fds, static_cast<nfds_t>(count), timeout);
    if (ready >= 0 || errno != EINTR) return ready;
  }
}

void sleep_interruptible(std::int64_t ms, int interrupt_fd) noexcept {
  pollfd fd{interrupt_fd, POLLIN, 0};
  (void)poll_fds(&fd, 1, ms);
}

std::int64_t ms_until(std::int64_t deadline_ns, std::int64_t now_ns) noexcept {
  if (deadline_ns <= now_ns) return 0;
  const std::int64_t left = deadline_ns - now_ns;
  return left / 1000000 + (left % 1000000 != 0 ? 1 : 0);
}

}  // namespace mq::replication
