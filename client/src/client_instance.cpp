#include "client_instance.h"

#include "message_codec.h"

#include "common/logging.h"
#include "net/local_socket.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_config.h"

#include <spdlog/logger.h>
#include <unistd.h>

#include <algorithm>

namespace mq::client {
namespace {

std::vector<std::string> split_addresses(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

TopicRoute derive(const std::string& topic, core::TopicRouteData data) {
  TopicRoute route;
  for (const auto& queue_data : data.queue_datas) {
    bool has_master = false;
    for (const auto& broker : data.broker_datas) {
      if (broker.broker_name == queue_data.broker_name &&
          broker.broker_addrs.contains(core::kMasterBrokerId)) {
        has_master = true;
      }
    }
    if ((queue_data.perm & core::kPermWrite) != 0 && has_master) {
      for (std::int32_t i = 0; i < queue_data.write_queue_nums; ++i) {
        route.publish_queues.push_back(MessageQueue{topic, queue_data.broker_name, i});
      }
    }
    if ((queue_data.perm & core::kPermRead) != 0) {
      for (std::int32_t i = 0; i < queue_data.read_queue_nums; ++i) {
        route.subscribe_queues.push_back(MessageQueue{topic, queue_data.broker_name, i});
      }
    }
  }
  std::sort(route.publish_queues.begin(), route.publish_queues.end());
  std::sort(route.subscribe_queues.begin(), route.subscribe_queues.end());
  route.data = std::move(data);
  return route;
}

}  // namespace

sdk::Status refusal(const core::RemotingCommand& response) {
  return sdk::Status(sdk::StatusCode::kInternal,
                     std::string(core::response_code_name(response.code)) + " (" +
                         std::to_string(response.code) + "): " + response.remark.value_or(""));
}

ClientInstance::ClientInstance(InstanceOptions options, core::RequestProcessor* push_processor)
    : options_(std::move(options)),
      namesrv_addrs_(split_addresses(options_.namesrv_addr)),
      push_processor_(push_processor) {
  const std::string instance =
      options_.instance_name.empty() ? std::to_string(getpid()) : options_.instance_name;
  client_id_ = local_ipv4() + "@" + instance;
}

ClientInstance::~ClientInstance() { stop(); }

sdk::Status ClientInstance::start() {
  if (namesrv_addrs_.empty()) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "no name server address: set namesrv_addr to \"host:port\"");
  }
  logger_ = core::make_console_logger("mqclient", "warn");
  const std::filesystem::path dir = options_.plugin_dir.empty()
                                        ? core::PluginHost::default_plugin_dir()
                                        : std::filesystem::path(options_.plugin_dir);
  host_ = std::make_unique<core::PluginHost>(logger_, dir);
  auto library = host_->load(options_.transport_plugin, sdk::Seam::kTransport, "transportPlugins");
  if (!library.ok()) return library.status();
  transport_options_.connect_timeout_ms = 3000;
  sdk::PluginConfig config;
  config.transport = &transport_options_;
  auto transport = host_->create<sdk::Transport>(library.value(), std::move(config));
  if (!transport.ok()) return transport.status();
  transport_ = std::move(transport).value();
  std::vector<sdk::Transport*> transports{transport_.get()};
  // Unix sockets for servers on this host: only when the plugin is installed; never required.
  if (!options_.unix_socket_dir.empty() && options_.transport_plugin != "transport-uds" &&
      std::filesystem::exists(dir / "transport-uds.so")) {
    auto uds = host_->load("transport-uds", sdk::Seam::kTransport, "transportPlugins");
    if (uds.ok()) {
      sdk::PluginConfig uds_config;
      uds_config.transport = &transport_options_;
      auto created = host_->create<sdk::Transport>(uds.value(), std::move(uds_config));
      if (created.ok()) {
        local_transport_ = std::move(created).value();
        transports.push_back(local_transport_.get());
      }
    }
  }
  remoting_ = std::make_unique<core::RemotingClient>(transports, push_processor_);
  if (local_transport_) {
    remoting_->set_dial_address_mapper([dir = options_.unix_socket_dir](std::string_view address) {
      return core::prefer_local_socket(address, dir);
    });
  }
  return sdk::Status::ok();
}

