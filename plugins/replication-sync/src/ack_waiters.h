// AckWaiters: SYNC_MASTER appends waiting for a slave's acknowledgement, kept as data keyed by
// offset (no thread waits per append). Each waiter is (end, deadline, callback): it completes
// with OK once an acknowledgement >= end arrives, with kFlushSlaveTimeout at its deadline, or
// with the close status when the set is closed. Each callback runs exactly once, never under
// the set's lock, on the thread that made it due: the acknowledging thread, the expiring
// thread, the closing thread, or the adding thread when it is due at once.
// Thread-safety: every method may be called from any thread.
#pragma once

#include "mq/sdk/status.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

namespace mq::replication {

class AckWaiters {
 public:
  using Callback = std::function<void(const sdk::Status&)>;
  static constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

  // Waits for an acknowledgement of `end` until `deadline_ns`. Completes `done` before
  // returning when `end` is acknowledged already (OK) or the set is closed (its status).
  void add(std::int64_t end, std::int64_t deadline_ns, Callback done) noexcept;

  // A slave acknowledged `acked` (every byte before it): completes each waiter with end <=
  // acked with OK. Acknowledgements never go back: a lower value than before changes nothing.
  void acknowledge(std::int64_t acked) noexcept;

  // Completes every waiter whose deadline is <= now_ns with kFlushSlaveTimeout. Returns the
  // earliest remaining deadline, or kNoDeadline.
  std::int64_t expire(std::int64_t now_ns) noexcept;

  // Completes every waiter, and every later add(), with `status` (not OK).
  void close(const sdk::Status& status) noexcept;

  bool closed() const noexcept;
  std::int64_t acked() const noexcept;
  std::size_t size() const noexcept;

 private:
  struct Waiter {
    std::int64_t end = 0;
    std::int64_t deadline_ns = 0;
    Callback done;
  };

  mutable std::mutex mu_;
  std::uint64_t next_id_ = 0;                                     // guarded by mu_
  std::int64_t acked_ = -1;                                       // guarded by mu_
  std::optional<sdk::Status> closed_;                             // guarded by mu_
  std::map<std::uint64_t, Waiter> waiters_;                       // guarded by mu_; by id
  std::set<std::pair<std::int64_t, std::uint64_t>> by_end_;       // guarded by mu_; (end, id)
  std::set<std::pair<std::int64_t, std::uint64_t>> by_deadline_;  // guarded by mu_
};

}  // namespace mq::replication
