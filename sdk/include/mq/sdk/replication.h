// The replication seam: decides when an append is acknowledged and moves the log to slaves.
//
// Master side: after the store has appended a record, the core calls await_replicated() with
// the log end after that record; the policy completes `done` when the record is safe by its
// rule: replication-sync once a slave confirms an offset >= end (kFlushSlaveTimeout after
// slave_timeout_ms; kSlaveNotAvailable at once when no slave is attached or it is too far
// behind), replication-async at once. The message stays stored on the master either way.
// Slave side: the policy follows its master from the store's own log_end() and applies the
// records through MessageStore::apply_replicated().
// Threads: callbacks run on the policy's threads and must not block. No thread is parked per
// waiting append: waiters are data keyed by offset.
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

struct ReplicationState {
  bool slave_attached = false;
  PhysicalOffset master_end;   // the master's log end (known to the slave: last reported)
  PhysicalOffset slave_acked;  // highest offset a slave confirmed
  std::string peer_address;    // the slave (on a master) or the master (on a slave)
};

class MQ_SDK_API ReplicationPolicy : public PluginInstance {
 public:
  // Starts the policy over `store`, which outlives it. A master listens for slaves on
  // ha_listen_port; a slave connects to `master_ha_address` (may be empty until learned from
  // the nameserver, see set_master_address).
  virtual Status start(MessageStore& store) noexcept = 0;

  // Master: completes `done` when the record ending at `end` is replicated per the policy.
  virtual void await_replicated(PhysicalOffset end,
                                std::function<void(const Status&)> done) noexcept = 0;

  // Slave: the master's HA address as learned from the nameserver's register answer.
  virtual void set_master_address(std::string_view ha_address) noexcept = 0;

  virtual ReplicationState state() const noexcept = 0;
};

}  // namespace mq::sdk
