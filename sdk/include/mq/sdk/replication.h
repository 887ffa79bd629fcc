// The replication seam: decides when an append is acknowledged and moves the log to slaves.
//
// Master side: after the store has appended a record, the core calls await_replicated() with
// the log end after that record; the policy completes `done` when the record is safe by its
// rule: replication-sync once a slave confirms an offset >= end (kFlushSlaveTimeout after
// slave_timeout_ms; kSlaveNotAvailable at once when no slave is attached or it is too far
// behind), replication-async at once. The message stays stored on the master either way.
// Slave side: the policy follows its master from the store's own log_end() and applies the
// records through MessageStore::apply_replicated().
// What a slave's acknowledgement of offset X means: every byte of the master's log before X is
// in the slave's log and dispatched to its consume queues (in its page cache; like RocketMQ,
// not necessarily on the slave's disk).
// Threads: callbacks run on the policy's threads, or inline before await_replicated() returns
// when the outcome is already known, and must not block. No thread is parked per waiting
// append: waiters are data keyed by offset.
#pragma once

#include "mq/sdk/abi.h"
#include "mq/sdk/offsets.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"
#include "mq/sdk/store.h"

#include <cstdint>
#include <functional>
#include <string>

namespace mq::sdk {

// What `mqadmin brokerStatus` shows. On a master: slave_attached = a slave is connected and
// being served; master_end = the store's log end; slave_acked = the highest offset a slave
// acknowledged (kept after it leaves); peer_address = that slave. On a slave: slave_attached =
// connected to its master and following (false once it stopped following a diverged master);
// master_end = the master's log end from its latest frame; slave_acked = the offset this slave
// last acknowledged; peer_address = the master's HA address.
struct ReplicationState {
  bool slave_attached = false;
  PhysicalOffset master_end;   // the master's log end (known to the slave: last reported)
  PhysicalOffset slave_acked;  // highest offset a slave confirmed
  std::string peer_address;    // the slave (on a master) or the master (on a slave)
};

class MQ_SDK_API ReplicationPolicy : public PluginInstance {
 public:
  // Starts the policy over `store`, which outlives it. A master listens for slaves on
  // ha_listen_port; a slave connects to `ha_master_address` (may be empty until learned from
  // the nameserver, see set_master_address). Fails with kUnavailable when the port cannot be
  // bound, kInvalidArgument when called twice.
  virtual Status start(MessageStore& store) noexcept = 0;

  // Master: completes `done` exactly once when the record ending at `end` is replicated per the
  // policy. After stop() it completes with kUnavailable; on a slave with kUnavailable.
  virtual void await_replicated(PhysicalOffset end,
                                std::function<void(const Status&)> done) noexcept = 0;

  // Slave: the master's HA address as learned from the nameserver's register answer. The latest
  // address wins (a different one drops the current connection; an empty one disconnects), so
  // the core should call it only when haMasterAddress is not configured (RocketMQ's rule).
  // Ignored on a master.
  virtual void set_master_address(std::string_view ha_address) noexcept = 0;

  virtual ReplicationState state() const noexcept = 0;
};

}  // namespace mq::sdk
