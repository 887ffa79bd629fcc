// Master/slave on real processes: a name server, a master and its slave on 127.0.0.1 with
// fresh temp dirs. Routes list both, the slave holds the master's records byte for byte,
// nothing acknowledged under SYNC_MASTER + SYNC_FLUSH is lost when the master is SIGKILLed,
// consumers continue from the slave at their committed offsets, the async slave's lag is
// visible, a lone SYNC_MASTER answers SLAVE_NOT_AVAILABLE, and a restarted slave resumes.
#include "mq/client/push_consumer.h"
#include "test_process.h"

#include "mq/sdk/stored_record.h"

#include "common/logging.h"
#include "net/remoting_client.h"
#include "plugin_host/plugin_host.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_route_data.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace mq::test {
namespace {

using namespace std::chrono_literals;
using core::RemotingCommand;
namespace rc = core::request_code;
namespace resp = core::response_code;

constexpr const char* kTopic = "HaTopic";

bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(8000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

RemotingCommand send_request(std::int32_t queue, const std::string& body) {
  auto request = RemotingCommand::request(rc::kSendMessageV2);
  request.set("a", "PG");
  request.set("b", kTopic);
  request.set("c", "TBW102");
  request.set("d", std::int64_t{4});
  request.set("e", std::int64_t{queue});
  request.set("f", std::int64_t{0});
  request.set("g", std::int64_t{1700000000000});
  request.set("h", std::int64_t{0});
  request.set("i", std::string("TAGS\x01") + "T" + "\x02");
  request.set("j", std::int64_t{0});
  request.set("k", "false");
  request.body = sdk::Bytes::copy_of(body);
  return request;
}

RemotingCommand pull_request(std::int32_t queue, std::int64_t offset) {
  auto request = RemotingCommand::request(rc::kPullMessage);
  request.set("consumerGroup", "CG");
  request.set("topic", kTopic);
  request.set("queueId", std::int64_t{queue});
  request.set("queueOffset", offset);
  request.set("maxMsgNums", std::int64_t{32});
  request.set("sysFlag", std::int64_t{4});
  request.set("commitOffset", std::int64_t{0});
  request.set("suspendTimeoutMillis", std::int64_t{0});
  request.set("subscription", "*");
  request.set("subVersion", std::int64_t{1});
  return request;
}

RemotingCommand queue_request(std::int32_t code, std::int32_t queue) {
  auto request = RemotingCommand::request(code);
  request.set("consumerGroup", "CG");
  request.set("topic", kTopic);
  request.set("queueId", std::int64_t{queue});
  return request;
}

std::vector<std::string> bodies_of(const RemotingCommand& response) {
  std::vector<std::string> out;
  sdk::ByteView data = response.body.view();
  while (!data.empty()) {
    sdk::record::StoredRecord record;
    if (sdk::record::decode_record(data, &record, true) != sdk::record::DecodeStatus::kOk) break;
    out.emplace_back(reinterpret_cast<const char*>(record.body.data()), record.body.size());
    data = data.subspan(static_cast<std::size_t>(record.total_size));
  }
  return out;
}

class MasterSlaveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = core::make_console_logger("test", "error");
    host_ = std::make_unique<core::PluginHost>(logger_, plugin_dir());
    auto library = host_->load("transport-tcp", sdk::Seam::kTransport, "transportPlugins");
    if (!library.ok()) throw std::runtime_error(library.status().to_string());
    sdk::PluginConfig config;
    config.transport = &options_;
    auto transport = host_->create<sdk::Transport>(library.value(), std::move(config));
    if (!transport.ok()) throw std::runtime_error(transport.status().to_string());
    transport_ = std::move(transport).value();
    client_ =
        std::make_unique<core::RemotingClient>(std::vector<sdk::Transport*>{transport_.get()});
    // One name server, then for each broker: fast port, listen port, HA port, a spare.
    const int base = free_port_block(9);
    namesrv_port_ = base;
    master_port_ = base + 3;
    slave_port_ = base + 7;
    namesrv_ = std::make_unique<ChildProcess>(
        bin_path("mqnamesrv"),
        std::vector<std::string>{"-o", "listenPort=" + std::to_string(namesrv_port_), "-o",
                                 "listenAddress=127.0.0.1", "-o",
                                 "logDir=" + dir_.path() + "/logs"},
        dir_.path());
    ASSERT_TRUE(wait_for_port(namesrv_port_, 10s));
  }

