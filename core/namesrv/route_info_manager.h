// RouteInfoManager: the name server's tables of clusters, brokers, topics and live brokers.
//
// Semantics follow RocketMQ 4.9 (remoting-protocol.md §3.1): a registration puts the broker
// address under its id; for a master (id 0) whose DataVersion changed (or on first
// registration) every topic in the body is upserted (topics missing from the body are kept);
// a broker not re-registered for `broker_expired_ms`, or whose connection closed, is removed,
// and when the last address of a broker name goes its queue data goes too.
// Thread-safety: every method may be called from any thread (one mutex; the name server's
// request rate is low and every operation is a few map updates).
#pragma once

#include "net/channel.h"
#include "remoting/cluster_info.h"
#include "remoting/data_version.h"
#include "remoting/topic_config.h"
#include "remoting/topic_route_data.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mq::core {

struct BrokerRegistration {
  std::string cluster_name;
  std::string broker_addr;
  std::string broker_name;
  std::int64_t broker_id = 0;
  std::string ha_server_addr;
  DataVersion data_version;
  std::vector<TopicConfig> topics;
  std::optional<Channel> channel;  // the connection it registered on, if any
};

struct RegistrationResult {
  std::string ha_server_addr;  // master's, for a slave whose master is registered
  std::string master_addr;
};

class RouteInfoManager {
 public:
  RegistrationResult register_broker(const BrokerRegistration& registration, std::int64_t now_ms);
  void unregister_broker(const std::string& cluster_name, const std::string& broker_addr,
                         const std::string& broker_name, std::int64_t broker_id);

  // The route of `topic`, or nullopt when no broker serves it.
  std::optional<TopicRouteData> route(const std::string& topic) const;
  ClusterInfo cluster_info() const;
  std::vector<std::string> all_topics() const;
  std::vector<std::string> topics_of_cluster(const std::string& cluster_name) const;
  // Removes `topic` from every broker, or only from the brokers of `cluster_name` if given.
  void delete_topic(const std::string& topic, const std::string& cluster_name);
  // Sets or clears the WRITE bit of every queue data of `broker_name`; returns how many topics.
  int set_write_permission(const std::string& broker_name, bool writable);

  // Has the stored DataVersion of `broker_addr` changed compared with `version`? Refreshes the
  // broker's last-update time when it has not (QUERY_DATA_VERSION acts as a keep-alive).
  bool data_version_changed(const std::string& broker_addr, const DataVersion& version,
                            std::int64_t now_ms);
  std::optional<DataVersion> data_version_of(const std::string& broker_addr) const;

  // Removes brokers silent for longer than `expired_ms`; returns their addresses.
  std::vector<std::string> scan_not_active(std::int64_t now_ms, std::int64_t expired_ms);
  // Removes the brokers that registered on `channel`; returns their addresses.
  std::vector<std::string> on_channel_closed(const Channel& channel);

 private:
  struct LiveInfo {
    std::int64_t last_update_ms = 0;
    DataVersion data_version;
    std::optional<Channel> channel;
    std::string ha_server_addr;
  };
  // Removes `broker_addr` wherever it is. REQUIRES: mu_ held.
  void remove_address_locked(const std::string& broker_addr);
  void remove_broker_locked(const std::string& cluster_name, const std::string& broker_addr,
                            const std::string& broker_name, std::int64_t broker_id);

  mutable std::mutex mu_;
  // topic -> broker name -> queue data
  std::map<std::string, std::map<std::string, QueueData>> topic_queue_table_;  // guarded by mu_
  std::map<std::string, BrokerData> broker_addr_table_;                        // guarded by mu_
  std::map<std::string, std::set<std::string>> cluster_addr_table_;            // guarded by mu_
  std::map<std::string, LiveInfo> broker_live_table_;                          // guarded by mu_
};

}  // namespace mq::core
