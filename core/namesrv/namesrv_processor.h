// NamesrvProcessor: the name server's request handlers, one per request code
// (remoting-protocol.md §3.1). Unknown codes get REQUEST_CODE_NOT_SUPPORTED; a request missing
// a required header field gets SYSTEM_ERROR naming the field. Connection closes remove the
// brokers that registered on that connection.
#pragma once

#include "config/broker_config.h"
#include "namesrv/route_info_manager.h"
#include "net/request_processor.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace spdlog {
class logger;
}

namespace mq::core {

class NamesrvProcessor final : public RequestProcessor {
 public:
  NamesrvProcessor(const NamesrvConfig& config, RouteInfoManager& routes,
                   std::shared_ptr<spdlog::logger> logger);

  void process(const Channel& channel, RemotingCommand request, Responder respond) override;
  void on_channel_close(const Channel& channel) override;

  // Wall clock used for liveness; replaceable in tests.
  std::function<std::int64_t()> now_ms;

 private:
  RemotingCommand register_broker(const Channel& channel, const RemotingCommand& request);
  RemotingCommand unregister_broker(const RemotingCommand& request);
  RemotingCommand route_by_topic(const RemotingCommand& request);
  RemotingCommand broker_cluster_info(const RemotingCommand& request);
  RemotingCommand all_topic_list(const RemotingCommand& request);
  RemotingCommand topics_by_cluster(const RemotingCommand& request);
  RemotingCommand delete_topic(const RemotingCommand& request);
  RemotingCommand query_data_version(const RemotingCommand& request);
  RemotingCommand write_permission(const RemotingCommand& request, bool writable);
  RemotingCommand put_kv_config(const RemotingCommand& request);
  RemotingCommand get_kv_config(const RemotingCommand& request);
  RemotingCommand delete_kv_config(const RemotingCommand& request);
  RemotingCommand kv_list_by_namespace(const RemotingCommand& request);

  const NamesrvConfig& config_;
  RouteInfoManager& routes_;
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex kv_mu_;
  // namespace -> key -> value (RocketMQ's KVConfigManager; kept in memory)
  std::map<std::string, std::map<std::string, std::string>> kv_;  // guarded by kv_mu_
};

}  // namespace mq::core
