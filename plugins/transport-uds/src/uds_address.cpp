#include "uds_address.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace mq::transport_uds {

using sdk::Status;
using sdk::StatusCode;

std::size_t max_socket_path_length() noexcept { return sizeof(sockaddr_un::sun_path) - 1; }

bool is_unix_address(std::string_view address) noexcept {
  return address.size() > kUnixPrefix.size() && address.starts_with(kUnixPrefix) &&
         address.find('\0') == std::string_view::npos;
}

sdk::Result<std::string> parse_unix_address(std::string_view address) {
  if (!is_unix_address(address)) {
    return Status(StatusCode::kInvalidArgument, "transport-uds: address '" + std::string(address) +
                                                    "' is not of the form unix:/path/to/socket");
  }
  std::string path(address.substr(kUnixPrefix.size()));
  if (path.size() > max_socket_path_length()) {
    return Status(StatusCode::kInvalidArgument,
                  "transport-uds: socket path '" + path + "' is " + std::to_string(path.size()) +
                      " bytes; the limit is " + std::to_string(max_socket_path_length()));
  }
  return path;
}

sdk::Result<SocketFileState> probe_socket_file(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return SocketFileState::kAbsent;
    return Status(StatusCode::kIoError,
                  "transport-uds: cannot examine " + path + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(info.st_mode)) return SocketFileState::kNotSocket;

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status(
        StatusCode::kIoError,
        std::string("transport-uds: socket() for the probe failed: ") + std::strerror(errno));
  }
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::memcpy(where.sun_path, path.data(), path.size());
  int rc = 0;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&where), sizeof(where));
  } while (rc != 0 && errno == EINTR);
  const int error = rc == 0 ? 0 : errno;
  ::close(fd);
  if (rc == 0) return SocketFileState::kLive;
  // Only "refused" proves nobody listens. A full backlog (EAGAIN) or a permission problem
  // means someone may well be there, so the file is left alone.
  if (error == ECONNREFUSED) return SocketFileState::kStale;
  if (error == EAGAIN) return SocketFileState::kLive;
  return Status(StatusCode::kIoError, "transport-uds: probing " + path + " failed: " +
                                          std::strerror(error) + " (the file was left in place)");
}

}  // namespace mq::transport_uds
