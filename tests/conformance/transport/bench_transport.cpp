// Echo round trips over every transport plugin (loaded through PluginHost), for 1 KiB and
// 64 KiB frames: latency percentiles with one request in flight, then throughput with a window
// of requests in flight. Usage: bench_transport [seconds per run, default 2].
#include "transport_harness.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace mq::conformance {
namespace {

// Counts echoes and wakes the sender; the reply bytes are checked by length only.
class Counter : public sdk::FrameHandler {
 public:
  void on_open(sdk::ConnectionId, std::string_view, std::string_view) noexcept override {}
  void on_frame(sdk::ConnectionId, sdk::Bytes frame) noexcept override {
    std::lock_guard lock(mu_);
    ++received_;
    bytes_ += frame.size();
    cv_.notify_all();
  }
  void on_close(sdk::ConnectionId, const sdk::Status&) noexcept override {}
  // Waits until at least `count` replies arrived; false after 5 s.
  bool wait_received(std::uint64_t count) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 5s, [&] { return received_ >= count; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t received_ = 0;
  std::uint64_t bytes_ = 0;
};

struct Figures {
  double p50_us = 0, p99_us = 0, msgs_per_s = 0, mib_per_s = 0;
};

bool run(TransportHarness& harness, std::size_t size, std::chrono::seconds duration, Figures& out) {
  sdk::TransportOptions options;
  options.max_frame_bytes = 1 << 20;
  options.write_queue_limit_bytes = 64 << 20;
  auto server = harness.create(options);
  auto client = harness.create(options);
  if (!server.ok() || !client.ok()) return false;
  Echo echo;
  echo.attach(**server);
  auto bound = (*server)->listen(listen_address_for((*server)->scheme()), echo);
  if (!bound.ok()) {
    std::cerr << bound.status().to_string() << "\n";
    return false;
  }
  Counter counter;
  auto id = (*client)->connect(bound.value(), counter);
  if (!id.ok()) return false;
  const std::string body = pattern(size, 7);
  std::uint64_t sent = 0;

  // Latency: one request in flight.
  std::vector<double> samples;
  auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    const auto start = std::chrono::steady_clock::now();
    if (!(*client)->send(*id, frame_of(body))) return false;
    if (!counter.wait_received(++sent)) return false;
    samples.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(samples.begin(), samples.end());
  out.p50_us = samples[samples.size() / 2];
  out.p99_us = samples[samples.size() * 99 / 100];

  // Throughput: keep a window of requests in flight.
  constexpr std::uint64_t kWindow = 32;
  const std::uint64_t first = sent;
  const auto start = std::chrono::steady_clock::now();
  until = start + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (sent + 1 > first + kWindow && !counter.wait_received(sent + 1 - kWindow)) return false;
    if (!(*client)->send(*id, frame_of(body))) return false;
    ++sent;
  }
  if (!counter.wait_received(sent)) return false;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.msgs_per_s = static_cast<double>(sent - first) / seconds;
  out.mib_per_s = out.msgs_per_s * static_cast<double>(size) / (1024.0 * 1024.0);
  (*client)->stop();
  (*server)->stop();
  return true;
}

}  // namespace
}  // namespace mq::conformance

int main(int argc, char** argv) {
  using namespace mq::conformance;
  const std::chrono::seconds duration(argc > 1 ? std::max(1, std::atoi(argv[1])) : 2);
  std::printf("| transport | frame | round trips/s | MiB/s (one way) | p50 us | p99 us |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  for (const auto& plugin : transports_under_test()) {
    TransportHarness harness(plugin);
    if (auto status = harness.load(); !status) {
      std::cerr << status.to_string() << "\n";
      return 1;
    }
    for (std::size_t size : {std::size_t{1024}, std::size_t{64 * 1024}}) {
      Figures figures;
      if (!run(harness, size, duration, figures)) {
        std::cerr << plugin.name << " " << size << ": run failed\n";
        return 1;
      }
      std::printf("| %s | %zu KiB | %.0f | %.1f | %.1f | %.1f |\n", plugin.name.c_str(),
                  size / 1024, figures.msgs_per_s, figures.mib_per_s, figures.p50_us,
                  figures.p99_us);
      std::fflush(stdout);
    }
  }
  return 0;
}
