// The transport conformance suite: what every sdk::Transport plugin must do, run against each
// plugin .so loaded through the core's PluginHost. Parameterised by plugin (transport_harness.h);
// the listening address is made per scheme at run time.
#include "transport_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace mq::conformance {
namespace {

using sdk::ConnectionId;
using sdk::StatusCode;
using TransportPtr = core::PluginObject<sdk::Transport>;

class TransportConformance : public ::testing::TestWithParam<TransportUnderTest> {
 protected:
  void SetUp() override {
    harness_ = std::make_unique<TransportHarness>(GetParam());
    auto status = harness_->load();
    ASSERT_TRUE(status) << status.to_string();
  }
  void TearDown() override {
    for (auto& transport : transports_) {
      if (transport) transport->stop();
    }
    transports_.clear();
    harness_.reset();
  }

  static sdk::TransportOptions small_options() {
    sdk::TransportOptions options;
    options.max_frame_bytes = 4 * 1024 * 1024;
    options.write_queue_limit_bytes = 16 * 1024 * 1024;
    options.idle_timeout_ms = 60000;
    options.connect_timeout_ms = 2000;
    options.io_threads = 2;
    return options;
  }

  sdk::Transport& make(const sdk::TransportOptions& options) {
    auto made = harness_->create(options);
    EXPECT_TRUE(made.ok()) << made.status().to_string();
    if (!made.ok()) std::abort();
    transports_.push_back(std::move(made).value());
    return *transports_.back();
  }

  // A server transport echoing on a fresh address; returns the address it bound.
  std::string start_echo_server(const sdk::TransportOptions& options) {
    server_ = &make(options);
    echo_.attach(*server_);
    auto bound = server_->listen(listen_address_for(server_->scheme()), echo_);
    EXPECT_TRUE(bound.ok()) << bound.status().to_string();
    return bound.ok() ? bound.value() : std::string();
  }

  ConnectionId dial(sdk::Transport& client, const std::string& address, Recorder& handler) {
    auto id = client.connect(address, handler);
    EXPECT_TRUE(id.ok()) << id.status().to_string();
    return id.ok() ? id.value() : 0;
  }

  // Handlers must outlive the transports' stop(), so the fixture owns them.
  Recorder& recorder() { return *recorders_.emplace_back(std::make_unique<Recorder>()); }

  std::vector<std::unique_ptr<Recorder>> recorders_;
  std::unique_ptr<TransportHarness> harness_;
  std::vector<TransportPtr> transports_;
  sdk::Transport* server_ = nullptr;
  Echo echo_;
};

TEST_P(TransportConformance, SchemeAndAddresses) {
  auto& transport = make(small_options());
  const std::string address = listen_address_for(transport.scheme());
  EXPECT_TRUE(transport.accepts_address(address)) << address;
  if (transport.scheme() == "tcp") {
    EXPECT_FALSE(transport.accepts_address("unix:/tmp/x.sock"));
  }
  if (transport.scheme() == "unix") {
    EXPECT_FALSE(transport.accepts_address("127.0.0.1:9876"));
  }
}

TEST_P(TransportConformance, FramesFromMinimumToMaximumEchoIntact) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId id = dial(client, address, replies);
  ASSERT_NE(id, 0u);

  const auto max_payload = static_cast<std::size_t>(options.max_frame_bytes) - 4;
  const std::vector<std::size_t> sizes = {
      4, 5, 7, 64, 1000, 4096, 65536, 65537, 1 << 20, max_payload - 1, max_payload};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto status = client.send(id, frame_of(pattern(sizes[i], static_cast<std::uint32_t>(i))));
    ASSERT_TRUE(status) << sizes[i] << ": " << status.to_string();
  }
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.frames_on(id) == sizes.size(); }));
  const auto got = replies.frames(id);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    ASSERT_EQ(got[i].size(), sizes[i]);
    EXPECT_TRUE(got[i] == pattern(sizes[i], static_cast<std::uint32_t>(i))) << "frame " << i;
  }
  // Below the header word and above the maximum are refused at send().
  EXPECT_EQ(client.send(id, frame_of("abc")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.send(id, frame_of(pattern(max_payload + 1, 1))).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client.send(id + 1000000, frame_of("abcd")).code(), StatusCode::kClosed);
}

