// Test helpers for tests that run real binaries: temp dirs, free loopback ports, child
// processes with captured output. Everything stays on 127.0.0.1 and under a fresh temp dir.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mq::test {

// The build tree (MQ_BUILD_DIR, set by ctest), and a binary in it: bin_path("mqnamesrv").
std::string build_dir();
std::string bin_path(const std::string& name);
std::string plugin_dir();

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to file(name) and returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// The first of `count` consecutive ports that were all free a moment ago, chosen below the
// kernel's ephemeral range (so outgoing connections of other tests cannot take them).
int free_port_block(int count);
// True once something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

struct CommandResult {
  int exit_code = -1;  // the exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Runs a binary to completion (killed after `timeout`).
CommandResult run_command(const std::string& path, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30),
                          const std::string& cwd = "");

// A long-running child (a name server, a broker). Output goes to files in `log_dir`.
// The destructor kills it if still running.
class ChildProcess {
 public:
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const std::string& log_dir, const std::string& cwd = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends SIGTERM and waits; returns the exit code (or 128 + signal).
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // SIGKILL and reap.
  void kill();
  std::string out() const;
  std::string err() const;

 private:
  std::optional<int> reap(bool block);
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  std::optional<int> exit_code_;
};

std::string read_file(const std::string& path);

}  // namespace mq::test
