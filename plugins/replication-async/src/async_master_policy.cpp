#include "async_master_policy.h"

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

AsyncMasterPolicy::AsyncMasterPolicy(sdk::HostServices& host,
                                     const sdk::ReplicationOptions& options)
    : service_(host, options, nullptr) {}

AsyncMasterPolicy::~AsyncMasterPolicy() { stop(); }

Status AsyncMasterPolicy::start(sdk::MessageStore& store) noexcept { return service_.start(store); }

void AsyncMasterPolicy::stop() noexcept {
  stopped_.store(true);
  service_.stop();
}

void AsyncMasterPolicy::await_replicated(sdk::PhysicalOffset /*end*/,
                                         std::function<void(const Status&)> done) noexcept {
  if (service_.is_slave()) {
    if (done) done(Status(StatusCode::kUnavailable, "a SLAVE does not acknowledge appends"));
    return;
  }
  if (stopped_.load()) {
    if (done) done(Status(StatusCode::kUnavailable, "replication-async is stopped"));
    return;
  }
  service_.notify_appended();
  if (done) done(Status::ok());
}

void AsyncMasterPolicy::set_master_address(std::string_view ha_address) noexcept {
  service_.set_master_address(ha_address);
}

sdk::ReplicationState AsyncMasterPolicy::state() const noexcept { return service_.state(); }

}  // namespace mq::replication