// Every frame is followed, on the thread that delivered it, by on_frames_end for its read, and
// no on_frames_end comes without a frame: handlers that defer work per frame can rely on it.
TEST_P(TransportConformance, FramesOfEachReadAreFollowedByOneEndOfBatch) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId id = dial(client, address, replies);
  ASSERT_NE(id, 0u);
  constexpr std::size_t kFrames = 200;
  for (std::size_t i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(client.send(id, frame_of(pattern(100 + i * 37, static_cast<std::uint32_t>(i)))));
  }
  ASSERT_TRUE(replies.wait_for(
      [&](Recorder& r) { return r.frames_on(id) == kFrames && r.frames_since_end(id) == 0; }));
  ASSERT_TRUE(
      echo_.wait_for([&](Recorder& r) { return r.frame_count() == kFrames && r.ends() > 0; }));
  for (Recorder* side : {static_cast<Recorder*>(&echo_), &replies}) {
    ASSERT_TRUE(side->wait_for([](Recorder& r) {
      return r.ends() >= 1 && r.ends() <= kFrames && r.empty_ends() == 0 &&
             r.ends_on_another_thread() == 0;
    })) << "ends "
        << side->ends() << ", empty " << side->empty_ends() << ", on another thread "
        << side->ends_on_another_thread();
  }
}

TEST_P(TransportConformance, GatherWriteReleasesKeepaliveAfterWriting) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId id = dial(client, address, replies);
  ASSERT_NE(id, 0u);

  auto body = std::make_shared<std::string>(pattern(200000, 9));
  std::weak_ptr<std::string> watch = body;
  sdk::OutboundFrame frame;
  frame.head = sdk::Bytes::copy_of(std::string_view("HEAD"));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(body->data());
  frame.tail = {sdk::ByteView(bytes, 100000), sdk::ByteView(bytes + 100000, 100000)};
  frame.keepalive = std::move(body);
  ASSERT_TRUE(client.send(id, std::move(frame)));
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.frames_on(id) == 1; }));
  EXPECT_EQ(replies.frames(id)[0], "HEAD" + pattern(200000, 9));
  // The write completed before the echo came back, so the keepalive is gone.
  for (int i = 0; i < 100 && !watch.expired(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(watch.expired());
}

TEST_P(TransportConformance, ThousandConcurrentConnections) {
  constexpr std::size_t kWanted = 1000;
  // Each connection costs two descriptors in this process (both ends).
  const rlim_t limit = raise_fd_limit(2 * kWanted + 128);
  std::size_t count = kWanted;
  if (limit < 2 * kWanted + 128) {
    count = limit > 200 ? static_cast<std::size_t>((limit - 128) / 2) : 36;
    std::cerr << "[ NOTE     ] RLIMIT_NOFILE is " << limit << "; using " << count
              << " connections instead of " << kWanted << "\n";
  }
  auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  std::vector<ConnectionId> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto id = client.connect(address, replies);
    ASSERT_TRUE(id.ok()) << "connection " << i << ": " << id.status().to_string();
    ids.push_back(id.value());
  }
  ASSERT_TRUE(echo_.wait_for([&](Recorder& r) { return r.open_count() == count; }));
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_TRUE(client.send(ids[i], frame_of("conn" + std::to_string(i))));
  }
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.frame_count() == count; }, 2500ms));
  for (std::size_t i = 0; i < count; i += 97) {
    EXPECT_EQ(replies.frames(ids[i]).at(0), "conn" + std::to_string(i));
  }
  EXPECT_EQ(echo_.all_closed().size(), 0u);
}

