#include "common/shutdown_signal.h"

#include <pthread.h>

#include <csignal>

namespace mq::core {
namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void ShutdownSignal::block() noexcept {
  sigset_t set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer that vanishes must give EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
}

int ShutdownSignal::wait() noexcept {
  sigset_t set = shutdown_set();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace mq::core
