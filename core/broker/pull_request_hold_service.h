// PullRequestHoldService: long polling. A pull that finds nothing new is held here instead of
// being answered, until a message for its queue arrives or its suspend time passes
// (remoting-protocol.md §3.3). Held pulls are data, not threads.
//
// hold() parks a retry closure; notify_arrival() (called after every stored message) runs the
// closures of that queue whose offset is now below the queue's end; check() (called every
// second from the timer thread) runs the ones whose deadline passed, and the ones the store
// has data for (in case an arrival was missed). A closure runs at most once, outside the lock.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mq::core {

class PullRequestHoldService {
 public:
  // `expired` is true when the suspend time has passed: the pull must answer now.
  using Retry = std::function<void(bool expired)>;

  void hold(const std::string& topic, std::int32_t queue_id, std::int64_t offset,
            std::int64_t deadline_ms, Retry retry);
  void notify_arrival(const std::string& topic, std::int32_t queue_id, std::int64_t max_offset);
  // `max_offset_of` reports a queue's current end.
  void check(std::int64_t now_ms,
             const std::function<std::int64_t(const std::string&, std::int32_t)>& max_offset_of);
  // Answers every held pull (shutdown).
  void release_all();
  std::size_t held() const;

 private:
  struct Held {
    std::int64_t offset;
    std::int64_t deadline_ms;
    Retry retry;
  };
  using Key = std::pair<std::string, std::int32_t>;

  mutable std::mutex mu_;
  std::map<Key, std::vector<Held>> held_;  // guarded by mu_
};

}  // namespace mq::core
