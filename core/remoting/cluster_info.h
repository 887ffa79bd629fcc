// ClusterInfo: the body of a GET_BROKER_CLUSTER_INFO (106) response
// (remoting-protocol.md §3.1, §4.2). Java 4.9.7 always writes it with legacy unquoted
// brokerAddrs keys.
//
// JSON: {"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.5:10911"},
//        "brokerName":"broker-a","cluster":"DefaultCluster"}},
//        "clusterAddrTable":{"DefaultCluster":["broker-a"]}}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/broker_data.h"
#include "remoting/json.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace mq::core {

struct ClusterInfo {
  std::map<std::string, BrokerData, std::less<>> broker_addr_table;  // brokerName -> data
  // clusterName -> brokerNames
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> cluster_addr_table;

  friend bool operator==(const ClusterInfo&, const ClusterInfo&) = default;

  // Tables in key order; brokerAddrs keys unquoted unless `key_style` says otherwise.
  std::string to_json(IntKeyStyle key_style = IntKeyStyle::kUnquoted) const;
  // Accepts both key styles. On failure returns kCorruption naming the member.
  static sdk::Result<ClusterInfo> from_json(std::string_view text);
  static sdk::Result<ClusterInfo> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
