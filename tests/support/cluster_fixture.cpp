#include "cluster_fixture.h"

#include "common/logging.h"

#include <chrono>
#include <stdexcept>

namespace mq::test {

using namespace std::chrono_literals;

LocalCluster::LocalCluster() : store_dir_(dir_.path() + "/store") {
  logger_ = core::make_console_logger("test", "error");
  host_ = std::make_unique<core::PluginHost>(logger_, plugin_dir());
  auto library = host_->load("transport-tcp", sdk::Seam::kTransport, "transportPlugins");
  if (!library.ok()) throw std::runtime_error(library.status().to_string());
  sdk::PluginConfig config;
  config.transport = &options_;
  auto transport = host_->create<sdk::Transport>(library.value(), std::move(config));
  if (!transport.ok()) throw std::runtime_error(transport.status().to_string());
  transport_ = std::move(transport).value();
  client_ = std::make_unique<core::RemotingClient>(std::vector<sdk::Transport*>{transport_.get()});
}

LocalCluster::~LocalCluster() {
  client_.reset();
  if (transport_) transport_->stop();
  transport_.reset();
  if (broker_) broker_->terminate();
  if (namesrv_) namesrv_->terminate();
}

std::string LocalCluster::start_namesrv() {
  if (!namesrv_) {
    namesrv_port_ = free_port_block(1);
    namesrv_ = std::make_unique<ChildProcess>(
        bin_path("mqnamesrv"),
        std::vector<std::string>{"-o", "listenPort=" + std::to_string(namesrv_port_), "-o",
                                 "listenAddress=127.0.0.1", "-o",
                                 "logDir=" + dir_.path() + "/logs"},
        dir_.path());
    if (!wait_for_port(namesrv_port_, 10s)) throw std::runtime_error("mqnamesrv did not start");
  }
  return namesrv_address();
}

bool LocalCluster::start_broker(const std::vector<std::string>& extra) {
  start_namesrv();
  if (broker_port_ == 0) {
    // The fast port (listenPort - 2) and the HA port (listenPort + 1) must be free too.
    broker_port_ = free_port_block(4) + 2;
  }
  std::vector<std::string> args{"-o", "brokerClusterName=DefaultCluster",
                                "-o", "brokerName=broker-a",
                                "-o", "brokerIP1=127.0.0.1",
                                "-o", "listenPort=" + std::to_string(broker_port_),
                                "-o", "namesrvAddr=" + namesrv_address(),
                                "-o", "storePathRootDir=" + store_dir_,
                                "-o", "logDir=" + dir_.path() + "/logs",
                                "-o", "mappedFileSizeCommitLog=8388608",
                                "-o", "mappedFileSizeConsumeQueue=6000"};
  args.insert(args.end(), extra.begin(), extra.end());
  broker_ = std::make_unique<ChildProcess>(bin_path("mqbroker"), args, dir_.path());
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!broker_->running()) return false;
    if (wait_for_port(broker_port_, 100ms)) {
      // Listening comes before the first registration; wait for "boot success".
      if (broker_->out().find("boot success") != std::string::npos) return true;
    }
  }
  return false;
}

int LocalCluster::stop_broker() {
  if (!broker_) return -1;
  int code = broker_->terminate();
  client_->close(broker_address());
  client_->close(broker_address());
  return code;
}

void LocalCluster::kill_broker() {
  if (broker_) broker_->kill();
  client_->close(broker_address());
}

sdk::Result<core::RemotingCommand> LocalCluster::call(const std::string& address,
                                                      core::RemotingCommand request,
                                                      std::int64_t timeout_ms) {
  return client_->invoke(address, std::move(request), timeout_ms);
}

}  // namespace mq::test
