#include "ack_waiters.h"

#include <string>
#include <vector>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

void AckWaiters::add(std::int64_t end, std::int64_t deadline_ns, Callback done) noexcept {
  if (!done) return;
  Status now_status;
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      try {
        now_status = *closed_;
      } catch (...) {
        now_status = Status(closed_->code(), "");
      }
    } else if (end <= acked_) {
      // OK: complete below.
    } else {
      const std::uint64_t id = next_id_++;
      try {
        // Allocate everything first: `done` moves in only once nothing can throw any more.
        by_end_.emplace(end, id);
        by_deadline_.emplace(deadline_ns, id);
        auto slot = waiters_.try_emplace(id).first;
        slot->second.end = end;
        slot->second.deadline_ns = deadline_ns;
        slot->second.done = std::move(done);
        return;
      } catch (...) {
        by_end_.erase({end, id});
        by_deadline_.erase({deadline_ns, id});
        now_status = Status(StatusCode::kResourceExhausted, "out of memory for a slave waiter");
      }
    }
  }
  if (done) done(now_status);
}

void AckWaiters::acknowledge(std::int64_t acked) noexcept {
  std::vector<Callback> due;
  {
    std::lock_guard lock(mu_);
    if (acked <= acked_) return;
    acked_ = acked;
    try {
      while (!by_end_.empty() && by_end_.begin()->first <= acked) {
        const std::uint64_t id = by_end_.begin()->second;
        auto it = waiters_.find(id);
        due.push_back(std::move(it->second.done));
        by_deadline_.erase({it->second.deadline_ns, id});
        waiters_.erase(it);
        by_end_.erase(by_end_.begin());
      }
    } catch (...) {
      // Out of memory growing `due`: the rest complete at the next acknowledgement or expiry.
    }
  }
  const Status ok;
  for (auto& done : due) done(ok);
}

std::int64_t AckWaiters::expire(std::int64_t now_ns) noexcept {
  std::vector<std::pair<std::int64_t, Callback>> due;
  std::int64_t next = kNoDeadline;
  {
    std::lock_guard lock(mu_);
    try {
      while (!by_deadline_.empty() && by_deadline_.begin()->first <= now_ns) {
        const std::uint64_t id = by_deadline_.begin()->second;
        auto it = waiters_.find(id);
        due.emplace_back(it->second.end, std::move(it->second.done));
        by_end_.erase({it->second.end, id});
        waiters_.erase(it);
        by_deadline_.erase(by_deadline_.begin());
      }
    } catch (...) {
      // Out of memory growing `due`: the rest expire on the next call.
    }
    if (!by_deadline_.empty()) next = by_deadline_.begin()->first;
  }
  for (auto& [end, done] : due) {
    try {
      done(Status(StatusCode::kFlushSlaveTimeout,
                  "no slave confirmed offset " + std::to_string(end) +
                      " within slaveTimeout; the message is stored on the master"));
    } catch (...) {
      done(Status(StatusCode::kFlushSlaveTimeout, ""));
    }
  }
  return next;
}

void AckWaiters::close(const Status& status) noexcept {
  std::map<std::uint64_t, Waiter> doomed;
  {
    std::lock_guard lock(mu_);
    try {
      if (!closed_) closed_ = status;
    } catch (...) {
      closed_ = Status(status.code(), "");
    }
    doomed.swap(waiters_);
    by_end_.clear();
    by_deadline_.clear();
  }
  for (auto& [id, waiter] : doomed) waiter.done(status);
}

bool AckWaiters::closed() const noexcept {
  std::lock_guard lock(mu_);
  return closed_.has_value();
}

std::int64_t AckWaiters::acked() const noexcept {
  std::lock_guard lock(mu_);
  return acked_;
}

std::size_t AckWaiters::size() const noexcept {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace mq::replication
