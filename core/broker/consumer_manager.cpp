#include "broker/consumer_manager.h"

namespace mq::core {
namespace {

// Equal in everything a pull filters by; subVersion is not compared.
bool same_filter(const SubscriptionData& a, const SubscriptionData& b) {
  return a.topic == b.topic && a.sub_string == b.sub_string && a.tags_set == b.tags_set &&
         a.code_set == b.code_set && a.expression_type == b.expression_type &&
         a.class_filter_mode == b.class_filter_mode;
}

}  // namespace

bool ConsumerManager::register_consumer(const std::string& group, const ClientChannelInfo& client,
                                        ConsumeType consume_type, MessageModel message_model,
                                        ConsumeFromWhere consume_from_where,
                                        const std::vector<SubscriptionData>& subscriptions,
                                        std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  Group& state = groups_[group];
  bool changed = false;

  state.consume_type = consume_type;
  state.message_model = message_model;
  state.consume_from_where = consume_from_where;
  state.last_update_ms = now_ms;

  ClientChannelInfo stored = client;
  stored.last_update_ms = now_ms;
  auto [member, inserted] = state.clients.try_emplace(client.channel, stored);
  if (inserted) {
    changed = true;
  } else {
    if (member->second.client_id != client.client_id) changed = true;
    member->second = std::move(stored);
  }

  for (const SubscriptionData& incoming : subscriptions) {
    auto [it, added] = state.subscriptions.try_emplace(incoming.topic, incoming);
    if (added) {
      changed = true;
    } else if (incoming.sub_version > it->second.sub_version) {
      if (!same_filter(it->second, incoming)) changed = true;
      it->second = incoming;
    }
  }
  const std::size_t before = state.subscriptions.size();
  std::erase_if(state.subscriptions, [&](const auto& entry) {
    for (const SubscriptionData& incoming : subscriptions) {
      if (incoming.topic == entry.first) return false;
    }
    return true;
  });
  if (state.subscriptions.size() != before) changed = true;
  return changed;
}

bool ConsumerManager::unregister_consumer(const std::string& group, const Channel& channel) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return false;
  if (it->second.clients.erase(channel) == 0) return false;
  if (it->second.clients.empty()) groups_.erase(it);
  return true;
}

std::vector<std::string> ConsumerManager::on_channel_closed(const Channel& channel) {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.clients.erase(channel) != 0) out.push_back(it->first);
    if (it->second.clients.empty()) {
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<std::pair<std::string, Channel>> ConsumerManager::scan_not_active(
    std::int64_t now_ms, std::int64_t expired_ms) {
  std::vector<std::pair<std::string, Channel>> out;
  std::lock_guard lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    auto& clients = it->second.clients;
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

std::vector<std::string> ConsumerManager::consumer_ids(std::string_view group) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  out.reserve(it->second.clients.size());
  for (const auto& [channel, info] : it->second.clients) out.push_back(info.client_id);
  return out;
}

std::vector<Channel> ConsumerManager::channels(std::string_view group) const {
  std::vector<Channel> out;
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  out.reserve(it->second.clients.size());
  for (const auto& [channel, info] : it->second.clients) out.push_back(info.channel);
  return out;
}

std::vector<ClientChannelInfo> ConsumerManager::connections(std::string_view group) const {
  std::vector<ClientChannelInfo> out;
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  out.reserve(it->second.clients.size());
  for (const auto& [channel, info] : it->second.clients) out.push_back(info);
  return out;
}

std::optional<ClientChannelInfo> ConsumerManager::find_client(std::string_view group,
                                                              std::string_view client_id) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  for (const auto& [channel, info] : it->second.clients) {
    if (info.client_id == client_id) return info;
  }
  return std::nullopt;
}

std::optional<SubscriptionData> ConsumerManager::find_subscription(std::string_view group,
                                                                   std::string_view topic) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  auto subscription = it->second.subscriptions.find(topic);
  if (subscription == it->second.subscriptions.end()) return std::nullopt;
  return subscription->second;
}

std::optional<MessageModel> ConsumerManager::message_model(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second.message_model;
}

std::optional<ConsumeType> ConsumerManager::consume_type(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second.consume_type;
}

std::optional<ConsumeFromWhere> ConsumerManager::consume_from_where(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second.consume_from_where;
}

std::optional<ConsumerGroupSnapshot> ConsumerManager::snapshot(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  const Group& state = it->second;
  ConsumerGroupSnapshot out;
  out.group = it->first;
  out.consume_type = state.consume_type;
  out.message_model = state.message_model;
  out.consume_from_where = state.consume_from_where;
  out.last_update_ms = state.last_update_ms;
  for (const auto& [channel, info] : state.clients) out.connections.push_back(info);
  for (const auto& [topic, subscription] : state.subscriptions) {
    out.subscriptions.push_back(subscription);
  }
  return out;
}

std::vector<std::string> ConsumerManager::groups() const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  out.reserve(groups_.size());
  for (const auto& [name, state] : groups_) out.push_back(name);
  return out;
}

std::vector<std::string> ConsumerManager::groups_subscribing(std::string_view topic) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (const auto& [name, state] : groups_) {
    if (state.subscriptions.contains(topic)) out.push_back(name);
  }
  return out;
}

}  // namespace mq::core
