#include "broker/name_server_registrar.h"

#include "remoting/register_broker_body.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>
#include <zlib.h>

#include <future>
#include <vector>

namespace mq::core {
namespace {

constexpr std::int64_t kRegisterTimeoutMs = 6000;

}  // namespace

NameServerRegistrar::NameServerRegistrar(const BrokerConfig& config, TopicConfigTable& topics,
                                         RemotingClient& client,
                                         std::shared_ptr<spdlog::logger> logger)
    : config_(config), topics_(topics), client_(client), logger_(std::move(logger)) {}

std::string NameServerRegistrar::broker_address() const {
  return config_.identity.broker_ip + ":" + std::to_string(config_.identity.listen_port);
}

std::string NameServerRegistrar::ha_server_address() const {
  const std::string& ip =
      config_.broker_ip2.empty() ? config_.identity.broker_ip : config_.broker_ip2;
  return ip + ":" + std::to_string(config_.replication.ha_listen_port);
}

std::string NameServerRegistrar::master_ha_address() const {
  std::lock_guard lock(mu_);
  return master_ha_address_;
}

std::string NameServerRegistrar::master_address() const {
  std::lock_guard lock(mu_);
  return master_address_;
}

int NameServerRegistrar::register_all() {
  RegisterBrokerBody body;
  body.topic_config_serialize_wrapper = topics_.snapshot();
  if ((config_.broker_permission & (kPermRead | kPermWrite)) != (kPermRead | kPermWrite)) {
    // A broker that is not read-write advertises its own permission on every topic, as Java.
    for (auto& [name, topic] : body.topic_config_serialize_wrapper.topic_config_table) {
      topic.perm = config_.broker_permission;
    }
  }
  const std::string json = body.to_json();
  const auto crc = static_cast<std::int64_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(json.data()), static_cast<uInt>(json.size())) &
      0x7FFFFFFF);

  std::vector<std::pair<std::string, std::future<sdk::Result<RemotingCommand>>>> calls;
  for (const auto& addr : config_.namesrv_addrs) {
    auto request = RemotingCommand::request(request_code::kRegisterBroker);
    request.set("brokerAddr", broker_address());
    request.set("brokerId", config_.identity.broker_id);
    request.set("brokerName", config_.identity.broker_name);
    request.set("clusterName", config_.identity.cluster_name);
    request.set("haServerAddr", ha_server_address());
    request.set("compressed", "false");
    request.set("bodyCrc32", crc);
    request.body = sdk::Bytes::copy_of(json);
    auto promise = std::make_shared<std::promise<sdk::Result<RemotingCommand>>>();
    calls.emplace_back(addr, promise->get_future());
    client_.invoke_async(
        addr, std::move(request), kRegisterTimeoutMs,
        [promise](sdk::Result<RemotingCommand> r) { promise->set_value(std::move(r)); });
  }
  int accepted = 0;
  for (auto& [addr, future] : calls) {
    auto response = future.get();
    if (!response.ok()) {
      logger_->warn("register to name server {} failed: {}", addr, response.status().message());
      continue;
    }
    if (response->code != response_code::kSuccess) {
      logger_->warn("name server {} refused the registration: {} {}", addr, response->code,
                    response->remark.value_or(""));
      continue;
    }
    ++accepted;
    auto master = response->get("masterAddr");
    auto master_ha = response->get("haServerAddr");
    if (config_.identity.broker_id != 0 && master && master_ha) {
      std::lock_guard lock(mu_);
      master_address_ = std::string(*master);
      master_ha_address_ = std::string(*master_ha);
    }
  }
  return accepted;
}

void NameServerRegistrar::unregister_all() {
  std::vector<std::pair<std::string, std::future<sdk::Result<RemotingCommand>>>> calls;
  for (const auto& addr : config_.namesrv_addrs) {
    auto request = RemotingCommand::request(request_code::kUnregisterBroker);
    request.set("brokerAddr", broker_address());
    request.set("brokerId", config_.identity.broker_id);
    request.set("brokerName", config_.identity.broker_name);
    request.set("clusterName", config_.identity.cluster_name);
    auto promise = std::make_shared<std::promise<sdk::Result<RemotingCommand>>>();
    calls.emplace_back(addr, promise->get_future());
    client_.invoke_async(addr, std::move(request), 3000, [promise](sdk::Result<RemotingCommand> r) {
      promise->set_value(std::move(r));
    });
  }
  for (auto& [addr, future] : calls) {
    auto response = future.get();
    if (response.ok() && response->code == response_code::kSuccess) {
      logger_->info("unregistered from name server {}", addr);
    } else {
      logger_->warn("unregister from name server {} failed: {}", addr,
                    response.ok() ? response->remark.value_or("") : response.status().message());
    }
  }
}

}  // namespace mq::core
