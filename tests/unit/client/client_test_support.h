// A real mqnamesrv child process plus a FakeBroker registered with it: the world client
// tests run in. Also a small polling helper for conditions reached on other threads.
#pragma once

#include "fake_broker.h"
#include "test_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace mq::test {

// Polls `condition` until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

class ClientWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    namesrv_port_ = free_port();
    namesrv_ = std::make_unique<ChildProcess>(
        bin_path("mqnamesrv"),
        std::vector<std::string>{"-o", "listenPort=" + std::to_string(namesrv_port_), "-o",
                                 "listenAddress=127.0.0.1", "-o", "logDir=" + dir_.path()},
        dir_.path());
    ASSERT_TRUE(wait_for_port(namesrv_port_, std::chrono::seconds(10))) << namesrv_->err();
    broker_ = std::make_unique<FakeBroker>(plugin_dir());
    broker_->add_topic("TopicTest", 4);
    ASSERT_TRUE(broker_->register_with(namesrv()));
  }

  void TearDown() override {
    broker_.reset();
    if (namesrv_) namesrv_->terminate();
  }

  std::string namesrv() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }

  TempDir dir_;
  int namesrv_port_ = 0;
  std::unique_ptr<ChildProcess> namesrv_;
  std::unique_ptr<FakeBroker> broker_;
};

}  // namespace mq::test