TEST_P(TransportConformance, RequestsFromManyThreadsAtOnce) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId shared = dial(client, address, replies);
  ASSERT_NE(shared, 0u);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::vector<ConnectionId> own(kThreads);
  for (auto& id : own) id = dial(client, address, replies);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string text = "t" + std::to_string(t) + ":" + std::to_string(i) +
                                 pattern(static_cast<std::size_t>(i % 50) * 40, t);
        if (!client.send(shared, frame_of(text))) failures.fetch_add(1);
        if (!client.send(own[static_cast<std::size_t>(t)], frame_of(text))) failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) {
    return r.frame_count() == static_cast<std::size_t>(2 * kThreads * kPerThread);
  }));
  // Per connection, each thread's frames come back in the order it sent them.
  auto check_order = [&](const std::vector<std::string>& frames, int only_thread) {
    std::vector<int> next(kThreads, 0);
    for (const auto& text : frames) {
      const int t = std::stoi(text.substr(1));
      if (only_thread >= 0) {
        EXPECT_EQ(t, only_thread);
      }
      const int i = std::stoi(text.substr(text.find(':') + 1));
      EXPECT_EQ(i, next[static_cast<std::size_t>(t)]++) << "thread " << t;
    }
  };
  check_order(replies.frames(shared), -1);
  for (int t = 0; t < kThreads; ++t)
    check_order(replies.frames(own[static_cast<std::size_t>(t)]), t);
}

TEST_P(TransportConformance, PeerDisconnectingMidFrameClosesOnlyThatConnection) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId good = dial(client, address, replies);
  ASSERT_NE(good, 0u);

  const int fd = raw_connect(address);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(echo_.wait_for([](Recorder& r) { return r.open_count() == 2; }));
  const std::string partial = be32(1000) + pattern(300, 3);
  ASSERT_TRUE(write_all(fd, partial.data(), partial.size()));
  std::this_thread::sleep_for(50ms);
  ::close(fd);
  ASSERT_TRUE(echo_.wait_for([](Recorder& r) { return r.close_count() == 1; }));
  EXPECT_EQ(echo_.frame_count(), 0u);
  const auto closed = echo_.all_closed();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed.begin()->second.size(), 1u);
  EXPECT_NE(closed.begin()->second[0], StatusCode::kOk);

  ASSERT_TRUE(client.send(good, frame_of("still here")));
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.frames_on(good) == 1; }));
  EXPECT_FALSE(replies.closed(good));
}

TEST_P(TransportConformance, BadLengthPrefixesCloseOnlyThatConnection) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId good = dial(client, address, replies);
  ASSERT_NE(good, 0u);

  const auto max = static_cast<std::uint32_t>(options.max_frame_bytes);
  // Oversized (prefix counts too, so max - 3 is already one over), huge, and below the header.
  const std::vector<std::uint32_t> bad = {max - 3, 0x7fffffffu, 0xffffffffu, 3, 0};
  for (std::uint32_t length : bad) {
    const int fd = raw_connect(address);
    ASSERT_GE(fd, 0);
    const std::string bytes = be32(length) + "abcdefgh";
    ASSERT_TRUE(write_all(fd, bytes.data(), bytes.size()));
    EXPECT_TRUE(wait_peer_closed(fd, 2000ms)) << "prefix " << length;
    ::close(fd);
  }
  // One byte under the limit is fine: the good connection carries it both ways.
  ASSERT_TRUE(client.send(good, frame_of(pattern(max - 4, 5))));
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.frames_on(good) == 1; }));
  EXPECT_FALSE(replies.closed(good));
  EXPECT_EQ(echo_.frame_count(), 1u);
  ASSERT_TRUE(echo_.wait_for([&](Recorder& r) { return r.close_count() == bad.size(); }));
  for (const auto& [id, codes] : echo_.all_closed()) {
    ASSERT_EQ(codes.size(), 1u);
    EXPECT_NE(codes[0], StatusCode::kOk);
  }
}

