// TopicRouteData: the body of a GET_ROUTEINFO_BY_TOPIC (105) response
// (remoting-protocol.md §3.1, §4.1).
//
// Legacy form (what ali-ons and the Go client get):
//   {"brokerDatas":[{"brokerAddrs":{0:"10.0.0.5:10911"},"brokerName":"broker-a",
//     "cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":
//     "broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}
// Standard form: the same with "0": keys. route_key_style() picks one per request.
#pragma once

#include "mq/sdk/status.h"

#include "remoting/broker_data.h"
#include "remoting/json.h"
#include "remoting/queue_data.h"
#include "remoting/remoting_command.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

struct TopicRouteData {
  std::optional<std::string> order_topic_conf;  // "brokerName:queueNum;..."; omitted when null
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  // brokerAddr -> filter server addresses; always empty in 4.9.
  std::map<std::string, std::vector<std::string>, std::less<>> filter_server_table;

  friend bool operator==(const TopicRouteData&, const TopicRouteData&) = default;

  // Compact JSON with Java's key order; brokerAddrs keys spelled as `key_style` says.
  std::string to_json(IntKeyStyle key_style) const;
  // Accepts both key styles. On failure returns kCorruption naming the member.
  static sdk::Result<TopicRouteData> from_json(std::string_view text);
  static sdk::Result<TopicRouteData> from_json_value(const JsonValue& value);
};

// Requests from this version (V4_9_4) on get quoted route keys.
inline constexpr std::int32_t kVersionStandardRouteJson = 401;

// The integer-key rule of §1.5 for the route body answering `request`: quoted keys when the
// request's version is >= 401 or its extFields acceptStandardJsonOnly is "true" (any case),
// otherwise the legacy unquoted keys.
IntKeyStyle route_key_style(const RemotingCommand& request);

}  // namespace mq::core
