#include "test_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mq::test {
namespace {

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t spawn(const std::string& path, const std::vector<std::string>& args,
            const std::string& out_path, const std::string& err_path, const std::string& cwd) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) dup2(out, 1);
    if (err >= 0) dup2(err, 2);
    int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, 0);
    // Fresh process group, so tests can signal it without touching the test runner.
    setpgid(0, 0);
    // A test that crashes must not leave servers behind: the child dies with its parent.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    // No allocation between fork() and exec(): another thread of the test process may have
    // held the allocator's lock when it forked, and the child would wait for it forever.
    char* argv[128];
    if (args.size() + 2 > std::size(argv)) _exit(125);
    std::size_t n = 0;
    argv[n++] = const_cast<char*>(path.c_str());
    for (const auto& a : args) argv[n++] = const_cast<char*>(a.c_str());
    argv[n] = nullptr;
    execv(path.c_str(), argv);
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string build_dir() {
  const char* dir = std::getenv("MQ_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (dir == nullptr) throw std::runtime_error("MQ_BUILD_DIR is not set; run the tests with ctest");
  return dir;
}

std::string bin_path(const std::string& name) { return build_dir() + "/bin/" + name; }

std::string plugin_dir() { return build_dir() + "/lib/rocketmq-cpp/plugins"; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe)
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/mqtest-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  const std::string path = file(name);
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

namespace {

bool port_is_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

int free_port_block(int count) {
  static std::atomic<int> next{0};
  if (next.load() == 0) next = 20000 + (getpid() * 37) % 10000;
  for (int attempt = 0; attempt < 2000; ++attempt) {
    int base = next.fetch_add(count + 1);
    if (base + count >= 32000) {
      next = 20000;
      continue;
    }
    bool all = true;
    for (int p = base; p < base + count && all; ++p) all = port_is_free(p);
    if (all) return base;
  }
  return free_port();
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    close(fd);
    if (rc == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

CommandResult run_command(const std::string& path, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout, const std::string& cwd) {
  TempDir dir;
  ChildProcess child(path, args, dir.path(), cwd);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (child.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CommandResult result;
  result.exit_code = child.terminate(std::chrono::seconds(5));
  result.out = child.out();
  result.err = child.err();
  return result;
}

ChildProcess::ChildProcess(const std::string& path, const std::vector<std::string>& args,
                           const std::string& log_dir, const std::string& cwd) {
  static int counter = 0;
  const std::string stem = log_dir + "/" + std::filesystem::path(path).filename().string() + "-" +
                           std::to_string(++counter);
  out_path_ = stem + ".out";
  err_path_ = stem + ".err";
  pid_ = spawn(path, args, out_path_, err_path_, cwd);
}

ChildProcess::~ChildProcess() {
  if (running()) kill();
}

std::optional<int> ChildProcess::reap(bool block) {
  if (exit_code_) return exit_code_;
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t rc = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (rc == pid_) exit_code_ = decode_status(status);
  return exit_code_;
}

bool ChildProcess::running() { return !reap(false).has_value(); }

int ChildProcess::terminate(std::chrono::milliseconds timeout) {
  if (!running()) return *exit_code_;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (running()) kill();
  return exit_code_.value_or(-1);
}

void ChildProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

std::string ChildProcess::out() const { return read_file(out_path_); }
std::string ChildProcess::err() const { return read_file(err_path_); }

}  // namespace mq::test