  void TearDown() override {
    client_.reset();
    if (transport_) transport_->stop();
    transport_.reset();
    if (slave_) slave_->terminate();
    if (master_) master_->terminate();
    if (namesrv_) namesrv_->terminate();
  }

  std::string namesrv() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }
  std::string master() const { return "127.0.0.1:" + std::to_string(master_port_); }
  std::string slave() const { return "127.0.0.1:" + std::to_string(slave_port_); }

  // Starts broker-a as brokerId `id` with `role` on `port`; waits for "boot success".
  std::unique_ptr<ChildProcess> start_broker(int id, const std::string& role, int port,
                                             const std::vector<std::string>& extra = {}) {
    const std::string name = id == 0 ? "master" : "slave";
    std::vector<std::string> args{"-o", "brokerClusterName=HaCluster",
                                  "-o", "brokerName=broker-a",
                                  "-o", "brokerId=" + std::to_string(id),
                                  "-o", "brokerRole=" + role,
                                  "-o", "brokerIP1=127.0.0.1",
                                  "-o", "listenPort=" + std::to_string(port),
                                  "-o", "namesrvAddr=" + namesrv(),
                                  "-o", "storePathRootDir=" + dir_.path() + "/" + name,
                                  "-o", "logDir=" + dir_.path() + "/logs-" + name,
                                  "-o", "mappedFileSizeCommitLog=8388608",
                                  "-o", "mappedFileSizeConsumeQueue=6000",
                                  "-o", "slaveSyncInterval=300"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<ChildProcess>(bin_path("mqbroker"), args, dir_.path());
    const bool up = eventually(
        [&] {
          return !process->running() || process->out().find("boot success") != std::string::npos;
        },
        15s);
    EXPECT_TRUE(up && process->running()) << process->err() << process->out();
    return process;
  }

  sdk::Result<RemotingCommand> call(const std::string& address, RemotingCommand request,
                                    std::int64_t timeout_ms = 5000) {
    return client_->invoke(address, std::move(request), timeout_ms);
  }

  std::int64_t max_offset(const std::string& address, std::int32_t queue) {
    auto response = call(address, queue_request(rc::kGetMaxOffset, queue));
    if (!response.ok() || response->code != resp::kSuccess) return -1;
    return response->get_int("offset").value_or(-1);
  }

  // Every body of queue `queue` on `address`, from offset 0 up to its max offset.
  std::vector<std::string> read_queue(const std::string& address, std::int32_t queue,
                                      std::string* raw = nullptr) {
    std::vector<std::string> out;
    std::int64_t offset = 0;
    for (int round = 0; round < 1000; ++round) {
      auto response = call(address, pull_request(queue, offset));
      if (!response.ok() || response->code != resp::kSuccess) break;
      for (auto& body : bodies_of(*response)) out.push_back(std::move(body));
      if (raw != nullptr) raw->append(response->body.as_string_view());
      offset = response->get_int("nextBeginOffset").value_or(offset);
    }
    return out;
  }

  std::optional<core::TopicRouteData> route() {
    auto request = RemotingCommand::request(rc::kGetRouteinfoByTopic);
    request.set("topic", kTopic);
    auto response = call(namesrv(), std::move(request));
    if (!response.ok() || response->code != resp::kSuccess) return std::nullopt;
    auto data = core::TopicRouteData::from_json(response->body.as_string_view());
    if (!data.ok()) return std::nullopt;
    return std::move(data).value();
  }

  std::set<std::int64_t> route_broker_ids() {
    std::set<std::int64_t> ids;
    if (auto data = route()) {
      for (const auto& broker : data->broker_datas) {
        for (const auto& [id, addr] : broker.broker_addrs) ids.insert(id);
      }
    }
    return ids;
  }

  TempDir dir_;
  int namesrv_port_ = 0;
  int master_port_ = 0;
  int slave_port_ = 0;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions options_;
  core::PluginObject<sdk::Transport> transport_;
  std::unique_ptr<core::RemotingClient> client_;
  std::unique_ptr<ChildProcess> namesrv_;
  std::unique_ptr<ChildProcess> master_;
  std::unique_ptr<ChildProcess> slave_;
};