void ClientInstance::stop() {
  scheduler_.stop();
  remoting_.reset();
  if (transport_) transport_->stop();
  if (local_transport_) local_transport_->stop();
  transport_.reset();
  local_transport_.reset();
}

core::RemotingCommand ClientInstance::request(std::int32_t code) {
  auto command = core::RemotingCommand::request(code);
  command.language = core::LanguageCode::kCpp;
  return command;
}

core::RemotingCommand ClientInstance::copy(const core::RemotingCommand& command) {
  core::RemotingCommand out;
  out.code = command.code;
  out.language = command.language;
  out.version = command.version;
  out.flag = command.flag;
  out.remark = command.remark;
  out.ext_fields = command.ext_fields;
  out.serialize_type = command.serialize_type;
  out.body = sdk::Bytes::copy_of(command.body.view());
  return out;
}

sdk::Result<core::RemotingCommand> ClientInstance::invoke_namesrv(
    const core::RemotingCommand& request) {
  sdk::Status last(sdk::StatusCode::kUnavailable, "no name server address");
  std::size_t first;
  {
    std::lock_guard lock(mu_);
    first = namesrv_index_;
  }
  for (std::size_t i = 0; i < namesrv_addrs_.size(); ++i) {
    const std::size_t index = (first + i) % namesrv_addrs_.size();
    auto response =
        remoting_->invoke(namesrv_addrs_[index], copy(request), options_.rpc_timeout_ms);
    if (response.ok()) {
      std::lock_guard lock(mu_);
      namesrv_index_ = index;  // stick to the one that answers
      return response;
    }
    last = sdk::Status(response.status().code(),
                       "no name server answered: " + response.status().message());
  }
  return last;
}

sdk::Result<std::shared_ptr<const TopicRoute>> ClientInstance::fetch_route(
    const std::string& topic) {
  auto request = ClientInstance::request(core::request_code::kGetRouteinfoByTopic);
  request.set("topic", topic);
  auto response = invoke_namesrv(request);
  if (!response.ok()) return response.status();
  if (response->code == core::response_code::kTopicNotExist) {
    return sdk::Status(sdk::StatusCode::kNotFound,
                       "no route for topic " + topic + ": " + response->remark.value_or(""));
  }
  if (response->code != core::response_code::kSuccess) return refusal(response.value());
  auto data = core::TopicRouteData::from_json(response->body.as_string_view());
  if (!data.ok()) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "route of " + topic + " does not parse: " + data.status().message());
  }
  return std::make_shared<const TopicRoute>(derive(topic, std::move(data).value()));
}

void ClientInstance::remember(const std::string& topic, std::shared_ptr<const TopicRoute> route) {
  std::lock_guard lock(mu_);
  for (const auto& broker : route->data.broker_datas) {
    broker_table_[broker.broker_name] = broker.broker_addrs;
  }
  routes_[topic] = std::move(route);
}

sdk::Result<std::shared_ptr<const TopicRoute>> ClientInstance::route(const std::string& topic,
                                                                     bool refresh) {
  if (!refresh) {
    std::lock_guard lock(mu_);
    auto it = routes_.find(topic);
    if (it != routes_.end()) return it->second;
  }
  auto fetched = fetch_route(topic);
  if (!fetched.ok()) return fetched.status();
  remember(topic, fetched.value());
  return fetched;
}

sdk::Result<std::shared_ptr<const TopicRoute>> ClientInstance::default_route(
    const std::string& topic, std::int32_t queue_nums) {
  auto fetched = fetch_route(std::string(kDefaultTopic));
  if (!fetched.ok()) return fetched.status();
  core::TopicRouteData data = fetched.value()->data;
  for (auto& queue_data : data.queue_datas) {
    queue_data.write_queue_nums = std::min(queue_data.write_queue_nums, queue_nums);
    queue_data.read_queue_nums = std::min(queue_data.read_queue_nums, queue_nums);
  }
  auto route = std::make_shared<const TopicRoute>(derive(topic, std::move(data)));
  std::lock_guard lock(mu_);
  for (const auto& broker : route->data.broker_datas) {
    broker_table_[broker.broker_name] = broker.broker_addrs;
  }
  return route;
}

