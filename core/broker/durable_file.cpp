#include "broker/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace mq::core {
namespace {

sdk::Status io_error(std::string what, const std::string& path, int error) {
  return sdk::Status(sdk::StatusCode::kIoError,
                     what + " " + path + ": " + std::generic_category().message(error));
}

// Closes the descriptor on every path out of replace_file_durably().
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }
  // Closes now and reports close()'s errno (0 when it succeeded).
  int close() noexcept {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

}  // namespace

sdk::Result<std::optional<std::string>> read_file_if_exists(const std::string& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return io_error("cannot inspect", path, ec.value());
  if (!exists) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open", path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("cannot read", path, errno);
  return std::optional<std::string>(std::move(text).str());
}

sdk::Status replace_file_durably(const std::string& path, std::string_view text) {
  const std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error("cannot create directory", dir.string(), ec.value());

  const std::string temp = path + ".tmp";
  FileDescriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file.get() < 0) return io_error("cannot create", temp, errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(file.get(), text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot write", temp, n < 0 ? errno : EIO);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(file.get()) != 0) return io_error("cannot sync", temp, errno);
  if (const int error = file.close(); error != 0) return io_error("cannot close", temp, error);

  std::filesystem::rename(temp, target, ec);
  if (ec) return io_error("cannot rename " + temp + " to", path, ec.value());

  // The rename is durable only once the directory entry is.
  FileDescriptor directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) return io_error("cannot open directory", dir.string(), errno);
  if (::fsync(directory.get()) != 0) return io_error("cannot sync directory", dir.string(), errno);
  return sdk::Status::ok();
}

}  // namespace mq::core