TEST_F(MasterSlaveTest, SyncMasterLosesNothingAcknowledgedWhenKilled) {
  master_ = start_broker(0, "SYNC_MASTER", master_port_, {"-o", "flushDiskType=SYNC_FLUSH"});
  slave_ = start_broker(1, "SLAVE", slave_port_, {"-o", "slaveReadEnable=true"});
  ASSERT_TRUE(master_->running() && slave_->running());

  // The first send waits for the slave to attach; it creates the topic on the master.
  ASSERT_TRUE(eventually([&] {
    auto response = call(master(), send_request(0, "first"));
    return response.ok() && response->code == resp::kSuccess;
  }));
  for (int i = 1; i < 20; ++i) {
    auto response = call(master(), send_request(0, "m" + std::to_string(i)));
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->code, resp::kSuccess) << response->remark.value_or("");
  }
  // Routes list both addresses once the slave took the topic from its master.
  ASSERT_TRUE(eventually([&] { return route_broker_ids() == std::set<std::int64_t>{0, 1}; }));

  // The slave holds the master's records byte for byte.
  std::string master_bytes, slave_bytes;
  EXPECT_EQ(read_queue(master(), 0, &master_bytes).size(), 20u);
  // The slave serves the topic once its metadata sync brought the topic over.
  ASSERT_TRUE(eventually([&] {
    slave_bytes.clear();
    return read_queue(slave(), 0, &slave_bytes).size() == 20u;
  }));
  EXPECT_EQ(master_bytes, slave_bytes);

  // A committed offset reaches the slave through the metadata sync.
  auto commit = queue_request(rc::kUpdateConsumerOffset, 0);
  commit.set("commitOffset", std::int64_t{10});
  auto committed = call(master(), std::move(commit));
  ASSERT_TRUE(committed.ok() && committed->code == resp::kSuccess);
  ASSERT_TRUE(eventually([&] {
    auto answer = call(slave(), queue_request(rc::kQueryConsumerOffset, 0));
    return answer.ok() && answer->code == resp::kSuccess && answer->get_int("offset") == 10;
  }));

  // Produce on four queues while the master is SIGKILLed; remember every SEND_OK.
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> attempted{0};
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    for (int i = 0; !stop && i < 100000; ++i) {
      const std::string body = "load-" + std::to_string(i);
      ++attempted;
      auto response = call(master(), send_request(i % 4, body), 2000);
      if (!response.ok()) break;  // the master is gone
      if (response->code == resp::kSuccess) {
        std::lock_guard lock(mu);
        acknowledged.insert(body);
      }
    }
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return acknowledged.size() >= 200;
  }));
  master_->kill();
  stop = true;
  producer.join();
  client_->close(master());

  std::set<std::string> on_slave;
  for (std::int32_t queue = 0; queue < 4; ++queue) {
    for (auto& body : read_queue(slave(), queue)) on_slave.insert(std::move(body));
  }
  std::size_t missing = 0;
  for (const auto& body : acknowledged) missing += on_slave.count(body) == 0 ? 1 : 0;
  std::printf(
      "SIGKILL: %d sends attempted, %zu acknowledged SEND_OK, %zu load messages on the "
      "slave, %zu acknowledged missing\n",
      attempted.load(), acknowledged.size(), on_slave.size() - 20, missing);
  EXPECT_EQ(missing, 0u);

  // The route now lists only the slave, and a consumer of group CG continues from the slave at
  // the committed offset 10 of queue 0, not from 0.
  ASSERT_TRUE(eventually([&] { return route_broker_ids() == std::set<std::int64_t>{1}; }));
  std::mutex seen_mu;
  std::vector<std::int64_t> queue0_offsets;
  client::PushConsumer consumer({.namesrv_addr = namesrv(),
                                 .group = "CG",
                                 .consume_from = client::ConsumeFromWhere::kFirstOffset,
                                 .suspend_timeout_ms = 1000,
                                 .pull_timeout_ms = 5000,
                                 .rebalance_interval_ms = 1000,
                                 .heartbeat_interval_ms = 2000,
                                 .route_refresh_interval_ms = 1000,
                                 .persist_offset_interval_ms = 500});
  consumer.subscribe(kTopic, "*");
  consumer.register_listener([&](const std::vector<client::MessageExt>& batch) {
    std::lock_guard lock(seen_mu);
    for (const auto& message : batch) {
      if (message.queue_id == 0) queue0_offsets.push_back(message.queue_offset);
    }
    return client::ConsumeResult::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.start());
  const std::int64_t queue0_end = max_offset(slave(), 0);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(seen_mu);
    return std::find(queue0_offsets.begin(), queue0_offsets.end(), queue0_end - 1) !=
           queue0_offsets.end();
  }));
  consumer.shutdown();
  std::lock_guard lock(seen_mu);
  ASSERT_FALSE(queue0_offsets.empty());
  EXPECT_EQ(*std::min_element(queue0_offsets.begin(), queue0_offsets.end()), 10);
}