void ClientInstance::refresh_routes() {
  std::vector<std::string> topics;
  {
    std::lock_guard lock(mu_);
    for (const auto& [topic, route] : routes_) topics.push_back(topic);
  }
  for (const auto& topic : topics) {
    auto fetched = fetch_route(topic);
    if (fetched.ok()) {
      remember(topic, fetched.value());
    } else {
      logger_->warn("route refresh of {} failed: {}", topic, fetched.status().to_string());
    }
  }
}

std::optional<std::string> ClientInstance::broker_addr(const std::string& broker_name,
                                                       std::int64_t id) {
  std::lock_guard lock(mu_);
  auto broker = broker_table_.find(broker_name);
  if (broker == broker_table_.end()) return std::nullopt;
  auto addr = broker->second.find(id);
  if (addr == broker->second.end()) return std::nullopt;
  return addr->second;
}

std::optional<std::string> ClientInstance::readable_broker_addr(const std::string& broker_name,
                                                                std::int64_t preferred_id) {
  std::lock_guard lock(mu_);
  auto broker = broker_table_.find(broker_name);
  if (broker == broker_table_.end() || broker->second.empty()) return std::nullopt;
  if (auto addr = broker->second.find(preferred_id); addr != broker->second.end()) {
    return addr->second;
  }
  if (auto addr = broker->second.find(core::kMasterBrokerId); addr != broker->second.end()) {
    return addr->second;
  }
  return broker->second.begin()->second;
}

std::vector<std::string> ClientInstance::broker_addrs(bool masters_only) {
  std::set<std::string> out;
  std::lock_guard lock(mu_);
  for (const auto& [name, addrs] : broker_table_) {
    for (const auto& [id, addr] : addrs) {
      if (!masters_only || id == core::kMasterBrokerId) out.insert(addr);
    }
  }
  return {out.begin(), out.end()};
}

void ClientInstance::send_heartbeat(const core::HeartbeatData& data, bool masters_only) {
  const std::string body = data.to_json();
  for (const auto& addr : broker_addrs(masters_only)) {
    auto request = ClientInstance::request(core::request_code::kHeartBeat);
    request.body = sdk::Bytes::copy_of(body);
    auto response = remoting_->invoke(addr, std::move(request), options_.rpc_timeout_ms);
    if (!response.ok()) {
      logger_->warn("heartbeat to {} failed: {}", addr, response.status().to_string());
    } else if (response->code != core::response_code::kSuccess) {
      logger_->warn("heartbeat to {} refused: {}", addr, refusal(response.value()).message());
    }
  }
}

void ClientInstance::unregister(const std::string& producer_group,
                                const std::string& consumer_group, bool masters_only) {
  for (const auto& addr : broker_addrs(masters_only)) {
    auto request = ClientInstance::request(core::request_code::kUnregisterClient);
    request.set("clientID", client_id_);
    if (!producer_group.empty()) request.set("producerGroup", producer_group);
    if (!consumer_group.empty()) request.set("consumerGroup", consumer_group);
    auto response = remoting_->invoke(addr, std::move(request), options_.rpc_timeout_ms);
    if (!response.ok()) {
      logger_->warn("unregister from {} failed: {}", addr, response.status().to_string());
    }
  }
}

std::vector<MessageQueue> allocate_averagely(const std::vector<MessageQueue>& sorted_queues,
                                             const std::vector<std::string>& sorted_consumer_ids,
                                             const std::string& me) {
  auto position = std::find(sorted_consumer_ids.begin(), sorted_consumer_ids.end(), me);
  if (position == sorted_consumer_ids.end() || sorted_queues.empty()) return {};
  const std::size_t index = static_cast<std::size_t>(position - sorted_consumer_ids.begin());
  const std::size_t queues = sorted_queues.size();
  const std::size_t consumers = sorted_consumer_ids.size();
  const std::size_t remainder = queues % consumers;
  const std::size_t average = queues <= consumers                    ? 1
                              : (remainder > 0 && index < remainder) ? queues / consumers + 1
                                                                     : queues / consumers;
  const std::size_t start =
      (remainder > 0 && index < remainder) ? index * average : index * average + remainder;
  std::vector<MessageQueue> out;
  for (std::size_t i = 0; start + i < queues && i < average; ++i) {
    out.push_back(sorted_queues[start + i]);
  }
  return out;
}

}  // namespace mq::client
