// SyncMasterPolicy: SYNC_MASTER. An append is acknowledged once a slave has it.
//
// await_replicated(end, done) completes `done` with
//  - OK once a connected slave has reported a log end >= end (the record is in the slave's log
//    and consume queues; the slave's page cache, not necessarily its disk, as in RocketMQ);
//  - kFlushSlaveTimeout when no such report arrives within slaveTimeout ms;
//  - kSlaveNotAvailable at once when no slave is attached, or the best slave's acknowledged
//    offset is more than haMaxGapNotInSync bytes behind `end`;
//  - kUnavailable once stopped (pending waiters too), or on a SLAVE.
// The message stays stored on the master in every case. A slave that disconnects does not fail
// the pending waiters: they complete when a slave (the same one, reconnected, or another)
// acknowledges, or time out.
// Threads: waiters are data (AckWaiters), completed by the HA I/O thread (acknowledgements
// and deadlines) or inline in await_replicated() when already decided. With brokerRole=SLAVE
// the policy is the shared follower (HaService).
#pragma once

#include "ack_waiters.h"
#include "ha_service.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/replication.h"

#include <functional>
#include <string_view>

namespace mq::replication {

class SyncMasterPolicy final : public sdk::ReplicationPolicy, private MasterHooks {
 public:
  SyncMasterPolicy(sdk::HostServices& host, const sdk::ReplicationOptions& options);
  ~SyncMasterPolicy() override;
  SyncMasterPolicy(const SyncMasterPolicy&) = delete;
  SyncMasterPolicy& operator=(const SyncMasterPolicy&) = delete;

  sdk::Status start(sdk::MessageStore& store) noexcept override;
  void stop() noexcept override;
  void await_replicated(sdk::PhysicalOffset end,
                        std::function<void(const sdk::Status&)> done) noexcept override;
  void set_master_address(std::string_view ha_address) noexcept override;
  sdk::ReplicationState state() const noexcept override;

 private:
  // MasterHooks, on the HA I/O thread.
  void on_slave_acked(std::int64_t acked) noexcept override;
  std::int64_t on_tick(std::int64_t now_ns) noexcept override;

  sdk::HostServices& host_;
  const sdk::ReplicationOptions options_;
  AckWaiters waiters_;  // declared before service_: the service's thread uses it
  HaService service_;
};

}  // namespace mq::replication