TEST_F(MasterSlaveTest, AsyncSlaveCatchesUpAndLagIsReported) {
  master_ = start_broker(0, "ASYNC_MASTER", master_port_);
  slave_ = start_broker(1, "SLAVE", slave_port_);
  ASSERT_TRUE(master_->running() && slave_->running());
  for (int i = 0; i < 50; ++i) {
    auto response = call(master(), send_request(i % 2, "a" + std::to_string(i)));
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->code, resp::kSuccess);
  }
  ASSERT_TRUE(eventually([&] {
    return max_offset(slave(), 0) == max_offset(master(), 0) &&
           max_offset(slave(), 1) == max_offset(master(), 1);
  }));
  EXPECT_EQ(max_offset(slave(), 0), 25);
  auto status =
      run_command(bin_path("mqadmin"), {"brokerStatus", "-n", namesrv(), "-b", master()}, 10s);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("slaveAckedOffset"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("masterEndOffset"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("127.0.0.1"), std::string::npos) << status.out;
}

TEST_F(MasterSlaveTest, SyncMasterWithoutSlaveAnswersSlaveNotAvailable) {
  master_ = start_broker(0, "SYNC_MASTER", master_port_, {"-o", "flushDiskType=SYNC_FLUSH"});
  ASSERT_TRUE(master_->running());
  const auto started = std::chrono::steady_clock::now();
  auto response = call(master(), send_request(0, "alone"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->code, resp::kSlaveNotAvailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  // The message is stored on the master all the same.
  EXPECT_EQ(read_queue(master(), 0), std::vector<std::string>{"alone"});
}

TEST_F(MasterSlaveTest, RestartedSlaveResumesWithoutDuplicates) {
  master_ = start_broker(0, "SYNC_MASTER", master_port_, {"-o", "flushDiskType=SYNC_FLUSH"});
  slave_ = start_broker(1, "SLAVE", slave_port_);
  ASSERT_TRUE(master_->running() && slave_->running());
  ASSERT_TRUE(eventually([&] {
    auto response = call(master(), send_request(0, "r0"));
    return response.ok() && response->code == resp::kSuccess;
  }));
  for (int i = 1; i < 20; ++i) {
    auto response = call(master(), send_request(0, "r" + std::to_string(i)));
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->code, resp::kSuccess);
  }
  // Without slaveReadEnable a following slave sends consumers back to the master.
  sdk::Result<RemotingCommand> redirected = sdk::Status(sdk::StatusCode::kUnavailable, "");
  ASSERT_TRUE(eventually([&] {
    redirected = call(slave(), pull_request(0, 0));
    return redirected.ok() && redirected->code != resp::kTopicNotExist;
  }));
  EXPECT_EQ(redirected->code, resp::kPullRetryImmediately);
  EXPECT_EQ(redirected->get_int("suggestWhichBrokerId"), 0);

  ASSERT_EQ(slave_->terminate(), 0);
  client_->close(slave());
  for (int i = 20; i < 30; ++i) {
    auto response = call(master(), send_request(0, "r" + std::to_string(i)));
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->code, resp::kSlaveNotAvailable);
  }
  slave_ = start_broker(1, "SLAVE", slave_port_, {"-o", "slaveReadEnable=true"});
  ASSERT_TRUE(slave_->running());
  ASSERT_TRUE(eventually([&] { return max_offset(slave(), 0) == 30; }));
  // Sends are acknowledged again once the slave is back.
  auto again = call(master(), send_request(0, "r30"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->code, resp::kSuccess);
  ASSERT_TRUE(eventually([&] { return max_offset(slave(), 0) == 31; }));
  std::vector<std::string> want;
  for (int i = 0; i <= 30; ++i) want.push_back("r" + std::to_string(i));
  EXPECT_EQ(read_queue(slave(), 0), want);
  EXPECT_EQ(max_offset(slave(), 0), max_offset(master(), 0));
}

}  // namespace
}  // namespace mq::test
