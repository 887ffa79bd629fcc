#include "sync_master_policy.h"

#include <string>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

SyncMasterPolicy::SyncMasterPolicy(sdk::HostServices& host, const sdk::ReplicationOptions& options)
    : host_(host), options_(options), service_(host, options, this) {}

SyncMasterPolicy::~SyncMasterPolicy() { stop(); }

Status SyncMasterPolicy::start(sdk::MessageStore& store) noexcept { return service_.start(store); }

void SyncMasterPolicy::stop() noexcept {
  // The I/O thread is joined first, so no hook runs while or after the waiters close.
  service_.stop();
  waiters_.close(Status(StatusCode::kUnavailable,
                        "replication-sync stopped before a slave confirmed the message"));
}

void SyncMasterPolicy::await_replicated(sdk::PhysicalOffset end,
                                        std::function<void(const Status&)> done) noexcept {
  if (!done) return;
  try {
    if (service_.is_slave()) {
      done(Status(StatusCode::kUnavailable, "a SLAVE does not acknowledge appends"));
      return;
    }
    if (waiters_.closed()) {
      done(Status(StatusCode::kUnavailable, "replication-sync is stopped"));
      return;
    }
    const auto slaves = service_.master_snapshot();
    if (slaves.attached == 0) {
      done(Status(StatusCode::kSlaveNotAvailable, "no slave is attached to this SYNC_MASTER"));
      return;
    }
    const std::int64_t behind = end.value() - slaves.acked;
    if (behind > options_.ha_max_gap_not_in_sync) {
      done(Status(StatusCode::kSlaveNotAvailable,
                  "the slave is " + std::to_string(behind) + " bytes behind, more than " +
                      "haMaxGapNotInSync (" + std::to_string(options_.ha_max_gap_not_in_sync) +
                      ")"));
      return;
    }
  } catch (...) {
    done(Status(StatusCode::kResourceExhausted, "out of memory"));
    return;
  }
  const std::int64_t deadline =
      host_.clock().steady_ns() + options_.slave_timeout_ms * std::int64_t{1000000};
  waiters_.add(end.value(), deadline, std::move(done));
  // Ships the new data and makes the I/O thread see the new deadline.
  service_.notify_appended();
}

void SyncMasterPolicy::set_master_address(std::string_view ha_address) noexcept {
  service_.set_master_address(ha_address);
}

sdk::ReplicationState SyncMasterPolicy::state() const noexcept { return service_.state(); }

void SyncMasterPolicy::on_slave_acked(std::int64_t acked) noexcept { waiters_.acknowledge(acked); }

std::int64_t SyncMasterPolicy::on_tick(std::int64_t now_ns) noexcept {
  return waiters_.expire(now_ns);
}

}  // namespace mq::replication
