// mqbench: load generator for RocketMQ-compatible brokers, on our C++ client.
//
//   mqbench produce -n ADDR -t TOPIC [--size 1024] [--producers 1] [--inflight 256]
//                   [--batch 1] [--duration 10] [--count N] [--rate R] [--json]
//   mqbench consume -n ADDR -t TOPIC [--group G] [--count N] [--duration 10] [--pull-batch 32]
//                   [--json]
//   (every mode: [--unix-socket-dir /tmp]; "" keeps a local broker on TCP)
//   mqbench e2e     -n ADDR -t TOPIC [--size 1024] [--inflight 256] [--duration 10] [--rate R]
//
// produce: async sends with at most --inflight outstanding per producer (a window); with
// --rate the sends are scheduled at a fixed rate and latency is measured from the scheduled
// time, so a stall shows up in the percentiles instead of slowing the load (no coordinated
// omission). consume: pulls every queue of the topic from its minimum offset as fast as the
// broker answers, one puller per queue, until every queue is caught up. e2e: one producer and one
// push consumer; latency is from the send to the delivery, read from a timestamp the producer
// writes into each body. A progress line every second; a summary at the end (msgs/s, MB/s, latency
// percentiles, errors by status); --json prints the summary as one JSON object.
#include "latency_histogram.h"
#include "mq/client/producer.h"
#include "mq/client/pull_consumer.h"
#include "mq/client/push_consumer.h"

#include "common/command_line.h"
#include "remoting/json.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using mq::bench::LatencyHistogram;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string mode;
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "BenchmarkTopic";
  std::string group = "mqbench";
  std::size_t size = 1024;
  int producers = 1;
  int inflight = 256;
  int batch = 1;
  double duration_s = 10;
  std::int64_t count = 0;
  double rate = 0;
  bool json = false;
  int pull_batch = 32;
  // Where the client looks for a local broker's Unix socket; empty keeps it on TCP.
  std::string unix_socket_dir = "/tmp";
};

// Counters shared by the workers and the reporter.
struct Totals {
  std::atomic<std::int64_t> messages{0};
  std::atomic<std::int64_t> bytes{0};
  std::mutex mu;
  std::map<std::string, std::int64_t> errors;  // guarded by mu
  LatencyHistogram latency;                    // guarded by mu
  LatencyHistogram window_latency;             // guarded by mu: since the last progress line

  void record(std::int64_t messages_done, std::int64_t bytes_done, std::int64_t latency_us) {
    messages.fetch_add(messages_done, std::memory_order_relaxed);
    bytes.fetch_add(bytes_done, std::memory_order_relaxed);
    std::lock_guard lock(mu);
    latency.record(latency_us);
    window_latency.record(latency_us);
  }
  void error(const std::string& what) {
    std::lock_guard lock(mu);
    ++errors[what];
  }
};

// Prints a progress line every second until `stop`.
void report_progress(Totals& totals, const std::atomic<bool>& stop, bool quiet) {
  std::int64_t last_messages = 0, last_bytes = 0;
  auto last = Clock::now();
  while (!stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Clock::now() - last < std::chrono::seconds(1)) continue;
    const double seconds = std::chrono::duration<double>(Clock::now() - last).count();
    last = Clock::now();
    const auto messages = totals.messages.load();
    const auto bytes = totals.bytes.load();
    std::int64_t p99 = 0, errors = 0;
    {
      std::lock_guard lock(totals.mu);
      p99 = totals.window_latency.percentile(0.99);
      totals.window_latency = LatencyHistogram();
      for (const auto& [what, n] : totals.errors) errors += n;
    }
    if (!quiet) {
      std::fprintf(stderr, "%10.0f msgs/s  %8.1f MB/s  p99 %8lld us  errors %lld\n",
                   static_cast<double>(messages - last_messages) / seconds,
                   static_cast<double>(bytes - last_bytes) / seconds / 1e6,
                   static_cast<long long>(p99), static_cast<long long>(errors));
    }
    last_messages = messages;
    last_bytes = bytes;
  }
}

