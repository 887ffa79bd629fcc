// Real mqnamesrv and mqbroker processes for integration tests, on 127.0.0.1 with free ports
// and a fresh temp dir, plus a RemotingClient (over the real transport-tcp plugin) to talk to
// them.
#pragma once

#include "test_process.h"

#include "net/remoting_client.h"
#include "plugin_host/plugin_host.h"

#include <memory>
#include <string>
#include <vector>

namespace mq::test {

class LocalCluster {
 public:
  LocalCluster();
  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  // Starts a name server (once) and returns its address.
  std::string start_namesrv();
  // Starts the broker with conf/broker.properties-like defaults plus `extra` -o overrides,
  // waits until its port accepts connections; returns false (with its stderr) if it did not.
  bool start_broker(const std::vector<std::string>& extra = {});
  // SIGTERM and wait (clean stop); returns the exit code.
  int stop_broker();
  // SIGKILL, no clean-up at all.
  void kill_broker();

  std::string namesrv_address() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }
  std::string broker_address() const { return "127.0.0.1:" + std::to_string(broker_port_); }
  const std::string& store_dir() const { return store_dir_; }
  std::string broker_err() const { return broker_ ? broker_->err() + broker_->out() : ""; }
  const TempDir& dir() const { return dir_; }

  core::RemotingClient& client() { return *client_; }
  sdk::Result<core::RemotingCommand> call(const std::string& address, core::RemotingCommand request,
                                          std::int64_t timeout_ms = 5000);

 private:
  TempDir dir_;
  std::string store_dir_;
  int namesrv_port_ = 0;
  int broker_port_ = 0;
  std::unique_ptr<ChildProcess> namesrv_;
  std::unique_ptr<ChildProcess> broker_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions options_;
  core::PluginObject<sdk::Transport> transport_;
  std::unique_ptr<core::RemotingClient> client_;
};

}  // namespace mq::test
