#include "replication_options_check.h"

#include <string>

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

Status check_options(const sdk::PluginConfig& config, std::string_view plugin) {
  const std::string name(plugin);
  if (config.replication == nullptr) {
    return Status(StatusCode::kInvalidArgument, name + " needs the replication options");
  }
  const sdk::ReplicationOptions& o = *config.replication;
  auto bad = [&name](const char* key, std::int64_t value, const char* expected) {
    return Status(StatusCode::kInvalidArgument,
                  name + ": " + key + ": expected " + expected + ", got " + std::to_string(value));
  };
  if (o.broker_role != sdk::BrokerRole::kSlave &&
      (o.ha_listen_port < 1 || o.ha_listen_port > 65535)) {
    return bad("haListenPort", o.ha_listen_port, "1..65535");
  }
  if (o.slave_timeout_ms <= 0) return bad("slaveTimeout", o.slave_timeout_ms, "> 0 ms");
  if (o.ha_send_heartbeat_interval_ms <= 0) {
    return bad("haSendHeartbeatInterval", o.ha_send_heartbeat_interval_ms, "> 0 ms");
  }
  if (o.ha_housekeeping_interval_ms <= 0) {
    return bad("haHousekeepingInterval", o.ha_housekeeping_interval_ms, "> 0 ms");
  }
  if (o.ha_transfer_batch_size <= 0) {
    return bad("haTransferBatchSize", o.ha_transfer_batch_size, "> 0 bytes");
  }
  if (o.ha_max_gap_not_in_sync < 0) {
    return bad("haMaxGapNotInSync", o.ha_max_gap_not_in_sync, ">= 0 bytes");
  }
  return Status::ok();
}

}  // namespace mq::replication
