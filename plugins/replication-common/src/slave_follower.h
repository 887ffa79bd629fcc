// SlaveFollower: the slave side of HA replication. It connects to the master's HA address,
// reports the store's log_end(), applies every frame at exactly the store's log end with
// MessageStore::apply_replicated(), and reports again (protocol: ha_protocol.h).
//
// - A dropped or silent connection (nothing for haHousekeepingInterval ms) is closed and
//   re-dialled with backoff (100 ms doubling to 5 s). Each new connection starts with a report
//   of the store's log end, so the stream resumes where the log ends: nothing is applied twice
//   and nothing is skipped.
// - Divergence halts the follower for good (until the plugin is restarted) with one error log
//   line: the master refused the slave's offset (its log is shorter, or the offset is not one of
//   its record boundaries, or the data is gone), the master's log end is below the slave's, or
//   apply_replicated() failed with kCorruption. The slave's log is left as it was.
// Threads: one follower thread; it alone touches the socket and calls apply_replicated().
// set_master_address(), snapshot() and stop() may be called from any thread.
// Lifecycle: construct, start(), stop() (joins; idempotent; the destructor runs it). The store
// outlives the follower.
#pragma once

#include "ha_socket.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/store.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace mq::replication {

class SlaveFollower {
 public:
  struct Snapshot {
    bool connected = false;       // connected, and its first report is written
    bool halted = false;          // stopped following because the logs diverge
    std::int64_t master_end = 0;  // the master's log end from its latest frame
    std::int64_t reported = 0;    // the log end this slave last reported (its acknowledgement)
    std::string master;           // the address it follows
  };

  // `master_address` may be empty (then it waits for set_master_address()).
  SlaveFollower(sdk::HostServices& host, const sdk::ReplicationOptions& options,
                sdk::MessageStore& store, std::string master_address);
  ~SlaveFollower();
  SlaveFollower(const SlaveFollower&) = delete;
  SlaveFollower& operator=(const SlaveFollower&) = delete;

  sdk::Status start() noexcept;
  void stop() noexcept;

  // Follows `address` from now on: a connection to another address is closed and the new one
  // dialled at once. The same address changes nothing; an empty one disconnects.
  void set_master_address(std::string_view address) noexcept;

  Snapshot snapshot() const noexcept;

 private:
  enum class SessionEnd { kStopped, kAddressChanged, kLost, kHalted };

  void run() noexcept;
  SessionEnd follow(UniqueFd fd, const std::string& address, std::uint64_t generation) noexcept;
  bool address_changed(std::uint64_t generation) const noexcept;
  void halt(const std::string& address, std::string_view why) noexcept;
  void set_connected(bool connected, std::int64_t reported) noexcept;

  // Constant after construction.
  sdk::HostServices& host_;
  const sdk::ReplicationOptions options_;
  sdk::MessageStore& store_;

  Wakeup wakeup_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  std::string address_;           // guarded by mu_
  std::uint64_t generation_ = 0;  // guarded by mu_: bumped by each new address
  Snapshot state_;                // guarded by mu_
};

}  // namespace mq::replication
