// KvTable (Java KVTable): a string-to-string table, the body of GET_BROKER_RUNTIME_INFO (28)
// responses and of REGISTER_BROKER (103) responses (remoting-protocol.md §3.1, §3.10, §4.3).
//
// JSON: {"table":{"k":"v"}}
#pragma once

#include "mq/sdk/status.h"

#include "remoting/json.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace mq::core {

struct KvTable {
  std::map<std::string, std::string, std::less<>> table;

  friend bool operator==(const KvTable&, const KvTable&) = default;

  // Entries in key order.
  std::string to_json() const;
  // Scalar values of any type become their text (json_to_text); null values are skipped.
  // On failure returns kCorruption naming the member.
  static sdk::Result<KvTable> from_json(std::string_view text);
};

}  // namespace mq::core
