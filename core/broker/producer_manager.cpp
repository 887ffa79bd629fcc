#include "broker/producer_manager.h"

namespace mq::core {

void ProducerManager::register_producer(const std::string& group, const ClientChannelInfo& client) {
  std::lock_guard lock(mu_);
  groups_[group].insert_or_assign(client.channel, client);
}

void ProducerManager::unregister_producer(const std::string& group, const Channel& channel) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return;
  it->second.erase(channel);
  if (it->second.empty()) groups_.erase(it);
}

void ProducerManager::on_channel_closed(const Channel& channel) {
  std::lock_guard lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    it->second.erase(channel);
    if (it->second.empty()) {
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::pair<std::string, Channel>> ProducerManager::scan_not_active(
    std::int64_t now_ms, std::int64_t expired_ms) {
  std::vector<std::pair<std::string, Channel>> out;
  std::lock_guard lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    auto& clients = it->second;
    for (auto client = clients.begin(); client != clients.end();) {
      if (now_ms - client->second.last_update_ms > expired_ms) {
        out.emplace_back(it->first, client->second.channel);
        client = clients.erase(client);
      } else {
        ++client;
      }
    }
    if (clients.empty()) {
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<ClientChannelInfo> ProducerManager::connections(std::string_view group) const {
  std::vector<ClientChannelInfo> out;
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [channel, info] : it->second) out.push_back(info);
  return out;
}

std::vector<std::string> ProducerManager::groups() const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  out.reserve(groups_.size());
  for (const auto& [name, clients] : groups_) out.push_back(name);
  return out;
}

std::optional<Channel> ProducerManager::latest_channel(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  const ClientChannelInfo* latest = nullptr;
  for (const auto& [channel, info] : it->second) {
    if (latest == nullptr || info.last_update_ms > latest->last_update_ms) latest = &info;
  }
  if (latest == nullptr) return std::nullopt;
  return latest->channel;
}

}  // namespace mq::core
