// transport-uds as the broker loads it (through PluginHost): the socket-file rules that no
// other transport has.
#include "mq/sdk/config.h"
#include "mq/sdk/transport.h"

#include "config/properties_file.h"
#include "plugin_host/plugin_host.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

namespace mq::transport_uds {
namespace {

using sdk::StatusCode;

class Handler : public sdk::FrameHandler {
 public:
  void on_open(sdk::ConnectionId, std::string_view peer, std::string_view local) noexcept override {
    std::lock_guard lock(mu_);
    peers.emplace_back(peer);
    locals.emplace_back(local);
    cv_.notify_all();
  }
  void on_frame(sdk::ConnectionId, sdk::Bytes) noexcept override {}
  void on_close(sdk::ConnectionId, const sdk::Status&) noexcept override {}
  bool wait_opens(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(2), [&] { return peers.size() >= n; });
  }
  std::vector<std::string> peers;
  std::vector<std::string> locals;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

class TransportUds : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/mq-uds-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    host_ = std::make_unique<core::PluginHost>(std::make_shared<spdlog::logger>("uds-test"),
                                               MQ_PLUGIN_DIR);
    auto loaded = host_->load("transport-uds", sdk::Seam::kTransport, "transportPlugins");
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    library_ = loaded.value();
  }
  void TearDown() override {
    for (auto& transport : transports_) transport->stop();
    transports_.clear();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  sdk::Result<sdk::Transport*> make(std::vector<core::PropertyEntry> entries = {}) {
    std::vector<std::string> warnings;
    auto resolved = host_->resolve_keys(entries, warnings);
    if (!resolved) return resolved;
    sdk::PluginConfig config;
    config.transport = &options_;
    auto made = host_->create<sdk::Transport>(library_, config);
    if (!made.ok()) return made.status();
    transports_.push_back(std::move(made).value());
    return transports_.back().get();
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
  sdk::TransportOptions options_;
  std::unique_ptr<core::PluginHost> host_;
  std::shared_ptr<core::PluginLibrary> library_;
  std::vector<core::PluginObject<sdk::Transport>> transports_;
  // Handlers outlive the transports (TearDown stops them first).
  Handler handler_;
  Handler client_handler_;
  Handler other_;
};

TEST_F(TransportUds, AddressesAndScheme) {
  auto transport = make();
  ASSERT_TRUE(transport.ok());
  EXPECT_EQ((*transport)->scheme(), "unix");
  EXPECT_TRUE((*transport)->accepts_address("unix:/run/mq/broker.sock"));
  EXPECT_FALSE((*transport)->accepts_address("unix:"));
  EXPECT_FALSE((*transport)->accepts_address("127.0.0.1:10911"));
  EXPECT_FALSE((*transport)->accepts_address("/run/mq/broker.sock"));
  auto too_long = (*transport)->listen("unix:/tmp/" + std::string(200, 'x'), handler_);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TransportUds, DefaultModeIs0660AndTheFileGoesAtStop) {
  auto transport = make();
  ASSERT_TRUE(transport.ok());
  const std::string file = path("a.sock");
  auto bound = (*transport)->listen("unix:" + file, handler_);
  ASSERT_TRUE(bound.ok()) << bound.status().to_string();
  EXPECT_EQ(bound.value(), "unix:" + file);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  (*transport)->stop();
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(TransportUds, SocketModeKey) {
  auto transport = make({{"uds.socketMode", "0600", "<test>", 0}});
  ASSERT_TRUE(transport.ok()) << transport.status().to_string();
  const std::string file = path("m.sock");
  ASSERT_TRUE((*transport)->listen("unix:" + file, handler_).ok());
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(TransportUds, BadSocketModeIsRefusedAtCreate) {
  auto transport = make({{"uds.socketMode", "0999", "<test>", 0}});
  ASSERT_FALSE(transport.ok());
  EXPECT_NE(transport.status().message().find("uds.socketMode"), std::string::npos);
}

TEST_F(TransportUds, StaleSocketFileIsReplaced) {
  const std::string file = path("stale.sock");
  // A socket bound and closed without unlink: what a crashed process leaves behind.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::memcpy(where.sun_path, file.data(), file.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof(where)), 0);
  ::close(fd);
  ASSERT_TRUE(std::filesystem::exists(file));

  auto transport = make();
  ASSERT_TRUE(transport.ok());
  auto bound = (*transport)->listen("unix:" + file, handler_);
  ASSERT_TRUE(bound.ok()) << bound.status().to_string();
  auto client = make();
  ASSERT_TRUE(client.ok());
  Handler& client_handler = client_handler_;
  EXPECT_TRUE((*client)->connect("unix:" + file, client_handler).ok());
}

TEST_F(TransportUds, LiveSocketIsNeverStolen) {
  const std::string file = path("live.sock");
  auto first = make();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->listen("unix:" + file, handler_).ok());
  auto second = make();
  ASSERT_TRUE(second.ok());
  Handler& other = other_;
  auto refused = (*second)->listen("unix:" + file, other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(refused.status().message().find(file), std::string::npos)
      << refused.status().to_string();
  // The first listener still serves.
  auto client = make();
  ASSERT_TRUE(client.ok());
  Handler& client_handler = client_handler_;
  EXPECT_TRUE((*client)->connect("unix:" + file, client_handler).ok());
  EXPECT_TRUE(handler_.wait_opens(1));
  // Stopping the refused transport must not remove the live listener's file.
  (*second)->stop();
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST_F(TransportUds, RegularFileIsNotReplaced) {
  const std::string file = path("plain");
  std::ofstream(file) << "data";
  auto transport = make();
  ASSERT_TRUE(transport.ok());
  auto refused = (*transport)->listen("unix:" + file, handler_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(file), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST_F(TransportUds, PeerNamesCarryThePathAndAConnectionNumber) {
  const std::string file = path("p.sock");
  auto server = make();
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE((*server)->listen("unix:" + file, handler_).ok());
  auto client = make();
  ASSERT_TRUE(client.ok());
  Handler& client_handler = client_handler_;
  ASSERT_TRUE((*client)->connect("unix:" + file, client_handler).ok());
  ASSERT_TRUE((*client)->connect("unix:" + file, client_handler).ok());
  ASSERT_TRUE(handler_.wait_opens(2));
  EXPECT_EQ(client_handler.peers.at(0), "unix:" + file);
  EXPECT_TRUE(handler_.peers.at(0).starts_with("unix:" + file + "#"));
  EXPECT_NE(handler_.peers.at(0), handler_.peers.at(1));
  EXPECT_EQ(handler_.locals.at(0), "unix:" + file);
}

}  // namespace
}  // namespace mq::transport_uds
