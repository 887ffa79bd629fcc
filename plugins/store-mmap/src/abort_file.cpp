#include "abort_file.h"

#include <fcntl.h>
#include <unistd.h>

namespace mq::store_mmap::abort_file {

namespace {

// The first bytes of `path` (a boot id is 36), or "" when it cannot be read.
std::string read_head(const std::string& path) {
  char text[64] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  const ssize_t got = ::read(fd, text, sizeof(text));
  ::close(fd);
  return got > 0 ? std::string(text, static_cast<std::size_t>(got)) : std::string();
}

}  // namespace

std::string current_boot_id() {
  std::string id = read_head("/proc/sys/kernel/random/boot_id");
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

bool written_this_boot(const std::string& path) {
  const std::string id = current_boot_id();
  return !id.empty() && read_head(path) == id;
}

sdk::Status create(const std::string& path, bool* boot_id_written) {
  const std::string id = current_boot_id();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return sdk::Status(sdk::StatusCode::kIoError, "cannot create the abort file " + path);
  }
  *boot_id_written =
      !id.empty() && ::write(fd, id.data(), id.size()) == static_cast<ssize_t>(id.size());
  ::fsync(fd);
  ::close(fd);
  return sdk::Status::ok();
}

}  // namespace mq::store_mmap::abort_file
