#include "namesrv/route_info_manager.h"

#include <algorithm>

namespace mq::core {

RegistrationResult RouteInfoManager::register_broker(const BrokerRegistration& r,
                                                     std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  cluster_addr_table_[r.cluster_name].insert(r.broker_name);

  auto [broker_it, first_of_name] = broker_addr_table_.try_emplace(r.broker_name);
  BrokerData& broker = broker_it->second;
  broker.cluster = r.cluster_name;
  broker.broker_name = r.broker_name;
  // The same address under another id goes first, so a slave can be promoted to master.
  for (auto it = broker.broker_addrs.begin(); it != broker.broker_addrs.end();) {
    if (it->second == r.broker_addr && it->first != r.broker_id) {
      it = broker.broker_addrs.erase(it);
    } else {
      ++it;
    }
  }
  const bool first_registration =
      broker.broker_addrs.insert_or_assign(r.broker_id, r.broker_addr).second || first_of_name;

  auto live = broker_live_table_.find(r.broker_addr);
  const bool version_changed =
      live == broker_live_table_.end() || !(live->second.data_version == r.data_version);
  if (r.broker_id == 0 && (version_changed || first_registration)) {
    for (const auto& topic : r.topics) {
      QueueData queue;
      queue.broker_name = r.broker_name;
      queue.read_queue_nums = topic.read_queue_nums;
      queue.write_queue_nums = topic.write_queue_nums;
      queue.perm = topic.perm;
      queue.topic_sys_flag = topic.topic_sys_flag;
      topic_queue_table_[topic.topic_name][r.broker_name] = queue;
    }
  }

  LiveInfo& info = broker_live_table_[r.broker_addr];
  info.last_update_ms = now_ms;
  info.data_version = r.data_version;
  info.channel = r.channel;
  info.ha_server_addr = r.ha_server_addr;

  RegistrationResult result;
  if (r.broker_id != 0) {
    auto master = broker.broker_addrs.find(0);
    if (master != broker.broker_addrs.end()) {
      result.master_addr = master->second;
      auto master_live = broker_live_table_.find(master->second);
      if (master_live != broker_live_table_.end()) {
        result.ha_server_addr = master_live->second.ha_server_addr;
      }
    }
  }
  return result;
}

void RouteInfoManager::remove_broker_locked(const std::string& cluster_name,
                                            const std::string& broker_addr,
                                            const std::string& broker_name,
                                            std::int64_t broker_id) {
  broker_live_table_.erase(broker_addr);
  auto broker_it = broker_addr_table_.find(broker_name);
  if (broker_it == broker_addr_table_.end()) return;
  auto& addrs = broker_it->second.broker_addrs;
  auto addr_it = addrs.find(broker_id);
  if (addr_it != addrs.end() && addr_it->second == broker_addr) addrs.erase(addr_it);
  if (!addrs.empty()) return;
  // The last address of this broker name is gone: so is its cluster membership and its queues.
  broker_addr_table_.erase(broker_it);
  if (auto cluster = cluster_addr_table_.find(cluster_name); cluster != cluster_addr_table_.end()) {
    cluster->second.erase(broker_name);
    if (cluster->second.empty()) cluster_addr_table_.erase(cluster);
  }
  for (auto it = topic_queue_table_.begin(); it != topic_queue_table_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? topic_queue_table_.erase(it) : std::next(it);
  }
}

void RouteInfoManager::unregister_broker(const std::string& cluster_name,
                                         const std::string& broker_addr,
                                         const std::string& broker_name, std::int64_t broker_id) {
  std::lock_guard lock(mu_);
  remove_broker_locked(cluster_name, broker_addr, broker_name, broker_id);
}

void RouteInfoManager::remove_address_locked(const std::string& broker_addr) {
  for (const auto& [name, broker] : broker_addr_table_) {
    for (const auto& [id, addr] : broker.broker_addrs) {
      if (addr == broker_addr) {
        // Copies: remove_broker_locked may erase the entries these refer to.
        const std::string cluster = broker.cluster;
        const std::string broker_name = name;
        const std::int64_t broker_id = id;
        remove_broker_locked(cluster, broker_addr, broker_name, broker_id);
        return;
      }
    }
  }
  broker_live_table_.erase(broker_addr);
}

std::optional<TopicRouteData> RouteInfoManager::route(const std::string& topic) const {
  std::lock_guard lock(mu_);
  auto topic_it = topic_queue_table_.find(topic);
  if (topic_it == topic_queue_table_.end() || topic_it->second.empty()) return std::nullopt;
  TopicRouteData route;
  for (const auto& [broker_name, queue] : topic_it->second) {
    route.queue_datas.push_back(queue);
    auto broker = broker_addr_table_.find(broker_name);
    if (broker != broker_addr_table_.end()) route.broker_datas.push_back(broker->second);
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

ClusterInfo RouteInfoManager::cluster_info() const {
  std::lock_guard lock(mu_);
  ClusterInfo info;
  for (const auto& [name, broker] : broker_addr_table_) info.broker_addr_table[name] = broker;
  for (const auto& [cluster, names] : cluster_addr_table_) {
    info.cluster_addr_table[cluster].insert(names.begin(), names.end());
  }
  return info;
}

std::vector<std::string> RouteInfoManager::all_topics() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> topics;
  for (const auto& [topic, queues] : topic_queue_table_) topics.push_back(topic);
  return topics;
}

std::vector<std::string> RouteInfoManager::topics_of_cluster(
    const std::string& cluster_name) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> topics;
  auto cluster = cluster_addr_table_.find(cluster_name);
  if (cluster == cluster_addr_table_.end()) return topics;
  for (const auto& [topic, queues] : topic_queue_table_) {
    for (const auto& [broker_name, queue] : queues) {
      if (cluster->second.count(broker_name)) {
        topics.push_back(topic);
        break;
      }
    }
  }
  return topics;
}

void RouteInfoManager::delete_topic(const std::string& topic, const std::string& cluster_name) {
  std::lock_guard lock(mu_);
  auto topic_it = topic_queue_table_.find(topic);
  if (topic_it == topic_queue_table_.end()) return;
  if (cluster_name.empty()) {
    topic_queue_table_.erase(topic_it);
    return;
  }
  auto cluster = cluster_addr_table_.find(cluster_name);
  if (cluster == cluster_addr_table_.end()) return;
  for (const auto& broker_name : cluster->second) topic_it->second.erase(broker_name);
  if (topic_it->second.empty()) topic_queue_table_.erase(topic_it);
}

int RouteInfoManager::set_write_permission(const std::string& broker_name, bool writable) {
  constexpr std::int32_t kPermWrite = 2;
  std::lock_guard lock(mu_);
  int changed = 0;
  for (auto& [topic, queues] : topic_queue_table_) {
    auto it = queues.find(broker_name);
    if (it == queues.end()) continue;
    it->second.perm = writable ? (it->second.perm | kPermWrite) : (it->second.perm & ~kPermWrite);
    ++changed;
  }
  return changed;
}

bool RouteInfoManager::data_version_changed(const std::string& broker_addr,
                                            const DataVersion& version, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto live = broker_live_table_.find(broker_addr);
  if (live == broker_live_table_.end()) return true;
  if (!(live->second.data_version == version)) return true;
  live->second.last_update_ms = now_ms;
  return false;
}

std::optional<DataVersion> RouteInfoManager::data_version_of(const std::string& broker_addr) const {
  std::lock_guard lock(mu_);
  auto live = broker_live_table_.find(broker_addr);
  if (live == broker_live_table_.end()) return std::nullopt;
  return live->second.data_version;
}

std::vector<std::string> RouteInfoManager::scan_not_active(std::int64_t now_ms,
                                                           std::int64_t expired_ms) {
  std::lock_guard lock(mu_);
  std::vector<std::string> expired;
  for (const auto& [addr, live] : broker_live_table_) {
    if (now_ms - live.last_update_ms > expired_ms) expired.push_back(addr);
  }
  for (const auto& addr : expired) remove_address_locked(addr);
  return expired;
}

std::vector<std::string> RouteInfoManager::on_channel_closed(const Channel& channel) {
  std::lock_guard lock(mu_);
  std::vector<std::string> gone;
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.channel && *live.channel == channel) gone.push_back(addr);
  }
  for (const auto& addr : gone) remove_address_locked(addr);
  return gone;
}

}  // namespace mq::core
