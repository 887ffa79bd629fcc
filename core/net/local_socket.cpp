#include "net/local_socket.h"

#include <sys/stat.h>

#include <charconv>

namespace mq::core {

std::string local_socket_address(std::string_view dir, std::int32_t port) {
  std::string path(dir);
  if (path.empty()) path = ".";
  if (path.back() != '/') path += '/';
  return "unix:" + path + "rocketmq-" + std::to_string(port) + ".sock";
}

std::string prefer_local_socket(std::string_view tcp_address, std::string_view dir) {
  const auto colon = tcp_address.rfind(':');
  if (colon == std::string_view::npos || tcp_address.rfind("unix:", 0) == 0) {
    return std::string(tcp_address);
  }
  const std::string_view host = tcp_address.substr(0, colon);
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
    return std::string(tcp_address);
  }
  std::int32_t port = 0;
  const std::string_view text = tcp_address.substr(colon + 1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size()) return std::string(tcp_address);
  const std::string unix_address = local_socket_address(dir, port);
  struct stat info {};
  const std::string path = unix_address.substr(5);
  if (::stat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode)) return std::string(tcp_address);
  return unix_address;
}

}  // namespace mq::core
