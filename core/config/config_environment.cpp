#include "config/config_environment.h"

#include "config/config_values.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace mq::core {
namespace {

std::string system_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') {
    return "DEFAULT_BROKER";  // what RocketMQ falls back on when the host has no name
  }
  return buffer;
}

std::optional<std::string> system_get_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read-only
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string system_home_dir() {
  if (auto home = system_get_env("HOME"); home && !home->empty()) return *home;
  passwd record{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(::getuid(), &record, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_dir != nullptr && found->pw_dir[0] != '\0') {
    return found->pw_dir;
  }
  return ".";
}

std::string system_first_ipv4() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "127.0.0.1";
  std::string found;
  for (const ifaddrs* it = list; it != nullptr && found.empty(); it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_UP) == 0 || (it->ifa_flags & IFF_LOOPBACK) != 0) continue;
    sockaddr_in addr{};
    std::memcpy(&addr, it->ifa_addr, sizeof addr);
    if ((ntohl(addr.sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text) != nullptr) found = text;
  }
  ::freeifaddrs(list);
  return found.empty() ? "127.0.0.1" : found;
}

sdk::Result<std::string> system_resolve_ipv4(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (is_ipv4_literal(host)) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* result = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0 || result == nullptr) {
    std::string reason = rc == EAI_SYSTEM ? "system error" : ::gai_strerror(rc);
    if (result != nullptr) ::freeaddrinfo(result);
    return sdk::Status(sdk::StatusCode::kNotFound, reason);
  }
  sockaddr_in addr{};
  std::memcpy(&addr, result->ai_addr, sizeof addr);
  ::freeaddrinfo(result);
  char text[INET_ADDRSTRLEN] = {};
  if (::inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text) == nullptr) {
    return sdk::Status(sdk::StatusCode::kNotFound, "no printable IPv4 address");
  }
  return std::string(text);
}

}  // namespace

ConfigEnvironment ConfigEnvironment::system() {
  ConfigEnvironment env;
  env.host_name = system_host_name;
  env.home_dir = system_home_dir;
  env.first_ipv4 = system_first_ipv4;
  env.resolve_ipv4 = system_resolve_ipv4;
  env.get_env = system_get_env;
  return env;
}

ConfigEnvironment ConfigEnvironment::completed() const {
  ConfigEnvironment out = *this;
  if (!out.host_name) out.host_name = system_host_name;
  if (!out.home_dir) out.home_dir = system_home_dir;
  if (!out.first_ipv4) out.first_ipv4 = system_first_ipv4;
  if (!out.resolve_ipv4) out.resolve_ipv4 = system_resolve_ipv4;
  if (!out.get_env) out.get_env = system_get_env;
  return out;
}

}  // namespace mq::core