void print_summary(const Options& options, Totals& totals, double seconds,
                   const char* latency_name) {
  std::lock_guard lock(totals.mu);
  const auto messages = totals.messages.load();
  const double rate = static_cast<double>(messages) / seconds;
  const double mbps = static_cast<double>(totals.bytes.load()) / seconds / 1e6;
  const auto& h = totals.latency;
  if (options.json) {
    std::printf(
        "{\"mode\":\"%s\",\"messages\":%lld,\"seconds\":%.3f,\"msgs_per_s\":%.1f,\"mb_per_s\":%.2f,"
        "\"size\":%zu,\"%s_us\":{\"p50\":%lld,\"p99\":%lld,\"p999\":%lld,\"max\":%lld},\"errors\":"
        "{",
        options.mode.c_str(), static_cast<long long>(messages), seconds, rate, mbps, options.size,
        latency_name, static_cast<long long>(h.percentile(0.5)),
        static_cast<long long>(h.percentile(0.99)), static_cast<long long>(h.percentile(0.999)),
        static_cast<long long>(h.max()));
    bool first = true;
    for (const auto& [what, n] : totals.errors) {
      std::string key;
      mq::core::append_json_string(what, key);
      std::printf("%s%s:%lld", first ? "" : ",", key.c_str(), static_cast<long long>(n));
      first = false;
    }
    std::printf("}}\n");
    return;
  }
  std::printf("mode %s: %lld messages of %zu bytes in %.2f s\n", options.mode.c_str(),
              static_cast<long long>(messages), options.size, seconds);
  std::printf("throughput: %.0f msgs/s, %.1f MB/s\n", rate, mbps);
  std::printf("%s latency (us): p50 %lld  p99 %lld  p99.9 %lld  max %lld\n", latency_name,
              static_cast<long long>(h.percentile(0.5)), static_cast<long long>(h.percentile(0.99)),
              static_cast<long long>(h.percentile(0.999)), static_cast<long long>(h.max()));
  if (totals.errors.empty()) {
    std::printf("errors: none\n");
  } else {
    for (const auto& [what, n] : totals.errors) {
      std::printf("errors: %s x %lld\n", what.c_str(), static_cast<long long>(n));
    }
  }
}

bool time_is_up(const Options& options, Clock::time_point start, std::int64_t done) {
  if (options.count > 0) return done >= options.count;
  return Clock::now() - start >= std::chrono::duration<double>(options.duration_s);
}

