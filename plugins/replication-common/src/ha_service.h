// HaService: the part of a replication policy both plugins share. By brokerRole it runs either
// a MasterStreamer (ASYNC_MASTER, SYNC_MASTER) or a SlaveFollower (SLAVE) over the store, and
// answers state(). The plugins add only their acknowledgement rule (await_replicated).
//
// Lifecycle: construct, start(store) once, stop() (idempotent; the destructor runs it). The
// streamer or follower lives until the service is destroyed, so notify_appended() and
// master_snapshot() stay safe after stop(). Thread-safety: every method may be called from any
// thread.
#pragma once

#include "master_streamer.h"
#include "slave_follower.h"

#include "mq/sdk/config.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/replication.h"
#include "mq/sdk/store.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>

namespace mq::replication {

class HaService {
 public:
  // `hooks` (may be null) receives the master's acknowledgements; it outlives the service.
  HaService(sdk::HostServices& host, const sdk::ReplicationOptions& options, MasterHooks* hooks);
  ~HaService();
  HaService(const HaService&) = delete;
  HaService& operator=(const HaService&) = delete;

  // Master: listens on ha_listen_port. Slave: starts following ha_master_address (or the
  // address set_master_address() gave). kInvalidArgument when started twice.
  sdk::Status start(sdk::MessageStore& store) noexcept;
  void stop() noexcept;

  bool is_slave() const noexcept { return options_.broker_role == sdk::BrokerRole::kSlave; }

  // Master: new log data (up to at least the offset just appended); wakes the streamer.
  void notify_appended() noexcept;
  // Slave: the master's HA address; ignored on a master.
  void set_master_address(std::string_view address) noexcept;

  // Master: the streamer's view of its slaves (empty before start()).
  MasterStreamer::Snapshot master_snapshot() const noexcept;
  sdk::ReplicationState state() const noexcept;

 private:
  // Constant after construction.
  sdk::HostServices& host_;
  const sdk::ReplicationOptions options_;
  MasterHooks* const hooks_;

  mutable std::mutex mu_;                                // start/stop and the address before start
  std::string pending_address_;                          // guarded by mu_: set before start()
  sdk::MessageStore* store_ = nullptr;                   // guarded by mu_; constant once started
  std::unique_ptr<MasterStreamer> streamer_;             // guarded by mu_; constant once started
  std::unique_ptr<SlaveFollower> follower_;              // guarded by mu_; constant once started
  std::atomic<MasterStreamer*> streamer_fast_{nullptr};  // streamer_.get(), for notify
  bool stopped_ = false;                                 // guarded by mu_
};

}  // namespace mq::replication
