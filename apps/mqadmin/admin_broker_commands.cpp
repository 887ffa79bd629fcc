// mqadmin broker commands: brokerStatus (GET_BROKER_RUNTIME_INFO) and getBrokerConfig
// (GET_BROKER_CONFIG) (remoting-protocol.md §3.10).
#include "admin_context.h"

#include "remoting/kv_table.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <cstdio>

namespace mq::apps {

int broker_status(AdminContext& ctx) {
  auto addr = ctx.value("brokerAddr");
  if (!addr) return ctx.usage_error("brokerStatus needs -b BROKER_ADDR");
  auto response =
      ctx.call(*addr, core::RemotingCommand::request(core::request_code::kGetBrokerRuntimeInfo));
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  auto table = core::KvTable::from_json(response->body.as_string_view());
  if (!table.ok()) return ctx.fail("cannot read the runtime table: " + table.status().message());
  for (const auto& [key, value] : table->table) {  // a sorted map
    std::printf("%-32s: %s\n", key.c_str(), value.c_str());
  }
  return 0;
}

int get_broker_config(AdminContext& ctx) {
  auto addr = ctx.value("brokerAddr");
  if (!addr) return ctx.usage_error("getBrokerConfig needs -b BROKER_ADDR");
  auto response =
      ctx.call(*addr, core::RemotingCommand::request(core::request_code::kGetBrokerConfig));
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  const auto text = response->body.as_string_view();
  std::printf("============%s============\n", addr->c_str());
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!text.empty() && text.back() != '\n') std::printf("\n");
  return 0;
}

}  // namespace mq::apps