// One producer's loop: keeps at most `inflight` sends outstanding.
void produce_loop(const Options& options, int index, Totals& totals, Clock::time_point start,
                  std::atomic<std::int64_t>& issued, std::atomic<bool>& failed_start) {
  mq::client::ProducerOptions producer_options{.namesrv_addr = options.namesrv,
                                               .group = options.group + "_producer",
                                               .instance_name = "mqbench-" + std::to_string(index)};
  producer_options.unix_socket_dir = options.unix_socket_dir;
  mq::client::Producer producer(producer_options);
  if (auto status = producer.start(); !status) {
    std::fprintf(stderr, "mqbench: %s\n", status.message().c_str());
    failed_start = true;
    return;
  }
  // What the completion of a send needs; the callback holds a pointer to it and the scheduled
  // time, small and plain enough to be stored without an allocation per send.
  struct Window {
    Window(const Options& o, Totals& t) : options(o), totals(t) {}
    const Options& options;
    Totals& totals;
    std::mutex mu;
    std::condition_variable slots;
    int outstanding = 0;
    int refill = 1;
  };
  Window window(options, totals);
  window.refill = std::clamp(options.inflight / 8, 1, 32);
  const std::string payload(options.size, 'x');
  const double per_producer_rate = options.rate / options.producers;
  std::int64_t sequence = 0;
  while (!failed_start && !time_is_up(options, start, issued.load())) {
    std::int64_t scheduled_ns = now_ns();
    if (per_producer_rate > 0) {
      scheduled_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch()).count() +
          static_cast<std::int64_t>(static_cast<double>(sequence) * 1e9 / per_producer_rate);
      while (now_ns() < scheduled_ns) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    ++sequence;
    {
      // A full window refills in steps of `refill` slots: waking the sender for every single
      // acknowledgement would cost a context switch per message on both sides.
      std::unique_lock lock(window.mu);
      if (window.outstanding >= options.inflight) {
        window.slots.wait(lock,
                          [&] { return window.outstanding <= options.inflight - window.refill; });
      }
      ++window.outstanding;
    }
    issued.fetch_add(options.batch);
    auto done = [w = &window, scheduled_ns](mq::sdk::Result<mq::client::SendResult> result) {
      const std::int64_t latency_us = (now_ns() - scheduled_ns) / 1000;
      if (!result.ok()) {
        w->totals.error(result.status().to_string().substr(0, 60));
      } else if (result->status != mq::client::SendStatus::kSendOk) {
        w->totals.error(std::string(mq::client::send_status_name(result->status)));
      } else {
        w->totals.record(w->options.batch,
                         static_cast<std::int64_t>(w->options.size) * w->options.batch, latency_us);
      }
      std::lock_guard lock(w->mu);
      if (--w->outstanding <= w->options.inflight - w->refill) w->slots.notify_one();
    };
    if (options.batch > 1) {
      std::vector<mq::client::Message> messages(
          static_cast<std::size_t>(options.batch),
          mq::client::Message{.topic = options.topic, .tags = "bench", .body = payload});
      producer.send_batch_async(messages, done);
    } else {
      producer.send_async(
          mq::client::Message{.topic = options.topic, .tags = "bench", .body = payload}, done);
    }
  }
  std::unique_lock lock(window.mu);
  window.slots.wait_for(lock, std::chrono::seconds(30), [&] { return window.outstanding == 0; });
}

int run_produce(const Options& options) {
  Totals totals;
  std::atomic<bool> stop{false}, failed_start{false};
  std::atomic<std::int64_t> issued{0};
  const auto start = Clock::now();
  std::thread reporter(report_progress, std::ref(totals), std::cref(stop), options.json);
  std::vector<std::thread> workers;
  for (int i = 0; i < options.producers; ++i) {
    workers.emplace_back(produce_loop, std::cref(options), i, std::ref(totals), start,
                         std::ref(issued), std::ref(failed_start));
  }
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  reporter.join();
  if (failed_start) return 1;
  print_summary(options, totals, seconds, "send-ack");
  return 0;
}

int run_consume(const Options& options) {
  mq::client::PullConsumerOptions consumer_options{.namesrv_addr = options.namesrv,
                                                   .group = options.group};
  consumer_options.unix_socket_dir = options.unix_socket_dir;
  mq::client::PullConsumer consumer(consumer_options);
  if (auto status = consumer.start(); !status) {
    std::fprintf(stderr, "mqbench: %s\n", status.message().c_str());
    return 1;
  }
  auto queues = consumer.fetch_subscribe_queues(options.topic);
  if (!queues.ok()) {
    std::fprintf(stderr, "mqbench: %s\n", queues.status().message().c_str());
    return 1;
  }
  Totals totals;
  std::atomic<bool> stop{false};
  const auto start = Clock::now();
  std::thread reporter(report_progress, std::ref(totals), std::cref(stop), options.json);
  std::vector<std::int64_t> offsets;
  for (const auto& queue : queues.value()) {
    auto min = consumer.min_offset(queue);
    offsets.push_back(min.ok() ? min.value() : 0);
  }
  // One puller per queue, so the broker serves the queues in parallel. A queue is done when it
  // is caught up (NO_NEW_MSG); the run ends when every queue is done, the count is reached or
  // the time is up, whichever comes first.
  std::vector<std::thread> pullers;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    pullers.emplace_back([&, i] {
      const auto& queue = queues.value()[i];
      std::int64_t offset = offsets[i];
      while (!time_is_up(options, start, totals.messages.load())) {
        const auto begin = now_ns();
        auto result = consumer.pull(queue, "*", offset, options.pull_batch);
        if (!result.ok()) {
          totals.error(result.status().to_string().substr(0, 60));
          continue;
        }
        offset = result->next_begin_offset;
        std::int64_t bytes = 0;
        for (const auto& m : result->messages) bytes += static_cast<std::int64_t>(m.body.size());
        if (!result->messages.empty()) {
          totals.record(static_cast<std::int64_t>(result->messages.size()), bytes,
                        (now_ns() - begin) / 1000);
        }
        if (result->status == mq::client::PullStatus::kNoNewMsg) return;
      }
    });
  }
  for (auto& puller : pullers) puller.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  reporter.join();
  print_summary(options, totals, seconds, "pull");
  return 0;
}

