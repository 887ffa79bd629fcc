// AckWaiters: completion by acknowledgement, by deadline and by close; each callback once.
#include "ack_waiters.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace mq::replication {
namespace {

using sdk::Status;
using sdk::StatusCode;

// Records each waiter's outcome by name; a second completion fails the test.
struct Outcomes {
  std::map<std::string, StatusCode> codes;
  AckWaiters::Callback make(const std::string& name) {
    return [this, name](const Status& status) {
      EXPECT_EQ(codes.count(name), 0u) << name << " completed twice";
      codes[name] = status.code();
    };
  }
};

TEST(AckWaiters, AnAcknowledgementCompletesEveryWaiterAtOrBelowIt) {
  AckWaiters waiters;
  Outcomes out;
  waiters.add(100, 1000, out.make("a"));
  waiters.add(300, 1000, out.make("c"));
  waiters.add(200, 1000, out.make("b"));
  waiters.acknowledge(99);
  EXPECT_TRUE(out.codes.empty());
  waiters.acknowledge(200);
  EXPECT_EQ(out.codes,
            (std::map<std::string, StatusCode>{{"a", StatusCode::kOk}, {"b", StatusCode::kOk}}));
  EXPECT_EQ(waiters.size(), 1u);
  waiters.acknowledge(150);  // going back changes nothing
  EXPECT_EQ(waiters.acked(), 200);
  waiters.acknowledge(300);
  EXPECT_EQ(out.codes["c"], StatusCode::kOk);
  EXPECT_EQ(waiters.size(), 0u);
}

TEST(AckWaiters, AlreadyAcknowledgedCompletesInline) {
  AckWaiters waiters;
  waiters.acknowledge(500);
  Outcomes out;
  waiters.add(500, 1000, out.make("x"));
  EXPECT_EQ(out.codes["x"], StatusCode::kOk);
  EXPECT_EQ(waiters.size(), 0u);
}

TEST(AckWaiters, DeadlinesExpireToFlushSlaveTimeout) {
  AckWaiters waiters;
  Outcomes out;
  waiters.add(100, 50, out.make("early"));
  waiters.add(200, 80, out.make("late"));
  EXPECT_EQ(waiters.expire(10), 50);
  EXPECT_TRUE(out.codes.empty());
  EXPECT_EQ(waiters.expire(60), 80);
  EXPECT_EQ(out.codes["early"], StatusCode::kFlushSlaveTimeout);
  EXPECT_EQ(waiters.expire(80), AckWaiters::kNoDeadline);
  EXPECT_EQ(out.codes["late"], StatusCode::kFlushSlaveTimeout);
  waiters.acknowledge(1000);  // nothing left to complete twice
  EXPECT_EQ(out.codes.size(), 2u);
}

TEST(AckWaiters, CloseCompletesPendingAndLaterWaiters) {
  AckWaiters waiters;
  Outcomes out;
  waiters.add(100, 50, out.make("pending"));
  waiters.close(Status(StatusCode::kUnavailable, "stopped"));
  EXPECT_EQ(out.codes["pending"], StatusCode::kUnavailable);
  EXPECT_TRUE(waiters.closed());
  waiters.add(10, 50, out.make("later"));
  EXPECT_EQ(out.codes["later"], StatusCode::kUnavailable);
  EXPECT_EQ(waiters.expire(1000), AckWaiters::kNoDeadline);
}

TEST(AckWaiters, ACallbackMayAddAnotherWaiter) {
  AckWaiters waiters;
  Outcomes out;
  waiters.add(100, 1000, [&](const Status&) { waiters.add(100, 1000, out.make("inner")); });
  waiters.acknowledge(100);
  EXPECT_EQ(out.codes["inner"], StatusCode::kOk);
}

}  // namespace
}  // namespace mq::replication
