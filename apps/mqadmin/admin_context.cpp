#include "admin_context.h"

#include "common/app_support.h"
#include "common/logging.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace mq::apps {

AdminContext::AdminContext(CommandLine args, std::string usage)
    : args_(std::move(args)), usage_(std::move(usage)) {}

AdminContext::~AdminContext() {
  client_.reset();
  for (auto& t : transports_) t->stop();
  transports_.clear();
}

std::vector<std::string> AdminContext::namesrv_addrs() const {
  std::string text;
  if (auto n = args_.value("namesrvAddr")) {
    text = *n;
  } else if (const char* env = std::getenv("NAMESRV_ADDR")) {  // NOLINT(concurrency-mt-unsafe)
    text = env;
  } else {
    text = "127.0.0.1:9876";
  }
  std::vector<std::string> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ';')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string AdminContext::namesrv_text() const {
  std::string out;
  for (const auto& addr : namesrv_addrs()) {
    if (!out.empty()) out += ";";
    out += addr;
  }
  return out;
}

sdk::Status AdminContext::connect() {
  logger_ = core::make_console_logger(kAdminProgram, "warn");
  host_ = std::make_unique<core::PluginHost>(logger_, core::PluginHost::default_plugin_dir());
  options_.connect_timeout_ms = 3000;
  // TCP always; Unix sockets too when installed, so `-n unix:/path` and `-b unix:/path` work.
  std::vector<std::string> names{"transport-tcp"};
  if (std::filesystem::exists(host_->plugin_dir() / "transport-uds.so")) {
    names.push_back("transport-uds");
  }
  auto transports = create_transports(*host_, names, options_, nullptr);
  if (!transports.ok()) return transports.status();
  transports_ = std::move(transports).value();
  std::vector<sdk::Transport*> raw;
  for (auto& t : transports_) raw.push_back(t.get());
  client_ = std::make_unique<core::RemotingClient>(raw);
  return sdk::Status::ok();
}

sdk::Result<core::RemotingCommand> AdminContext::call_namesrv(
    const core::RemotingCommand& request) {
  sdk::Status last(sdk::StatusCode::kUnavailable, "no name server address");
  for (const auto& addr : namesrv_addrs()) {
    auto response = client_->invoke(addr, clone(request), kAdminTimeoutMs);
    if (response.ok()) return response;
    last = sdk::Status(response.status().code(),
                       "no name server answered: " + response.status().message());
  }
  return last;
}

sdk::Result<core::RemotingCommand> AdminContext::call(const std::string& addr,
                                                      const core::RemotingCommand& request) {
  return client_->invoke(addr, clone(request), kAdminTimeoutMs);
}

sdk::Result<core::ClusterInfo> AdminContext::cluster_info() {
  auto response =
      call_namesrv(core::RemotingCommand::request(core::request_code::kGetBrokerClusterInfo));
  if (!response.ok()) return response.status();
  if (response->code != core::response_code::kSuccess) {
    return sdk::Status(sdk::StatusCode::kInternal,
                       "name server answered " +
                           std::string(core::response_code_name(response->code)) + ": " +
                           response->remark.value_or(""));
  }
  auto info = core::ClusterInfo::from_json(response->body.as_string_view());
  if (!info.ok()) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "cannot read the cluster info: " + info.status().message());
  }
  return info;
}

sdk::Result<std::vector<std::pair<std::string, std::string>>> AdminContext::masters(
    const std::string& cluster) {
  auto info = cluster_info();
  if (!info.ok()) return info.status();
  std::vector<std::string> names;
  if (cluster.empty()) {
    for (const auto& [name, data] : info->broker_addr_table) names.push_back(name);
  } else {
    auto it = info->cluster_addr_table.find(cluster);
    if (it == info->cluster_addr_table.end()) {
      return sdk::Status(sdk::StatusCode::kNotFound,
                         "the name server knows no cluster named " + cluster);
    }
    names.assign(it->second.begin(), it->second.end());
  }
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : names) {
    auto broker = info->broker_addr_table.find(name);
    if (broker == info->broker_addr_table.end()) continue;
    auto master = broker->second.broker_addrs.find(core::kMasterBrokerId);
    if (master != broker->second.broker_addrs.end()) out.emplace_back(name, master->second);
  }
  return out;
}

core::RemotingCommand AdminContext::clone(const core::RemotingCommand& request) {
  core::RemotingCommand copy;
  copy.code = request.code;
  copy.language = request.language;
  copy.version = request.version;
  copy.flag = request.flag;
  copy.remark = request.remark;
  copy.ext_fields = request.ext_fields;
  copy.serialize_type = request.serialize_type;
  copy.body = sdk::Bytes::copy_of(request.body.view());
  return copy;
}

int AdminContext::fail(const std::string& message) const {
  print_error(kAdminProgram, message);
  return kExitRuntimeError;
}

int AdminContext::refused(const core::RemotingCommand& response) const {
  return fail("server answered " + std::string(core::response_code_name(response.code)) + " (" +
              std::to_string(response.code) + "): " + response.remark.value_or(""));
}

int AdminContext::usage_error(const std::string& message) const {
  print_error(kAdminProgram, message);
  std::fputs(usage_.c_str(), stderr);
  return kExitConfigError;
}

}  // namespace mq::apps