int run_e2e(const Options& options) {
  Totals totals;
  mq::client::ProducerOptions producer_options{.namesrv_addr = options.namesrv,
                                               .group = options.group + "_producer"};
  producer_options.unix_socket_dir = options.unix_socket_dir;
  mq::client::Producer producer(producer_options);
  if (auto status = producer.start(); !status) {
    std::fprintf(stderr, "mqbench: %s\n", status.message().c_str());
    return 1;
  }
  // One warm-up send makes the broker create the topic and register its route, so the
  // consumer finds it when it starts.
  auto warm_up =
      producer.send(mq::client::Message{.topic = options.topic, .body = std::string(8, '\0')});
  if (!warm_up.ok()) {
    std::fprintf(stderr, "mqbench: %s\n", warm_up.status().message().c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  mq::client::PushConsumerOptions consumer_options{
      .namesrv_addr = options.namesrv,
      .group = options.group,
      .consume_from = mq::client::ConsumeFromWhere::kLastOffset,
      .consume_threads = 2,
      .consume_batch_size = 32};
  consumer_options.unix_socket_dir = options.unix_socket_dir;
  mq::client::PushConsumer consumer(consumer_options);
  consumer.subscribe(options.topic, "*");
  std::atomic<bool> measuring{false};
  consumer.register_listener(
      [&totals, &measuring](const std::vector<mq::client::MessageExt>& batch) {
        const auto now = now_ns();
        for (const auto& m : batch) {
          std::int64_t sent_ns = 0;
          if (m.body.size() >= sizeof(sent_ns))
            std::memcpy(&sent_ns, m.body.data(), sizeof(sent_ns));
          if (sent_ns == 0 || !measuring) continue;  // the warm-up message
          totals.record(1, static_cast<std::int64_t>(m.body.size()), (now - sent_ns) / 1000);
        }
        return mq::client::ConsumeResult::kConsumeSuccess;
      });
  if (auto status = consumer.start(); !status) {
    std::fprintf(stderr, "mqbench: %s\n", status.message().c_str());
    return 1;
  }
  // Wait until the consumer owns its queues (its first rebalance). Queues join one at a time,
  // each once its start offset (the queue's end, kLastOffset) is known, and a message sent to a
  // queue before that would be skipped: wait until the set has stopped growing for 500 ms.
  std::size_t owned = 0;
  for (int i = 0, stable = 0; i < 200 && (owned == 0 || stable < 5); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::size_t now_owned = consumer.assigned_queues().size();
    stable = now_owned == owned ? stable + 1 : 0;
    owned = now_owned;
  }
  measuring = true;
  std::atomic<bool> stop{false};
  std::thread reporter(report_progress, std::ref(totals), std::cref(stop), options.json);
  std::atomic<int> outstanding{0};
  const auto start = Clock::now();
  std::int64_t sent = 0;
  std::string body(std::max<std::size_t>(options.size, 8), 'x');
  while (!time_is_up(options, start, sent)) {
    if (options.rate > 0) {
      const auto due =
          start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(sent) / options.rate));
      std::this_thread::sleep_until(due);
    }
    while (outstanding.load() >= options.inflight) std::this_thread::yield();
    const std::int64_t stamp = now_ns();
    std::memcpy(body.data(), &stamp, sizeof(stamp));
    ++outstanding;
    producer.send_async(mq::client::Message{.topic = options.topic, .body = body},
                        [&](mq::sdk::Result<mq::client::SendResult> result) {
                          if (!result.ok()) totals.error(result.status().to_string().substr(0, 60));
                          --outstanding;
                        });
    ++sent;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (totals.messages.load() < sent && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  reporter.join();
  print_summary(options, totals, seconds, "end-to-end");
  producer.shutdown();
  consumer.shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using mq::apps::CommandLine;
  using mq::apps::OptionSpec;
  const std::vector<OptionSpec> specs{
      {'n', "namesrvAddr", true, "ADDR", "name server address (default 127.0.0.1:9876)"},
      {'t', "topic", true, "TOPIC", "topic (default BenchmarkTopic)"},
      {'g', "group", true, "GROUP", "consumer group (default mqbench)"},
      {'s', "size", true, "BYTES", "message body size (default 1024)"},
      {'p', "producers", true, "N", "producers, one connection each (default 1)"},
      {'w', "inflight", true, "N", "sends in flight per producer (default 256)"},
      {'b', "batch", true, "N", "messages per SEND_BATCH_MESSAGE (default 1: single sends)"},
      {'d', "duration", true, "SECONDS", "how long to run (default 10)"},
      {'c', "count", true, "N", "stop after N messages instead"},
      {'r', "rate", true, "MSGS_PER_S", "fixed send rate; latency from the scheduled time"},
      {0, "pull-batch", true, "N", "messages per pull in consume mode (default 32)"},
      {0, "unix-socket-dir", true, "DIR",
       "where a local broker's Unix socket is looked for (default /tmp; \"\" = TCP only)"},
      {0, "json", false, "", "print the summary as one JSON object"},
      {'h', "help", false, "", "show this help"},
  };
  const std::string synopsis = "produce|consume|e2e [options]";
  if (argc < 2 || std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help") {
    std::cout << CommandLine::usage("mqbench", synopsis, specs);
    return argc < 2 ? 2 : 0;
  }
  auto args = CommandLine::parse(specs, argc, argv, 2);
  if (!args.ok()) {
    std::fprintf(stderr, "mqbench: %s\n", args.status().message().c_str());
    return 2;
  }
  Options options;
  options.mode = argv[1];
  try {
    if (auto v = args->value("namesrvAddr")) options.namesrv = *v;
    if (auto v = args->value("topic")) options.topic = *v;
    if (auto v = args->value("group")) options.group = *v;
    if (auto v = args->value("size")) options.size = std::stoul(*v);
    if (auto v = args->value("producers")) options.producers = std::max(1, std::stoi(*v));
    if (auto v = args->value("inflight")) options.inflight = std::max(1, std::stoi(*v));
    if (auto v = args->value("batch")) options.batch = std::max(1, std::stoi(*v));
    if (auto v = args->value("duration")) options.duration_s = std::stod(*v);
    if (auto v = args->value("count")) options.count = std::stoll(*v);
    if (auto v = args->value("rate")) options.rate = std::stod(*v);
    if (auto v = args->value("pull-batch")) options.pull_batch = std::max(1, std::stoi(*v));
    if (auto v = args->value("unix-socket-dir")) options.unix_socket_dir = *v;
  } catch (const std::exception&) {
    std::fprintf(stderr, "mqbench: a numeric option has a value that is not a number\n");
    return 2;
  }
  options.json = args->has("json");
  if (options.mode == "produce") return run_produce(options);
  if (options.mode == "consume") return run_consume(options);
  if (options.mode == "e2e") return run_e2e(options);
  std::fprintf(stderr, "mqbench: unknown mode '%s'; use produce, consume or e2e\n",
               options.mode.c_str());
  return 2;
}
