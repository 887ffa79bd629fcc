// bench_store: append N 1 KiB messages from K threads to a store plugin, then read them back,
// for store-mmap and store-lmdb under ASYNC_FLUSH and SYNC_FLUSH. Loads the plugins through
// PluginHost as the broker does. Usage: bench_store [messages] [threads] [plugin...]
#include "store_harness.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace mq::conformance {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(const PluginUnderTest& plugin, sdk::FlushDiskType flush, int messages, int threads) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.mapped_file_size_commit_log = 64LL << 20;
  options.max_message_size = 4 << 20;
  options.flush_disk_type = flush;
  options.flush_interval_commit_log_ms = 500;
  StoreHarness harness(plugin);
  auto opened = harness.open(options);
  if (!opened) {
    std::fprintf(stderr, "%s: %s\n", plugin.name.c_str(), opened.to_string().c_str());
    return 1;
  }
  auto& store = harness.store();
  const int each = messages / threads;
  std::atomic<int> failed{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const OwnedMessage message("BenchTopic", t, std::string(1024, 'x'), "TagA");
      auto in_flight = std::make_shared<std::atomic<int>>(0);
      for (int i = 0; i < each; ++i) {
        while (in_flight->load() >= 128) std::this_thread::sleep_for(std::chrono::microseconds(20));
        in_flight->fetch_add(1);
        store.append(message.message(),
                     [in_flight, &failed](const sdk::Status& status, const sdk::AppendResult&) {
                       if (!status) failed.fetch_add(1);
                       in_flight->fetch_sub(1);
                     });
      }
      while (in_flight->load() > 0) std::this_thread::sleep_for(std::chrono::microseconds(20));
    });
  }
  for (auto& worker : workers) worker.join();
  const double append_s = seconds_since(start);
  workers.clear();
  std::atomic<long> read{0};
  start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::int64_t next = 0;
      for (;;) {
        auto result = store.read_queue("BenchTopic", t, sdk::QueueOffset(next), 32, 1 << 20, {});
        if (result.status != sdk::ReadStatus::kFound) break;
        read.fetch_add(static_cast<long>(result.records.size()));
        next = result.next_offset.value();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double read_s = seconds_since(start);
  const double total = static_cast<double>(each) * threads;
  std::printf("| %s | %s | %d | %d | %.0f | %.1f | %.0f | %d |\n", plugin.name.c_str(),
              flush == sdk::FlushDiskType::kSyncFlush ? "SYNC_FLUSH" : "ASYNC_FLUSH",
              static_cast<int>(total), threads, total / append_s,
              total * 1024 / append_s / (1 << 20), static_cast<double>(read.load()) / read_s,
              failed.load());
  std::fflush(stdout);
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mq::conformance

int main(int argc, char** argv) {
  using namespace mq::conformance;
  const int messages = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 4;
  std::vector<PluginUnderTest> plugins;
  for (int i = 3; i < argc; ++i) plugins.push_back({MQ_PLUGIN_DIR, argv[i]});
  if (plugins.empty()) plugins = plugins_under_test();
  std::printf(
      "| plugin | flush | messages | threads | append msg/s | append MiB/s | read msg/s | "
      "failed |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
  int rc = 0;
  for (const auto& plugin : plugins) {
    for (auto flush : {mq::sdk::FlushDiskType::kAsyncFlush, mq::sdk::FlushDiskType::kSyncFlush}) {
      rc |= run(plugin, flush, messages, threads);
    }
  }
  return rc;
}
