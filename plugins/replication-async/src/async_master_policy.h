// AsyncMasterPolicy: ASYNC_MASTER, and the follower every SLAVE runs.
//
// await_replicated() completes `done` with OK before it returns: the data ships to attached
// slaves in the background (the call only wakes the HA I/O thread). The master never waits for
// a slave, so a slave's state does not change a send's result. With brokerRole=SLAVE the policy
// follows its master (HaService / SlaveFollower), and await_replicated() completes with
// kUnavailable: a slave takes no appends. After stop() it completes with kUnavailable too.
// Threads: see HaService; no callback is ever deferred.
#pragma once

#include "ha_service.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/replication.h"

#include <atomic>
#include <functional>
#include <string_view>

namespace mq::replication {

class AsyncMasterPolicy final : public sdk::ReplicationPolicy {
 public:
  AsyncMasterPolicy(sdk::HostServices& host, const sdk::ReplicationOptions& options);
  ~AsyncMasterPolicy() override;
  AsyncMasterPolicy(const AsyncMasterPolicy&) = delete;
  AsyncMasterPolicy& operator=(const AsyncMasterPolicy&) = delete;

  sdk::Status start(sdk::MessageStore& store) noexcept override;
  void stop() noexcept override;
  void await_replicated(sdk::PhysicalOffset end,
                        std::function<void(const sdk::Status&)> done) noexcept override;
  void set_master_address(std::string_view ha_address) noexcept override;
  sdk::ReplicationState state() const noexcept override;

 private:
  std::atomic<bool> stopped_{false};
  HaService service_;
};

}  // namespace mq::replication