TEST_P(TransportConformance, SlowReaderIsHeldByBackpressure) {
  auto options = small_options();
  options.max_frame_bytes = 256 * 1024;
  options.write_queue_limit_bytes = 1024 * 1024;
  auto& server = make(options);
  Recorder& accepted = recorder();
  auto bound = server.listen(listen_address_for(server.scheme()), accepted);
  ASSERT_TRUE(bound.ok()) << bound.status().to_string();
  const int fd = raw_connect(bound.value());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(accepted.wait_for([](Recorder& r) { return r.open_count() == 1; }));
  const ConnectionId id = accepted.opened().at(0);

  // The reader never reads: sends succeed until kernel buffers and the queue are full.
  const std::string chunk = pattern(64 * 1024, 1);
  std::size_t sent = 0;
  sdk::Status last;
  for (int i = 0; i < 100000; ++i) {
    last = server.send(id, frame_of(chunk));
    if (!last) break;
    sent += chunk.size() + 4;
    EXPECT_LE(server.queued_bytes(id), static_cast<std::size_t>(options.write_queue_limit_bytes));
  }
  ASSERT_EQ(last.code(), StatusCode::kResourceExhausted) << last.to_string();
  EXPECT_LE(server.queued_bytes(id), static_cast<std::size_t>(options.write_queue_limit_bytes));
  EXPECT_GT(server.queued_bytes(id), 0u);

  // Once the reader catches up the queue drains and every byte arrives in order.
  std::string received;
  received.reserve(sent);
  std::vector<char> buffer(1 << 16);
  while (received.size() < sent) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    ASSERT_GT(n, 0);
    received.append(buffer.data(), static_cast<std::size_t>(n));
  }
  for (std::size_t at = 0; at < sent; at += chunk.size() + 4) {
    ASSERT_EQ(received.substr(at, 4), be32(static_cast<std::uint32_t>(chunk.size())));
    ASSERT_TRUE(received.compare(at + 4, chunk.size(), chunk) == 0) << "frame at " << at;
  }
  for (int i = 0; i < 200 && server.queued_bytes(id) != 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server.queued_bytes(id), 0u);
  EXPECT_TRUE(server.send(id, frame_of(chunk)));
  ::close(fd);
}

TEST_P(TransportConformance, OrderlyCloseFlushesQueuedFramesFirst) {
  const auto options = small_options();
  auto& server = make(options);
  Recorder& accepted = recorder();
  auto bound = server.listen(listen_address_for(server.scheme()), accepted);
  ASSERT_TRUE(bound.ok()) << bound.status().to_string();
  auto& client = make(options);
  Recorder& replies = recorder();
  const ConnectionId client_id = dial(client, bound.value(), replies);
  ASSERT_NE(client_id, 0u);
  ASSERT_TRUE(accepted.wait_for([](Recorder& r) { return r.open_count() == 1; }));
  const ConnectionId id = accepted.opened().at(0);
  constexpr int kFrames = 50;
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(server.send(id, frame_of(pattern(32 * 1024, static_cast<std::uint32_t>(i)))));
  }
  server.close(id);
  EXPECT_EQ(server.send(id, frame_of("late")).code(), StatusCode::kClosed);
  ASSERT_TRUE(replies.wait_for([&](Recorder& r) { return r.closed(client_id); }));
  const auto got = replies.frames(client_id);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kFrames));
  for (int i = 0; i < kFrames; ++i) {
    EXPECT_TRUE(got[static_cast<std::size_t>(i)] ==
                pattern(32 * 1024, static_cast<std::uint32_t>(i)));
  }
  ASSERT_TRUE(accepted.wait_for([&](Recorder& r) { return r.closed(id); }));
  EXPECT_EQ(accepted.close_codes(id).size(), 1u);
}

