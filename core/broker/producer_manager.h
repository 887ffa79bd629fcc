// ProducerManager: which client connections belong to which producer group, as learned from
// HEART_BEAT (remoting-protocol.md §3.4), UNREGISTER_CLIENT (§3.5) and closed channels.
// Transaction check-backs (CHECK_TRANSACTION_STATE) pick a channel of the producer group here.
// A group disappears with its last channel.
//
// Thread-safety: every method may be called from any thread (one mutex, held briefly; no I/O
// and no callbacks under it). Results are copies.
#pragma once

#include "broker/client_channel_info.h"
#include "net/channel.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mq::core {

class ProducerManager {
 public:
  // Registers (or refreshes) `client` in `group`. The caller stamps client.last_update_ms
  // with the heartbeat's arrival time; the stored entry is replaced by `client`.
  void register_producer(const std::string& group, const ClientChannelInfo& client);
  // Removes the channel from the group (and the group when it was the last member);
  // nothing happens when it is not registered there.
  void unregister_producer(const std::string& group, const Channel& channel);
  // Removes the channel from every group.
  void on_channel_closed(const Channel& channel);
  // Removes every registration whose last heartbeat is more than `expired_ms` before `now_ms`
  // and returns them as (group, channel), in group order; the caller closes those channels.
  std::vector<std::pair<std::string, Channel>> scan_not_active(std::int64_t now_ms,
                                                               std::int64_t expired_ms = 120000);

  // The group's registrations in channel order (empty for an unknown group).
  std::vector<ClientChannelInfo> connections(std::string_view group) const;
  // Groups with at least one registered channel, in name order.
  std::vector<std::string> groups() const;
  // The group's channel with the most recent heartbeat (for a transaction check-back);
  // nullopt when the group has none.
  std::optional<Channel> latest_channel(std::string_view group) const;

 private:
  using Groups = std::map<std::string, std::map<Channel, ClientChannelInfo>, std::less<>>;

  mutable std::mutex mu_;
  Groups groups_;  // guarded by mu_; no group is ever left without channels
};

}  // namespace mq::core
