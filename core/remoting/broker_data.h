// BrokerData: the addresses of one broker name (a master and its slaves), as listed in
// TopicRouteData and ClusterInfo (remoting-protocol.md §4.1, §4.2).
//
// JSON: {"brokerAddrs":{0:"10.0.0.5:10911",1:"10.0.0.6:10911"},"brokerName":"broker-a",
//        "cluster":"DefaultCluster"}
// brokerAddrs is a Java Map<Long,String>: fastjson writes its keys unquoted. The key style
// is the writer's choice (see IntKeyStyle and the integer-key rule in §1.5).
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <cstdint>
#include <map>
#include <string>

namespace mq::core {

inline constexpr std::int64_t kMasterBrokerId = 0;

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<std::int64_t, std::string> broker_addrs;  // brokerId -> "ip:port"; 0 is the master

  friend bool operator==(const BrokerData&, const BrokerData&) = default;

  // Keys are kInteger members, so the caller's IntKeyStyle decides 0: or "0":.
  JsonValue to_json_value() const;
  // Accepts brokerAddrs keys quoted or not. On failure (a key that is not an int64, a
  // member of the wrong type) returns kCorruption naming it.
  static sdk::Result<BrokerData> from_json_value(const JsonValue& value);
};

}  // namespace mq::core
