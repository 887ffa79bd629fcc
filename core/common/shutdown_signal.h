// ShutdownSignal: turns SIGINT/SIGTERM into an orderly shutdown on the main thread.
//
// block() must be called on the main thread before any other thread starts, so every thread
// inherits the blocked mask and the signal is delivered only to wait(). wait() returns the
// signal number.
#pragma once

namespace mq::core {

class ShutdownSignal {
 public:
  static void block() noexcept;
  static int wait() noexcept;
};

}  // namespace mq::core
