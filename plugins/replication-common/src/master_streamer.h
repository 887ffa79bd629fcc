// MasterStreamer: the master side of HA replication. It accepts slaves on
// 0.0.0.0:haListenPort, streams the log to each from the offset the slave first reports, and
// collects the slaves' acknowledgements (protocol: ha_protocol.h).
//
// Threads: one I/O thread per streamer ("accept + poll"): it accepts, reads reports, reads the
// log (MessageStore::read_log) and writes frames for every slave, non-blocking, in one poll()
// loop. Slaves are few, so one thread serves them all. MasterHooks run on that thread.
// Lifecycle: construct, start() (binds, starts the thread), stop() (closes the listener and
// every connection, joins; idempotent; the destructor runs it). The store outlives the
// streamer. Thread-safety: notify() and snapshot() may be called from any thread.
#pragma once

#include "ha_protocol.h"
#include "ha_socket.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/store.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mq::replication {

inline constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

// What a replication policy learns from the streamer. Both methods run on the I/O thread, must
// not block, and are not called any more once stop() has returned.
class MasterHooks {
 public:
  virtual ~MasterHooks() = default;
  // The highest log end reported by a connected slave grew to `acked`: every byte of the
  // master's log before `acked` is in that slave's log and consume queues.
  virtual void on_slave_acked(std::int64_t acked) noexcept = 0;
  // Called on every pass of the I/O loop (and at least at the deadline returned last time):
  // expire whatever is due at `now_ns` (host steady clock). Returns the next deadline in the
  // same clock, or kNoDeadline.
  virtual std::int64_t on_tick(std::int64_t now_ns) noexcept = 0;
};

class MasterStreamer {
 public:
  struct Snapshot {
    int attached = 0;         // connected slaves whose reported offset the master can serve
    std::int64_t acked = -1;  // highest log end a connected slave reported (-1: none ever);
                              // kept when the last slave leaves
    std::string peer;         // "ip:port" of the slave that reported `acked`
  };

  // `hooks` may be null; it and `store` outlive the streamer.
  MasterStreamer(sdk::HostServices& host, const sdk::ReplicationOptions& options,
                 sdk::MessageStore& store, MasterHooks* hooks);
  ~MasterStreamer();
  MasterStreamer(const MasterStreamer&) = delete;
  MasterStreamer& operator=(const MasterStreamer&) = delete;

  // Binds 0.0.0.0:ha_listen_port and starts the I/O thread. kUnavailable when the port is taken.
  sdk::Status start() noexcept;
  void stop() noexcept;

  // Wakes the I/O thread to ship new log data and to re-read the hooks' next deadline. Cheap
  // enough for every append: at most one eventfd write until the I/O thread has woken.
  void notify() noexcept;

  Snapshot snapshot() const noexcept;

 private:
  struct Slave;
  enum class FrameResult { kNone, kBuilt, kClose };
  enum class WriteResult { kDone, kBlocked, kFailed };

  void run() noexcept;
  void accept_slaves(std::int64_t now_ns) noexcept;
  bool read_reports(Slave& slave, std::int64_t now_ns) noexcept;
  bool on_report(Slave& slave, std::int64_t offset) noexcept;
  bool pump(Slave& slave, std::int64_t now_ns) noexcept;
  WriteResult write_pending(Slave& slave, std::int64_t now_ns) noexcept;
  FrameResult next_frame(Slave& slave, std::int64_t now_ns) noexcept;
  void refuse(Slave& slave, RefusalCode code, std::int64_t at, std::int64_t master_end) noexcept;
  void publish_state() noexcept;
  std::int64_t poll_timeout_ms(std::int64_t now_ns) const noexcept;

  // Constant after construction.
  sdk::HostServices& host_;
  const sdk::ReplicationOptions options_;
  sdk::MessageStore& store_;
  MasterHooks* const hooks_;

  // Set by start(), then read by the I/O thread only.
  UniqueFd listener_;
  Wakeup wakeup_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};    // slave connections, as of the last I/O pass
  std::atomic<bool> notified_{false};  // an eventfd write is pending (see notify())

  // I/O thread only.
  std::vector<std::unique_ptr<Slave>> slaves_;
  std::int64_t next_deadline_ns_ = kNoDeadline;
  std::int64_t last_hook_ack_ = -1;

  mutable std::mutex state_mu_;
  Snapshot state_;  // guarded by state_mu_, written by the I/O thread
};

}  // namespace mq::replication