TEST_P(TransportConformance, OrderlyShutdownWithConnectionsOpen) {
  const auto options = small_options();
  const std::string address = start_echo_server(options);
  auto& client = make(options);
  Recorder& replies = recorder();
  std::vector<ConnectionId> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(dial(client, address, replies));
  ASSERT_TRUE(echo_.wait_for([](Recorder& r) { return r.open_count() == 20; }));
  for (ConnectionId id : ids) ASSERT_TRUE(client.send(id, frame_of("before stop")));
  ASSERT_TRUE(replies.wait_for([](Recorder& r) { return r.frame_count() == 20; }));

  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  // Every accepted connection had its on_close, exactly once, by the time stop() returned.
  const auto server_closed = echo_.all_closed();
  EXPECT_EQ(server_closed.size(), 20u);
  for (const auto& [id, codes] : server_closed) EXPECT_EQ(codes.size(), 1u);
  server_->stop();  // idempotent
  EXPECT_EQ(echo_.all_closed().size(), 20u);
  EXPECT_EQ(server_->send(echo_.opened().at(0), frame_of("after")).code(), StatusCode::kClosed);
  EXPECT_FALSE(server_->listen(listen_address_for(server_->scheme()), echo_).ok());

  // The clients see their peer go.
  ASSERT_TRUE(replies.wait_for([](Recorder& r) { return r.close_count() == 20; }));
  client.stop();
  for (const auto& [id, codes] : replies.all_closed()) EXPECT_EQ(codes.size(), 1u);
  // A new connect to the stopped server fails instead of hanging.
  auto& late = make(options);
  Recorder& nobody = recorder();
  EXPECT_FALSE(late.connect(address, nobody).ok());
}

TEST_P(TransportConformance, IdleConnectionsAreClosed) {
  auto options = small_options();
  options.idle_timeout_ms = 300;
  const std::string address = start_echo_server(options);
  auto client_options = small_options();  // the client never times out by itself
  auto& client = make(client_options);
  Recorder& replies = recorder();
  const ConnectionId quiet = dial(client, address, replies);
  const ConnectionId busy = dial(client, address, replies);
  ASSERT_NE(quiet, 0u);
  ASSERT_NE(busy, 0u);
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < 900ms) {
    ASSERT_TRUE(client.send(busy, frame_of("ping")));
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(replies.wait_for([&](Recorder& r) { return r.closed(quiet); }, 100ms));
  EXPECT_FALSE(replies.closed(busy));
  // The server reported the timeout on the quiet one only.
  std::size_t timeouts = 0;
  for (const auto& [id, codes] : echo_.all_closed()) {
    for (auto code : codes) timeouts += code == StatusCode::kTimeout ? 1 : 0;
  }
  EXPECT_EQ(timeouts, 1u);
  // Once the busy one stops talking it goes too.
  EXPECT_TRUE(replies.wait_for([&](Recorder& r) { return r.closed(busy); }, 1500ms));
}

// A connection that only sends (a peer that never answers) is busy, not idle: every frame
// written counts as traffic, however it was written.
TEST_P(TransportConformance, ASendOnlyConnectionIsNotIdle) {
  auto& server = make(small_options());
  Recorder& sink = recorder();  // records frames, never answers
  auto bound = server.listen(listen_address_for(server.scheme()), sink);
  ASSERT_TRUE(bound.ok()) << bound.status().to_string();
  auto client_options = small_options();
  client_options.idle_timeout_ms = 300;
  auto& client = make(client_options);
  Recorder& replies = recorder();
  const ConnectionId id = dial(client, bound.value(), replies);
  ASSERT_NE(id, 0u);
  const auto started = std::chrono::steady_clock::now();
  int sent = 0;
  while (std::chrono::steady_clock::now() - started < 900ms) {
    ASSERT_TRUE(client.send(id, frame_of("one-way"))) << "after " << sent << " frames";
    ++sent;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_FALSE(replies.closed(id));
  EXPECT_TRUE(sink.wait_for(
      [&](Recorder& r) { return r.frame_count() == static_cast<std::size_t>(sent); }));
}

TEST_P(TransportConformance, ConnectToNobodyFailsQuickly) {
  auto& transport = make(small_options());
  std::string address = listen_address_for(transport.scheme());
  if (transport.scheme() == "tcp") address = "127.0.0.1:1";
  Recorder& handler = recorder();
  const auto started = std::chrono::steady_clock::now();
  auto id = transport.connect(address, handler);
  EXPECT_FALSE(id.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
  EXPECT_EQ(handler.opened().size(), 0u);
}

std::string plugin_test_name(const ::testing::TestParamInfo<TransportUnderTest>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Plugins, TransportConformance,
                         ::testing::ValuesIn(transports_under_test()), plugin_test_name);

}  // namespace
}  // namespace mq::conformance
