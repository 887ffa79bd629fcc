// BrokerStats: the counters `mqadmin clusterList` / `brokerStatus` read from
// GET_BROKER_RUNTIME_INFO. Lock-free; updated on the request path.
#pragma once

#include <atomic>
#include <cstdint>

namespace mq::core {

struct BrokerStats {
  std::atomic<std::int64_t> messages_put{0};  // messages stored since start
  std::atomic<std::int64_t> bytes_put{0};
  std::atomic<std::int64_t> messages_got{0};  // messages handed to consumers since start
  std::atomic<std::int64_t> bytes_got{0};
  std::atomic<std::int64_t> put_failures{0};
};

}  // namespace mq::core
