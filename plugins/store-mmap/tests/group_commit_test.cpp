// GroupCommitter: waiters complete after the sync that covers them, one sync serves a group,
// timeouts, sticky failure, ASYNC periodic flush.
#include "group_commit.h"

#include "fake_host.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace mq::store_mmap {
namespace {

using testing::FakeHost;

// A log whose "sync" makes `written` durable; the first sync can be held at a gate.
struct FakeLog {
  std::atomic<std::int64_t> written{0};
  std::atomic<int> syncs{0};
  std::mutex mu;
  std::condition_variable cv;
  bool gate_open = true;
  bool fail = false;

  sdk::Result<std::int64_t> flush() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return gate_open; });
    ++syncs;
    if (fail) return sdk::Status(sdk::StatusCode::kIoError, "injected");
    return written.load();
  }
  void open_gate() {
    {
      std::lock_guard lock(mu);
      gate_open = true;
    }
    cv.notify_all();
  }
};

GroupCommitter::Options sync_options(std::int64_t timeout_ms) {
  GroupCommitter::Options options;
  options.sync_flush = true;
  options.sync_flush_timeout_ms = timeout_ms;
  options.interval_ms = 10;
  return options;
}

TEST(GroupCommit, OneSyncCompletesEveryWaitingAppend) {
  FakeHost host;
  FakeLog log;
  log.gate_open = false;  // the first sync blocks until every waiter has registered
  GroupCommitter committer(
      sync_options(5000), [&log] { return log.flush(); }, [&log] { return log.written.load(); }, 0,
      host.clock(), host.metrics(), host.logger());
  committer.start();
  std::atomic<int> ok{0};
  std::atomic<std::int64_t> durable_seen_at_completion{-1};
  constexpr int kAppends = 200;
  for (int i = 1; i <= kAppends; ++i) {
    log.written = i * 100;
    committer.wait_durable(i * 100, [&, i](const sdk::Status& status) {
      EXPECT_TRUE(status.is_ok()) << status.to_string();
      EXPECT_GE(committer.durable_end(), i * 100) << "completed before its bytes were durable";
      ok.fetch_add(1);
    });
  }
  log.open_gate();
  for (int spin = 0; spin < 2000 && ok.load() < kAppends; ++spin) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(ok.load(), kAppends);
  EXPECT_LE(committer.sync_count(), 3) << "one sync for the blocked round, one for the rest";
  EXPECT_EQ(host.metrics_.get("store.commitlog.syncs"), committer.sync_count());
  committer.stop();
}

TEST(GroupCommit, AlreadyDurableCompletesInline) {
  FakeHost host;
  FakeLog log;
  GroupCommitter committer(
      sync_options(5000), [&log] { return log.flush(); }, [] { return std::int64_t{0}; }, 500,
      host.clock(), host.metrics(), host.logger());
  committer.start();
  bool inline_done = false;
  committer.wait_durable(400, [&](const sdk::Status& status) { inline_done = status.is_ok(); });
  EXPECT_TRUE(inline_done);
  committer.stop();
}

TEST(GroupCommit, TimesOutWithFlushDiskTimeout) {
  FakeHost host;
  FakeLog log;
  log.written = 100;  // the sync never reaches the waiter's end
  GroupCommitter committer(
      sync_options(50), [&log] { return log.flush(); }, [] { return std::int64_t{1}; }, 0,
      host.clock(), host.metrics(), host.logger());
  committer.start();
  std::promise<sdk::Status> promise;
  committer.wait_durable(200, [&](const sdk::Status& status) { promise.set_value(status); });
  auto future = promise.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(future.get().code(), sdk::StatusCode::kFlushDiskTimeout);
  committer.stop();
}

TEST(GroupCommit, FailedSyncIsSticky) {
  FakeHost host;
  FakeLog log;
  log.fail = true;
  log.written = 100;
  GroupCommitter committer(
      sync_options(5000), [&log] { return log.flush(); }, [] { return std::int64_t{1}; }, 0,
      host.clock(), host.metrics(), host.logger());
  committer.start();
  std::promise<sdk::Status> promise;
  committer.wait_durable(100, [&](const sdk::Status& status) { promise.set_value(status); });
  auto future = promise.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(future.get().code(), sdk::StatusCode::kFlushDiskTimeout);
  EXPECT_TRUE(committer.failed());
  committer.stop();
}

TEST(GroupCommit, AsyncFlushRunsPeriodically) {
  FakeHost host;
  FakeLog log;
  log.written = 100;
  GroupCommitter::Options options;
  options.interval_ms = 5;
  options.least_bytes = 1;
  GroupCommitter committer(
      options, [&log] { return log.flush(); },
      [&committer, &log] { return log.written.load() - committer.durable_end(); }, 0, host.clock(),
      host.metrics(), host.logger());
  committer.start();
  for (int spin = 0; spin < 1000 && committer.durable_end() < 100; ++spin) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(committer.durable_end(), 100);
  committer.stop();
}

}  // namespace
}  // namespace mq::store_mmap
