// ConsumerManager: which client connections belong to which consumer group, and what each
// group subscribes to, as learned from HEART_BEAT (remoting-protocol.md §3.4), UNREGISTER_CLIENT
// (§3.5) and closed channels. It answers GET_CONSUMER_LIST_BY_GROUP (§3.6) and gives the pull
// handler the group's subscription when a pull carries none (§3.3, precondition 7).
//
// Per group it keeps the channels (each with its ClientChannelInfo), one subscription per
// topic (shared by every member, as in RocketMQ), and the consume type, message model and
// consume-from-where of the latest heartbeat. A group disappears with its last channel.
//
// Notifications are the caller's job: the methods that change membership or subscriptions say
// so in their result, and the caller sends NOTIFY_CONSUMER_IDS_CHANGED (40) to the group's
// channels() when the group's notifyConsumerIdsChangedEnable allows it.
//
// Thread-safety: every method may be called from any thread (one mutex, held briefly; no I/O
// and no callbacks under it). Results are copies.
#pragma once

#include "broker/client_channel_info.h"
#include "net/channel.h"
#include "remoting/consumer_data.h"
#include "remoting/subscription_data.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mq::core {

// A copy of one group's state (GET_CONSUMER_CONNECTION_LIST and similar admin answers).
struct ConsumerGroupSnapshot {
  std::string group;
  ConsumeType consume_type = ConsumeType::kConsumePassively;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;
  std::vector<ClientChannelInfo> connections;   // in channel order
  std::vector<SubscriptionData> subscriptions;  // in topic order
  std::int64_t last_update_ms = 0;              // the latest heartbeat of any member
};

class ConsumerManager {
 public:
  // Registers (or refreshes) `client` in `group` from a heartbeat received at `now_ms`; the
  // stored entry takes every field of `client` except last_update_ms, which becomes `now_ms`.
  // The group's consume type, message model and consume-from-where become the given ones.
  //
  // Subscriptions, by topic, following RocketMQ's ConsumerGroupInfo:
  //  * a topic the group did not subscribe to is added;
  //  * an existing subscription is replaced only by one with a greater subVersion (an older or
  //    equal one is ignored, so members whose heartbeats carry different subVersions do not
  //    flip the stored one back and forth);
  //  * a topic missing from `subscriptions` is removed from the group.
  //
  // Returns true when the caller should notify the group: the channel is new to the group,
  // the channel's client id changed, a topic was added or removed, or a replacement changed
  // the subscription's content (expression, type, tags, codes, class filter mode). Replacing
  // a subscription only to raise its subVersion (Java clients do this after every rebalance)
  // returns false, so a notify does not trigger a chain of rebalances.
  bool register_consumer(const std::string& group, const ClientChannelInfo& client,
                         ConsumeType consume_type, MessageModel message_model,
                         ConsumeFromWhere consume_from_where,
                         const std::vector<SubscriptionData>& subscriptions, std::int64_t now_ms);

  // Removes the channel from the group (and the group when it was the last member). True if
  // the channel was registered in the group.
  bool unregister_consumer(const std::string& group, const Channel& channel);

  // Removes the channel from every group; returns the groups it was in (in name order),
  // including groups that disappeared because it was their last member.
  std::vector<std::string> on_channel_closed(const Channel& channel);

  // Removes every registration whose last heartbeat is more than `expired_ms` before `now_ms`
  // and returns them as (group, channel), in group order; the caller closes those channels
  // and notifies the groups. Groups left without members disappear.
  std::vector<std::pair<std::string, Channel>> scan_not_active(std::int64_t now_ms,
                                                               std::int64_t expired_ms = 120000);

  // Client ids of the group's registered channels (empty for an unknown group), in channel
  // order; a client id registered on two channels appears twice.
  std::vector<std::string> consumer_ids(std::string_view group) const;
  std::vector<Channel> channels(std::string_view group) const;
  std::vector<ClientChannelInfo> connections(std::string_view group) const;
  // The registration of `client_id` in the group, if any.
  std::optional<ClientChannelInfo> find_client(std::string_view group,
                                               std::string_view client_id) const;

  // The group's subscription to `topic`; nullopt when the group is unknown or does not
  // subscribe to it.
  std::optional<SubscriptionData> find_subscription(std::string_view group,
                                                    std::string_view topic) const;
  // From the group's latest heartbeat; nullopt for an unknown group.
  std::optional<MessageModel> message_model(std::string_view group) const;
  std::optional<ConsumeType> consume_type(std::string_view group) const;
  std::optional<ConsumeFromWhere> consume_from_where(std::string_view group) const;
  std::optional<ConsumerGroupSnapshot> snapshot(std::string_view group) const;

  // Groups with at least one registered channel, in name order.
  std::vector<std::string> groups() const;
  // Groups that subscribe to `topic`, in name order.
  std::vector<std::string> groups_subscribing(std::string_view topic) const;

 private:
  struct Group {
    std::map<Channel, ClientChannelInfo> clients;
    std::map<std::string, SubscriptionData, std::less<>> subscriptions;  // by topic
    ConsumeType consume_type = ConsumeType::kConsumePassively;
    MessageModel message_model = MessageModel::kClustering;
    ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;
    std::int64_t last_update_ms = 0;
  };
  using Groups = std::map<std::string, Group, std::less<>>;

  mutable std::mutex mu_;
  Groups groups_;  // guarded by mu_; no group is ever left without clients
};

}  // namespace mq::core
