#include "broker/pull_request_hold_service.h"

namespace mq::core {

void PullRequestHoldService::hold(const std::string& topic, std::int32_t queue_id,
                                  std::int64_t offset, std::int64_t deadline_ms, Retry retry) {
  std::lock_guard lock(mu_);
  held_[{topic, queue_id}].push_back(Held{offset, deadline_ms, std::move(retry)});
}

void PullRequestHoldService::notify_arrival(const std::string& topic, std::int32_t queue_id,
                                            std::int64_t max_offset) {
  std::vector<Retry> ready;
  {
    std::lock_guard lock(mu_);
    auto it = held_.find({topic, queue_id});
    if (it == held_.end()) return;
    auto& list = it->second;
    for (auto entry = list.begin(); entry != list.end();) {
      if (entry->offset < max_offset) {
        ready.push_back(std::move(entry->retry));
        entry = list.erase(entry);
      } else {
        ++entry;
      }
    }
    if (list.empty()) held_.erase(it);
  }
  for (auto& retry : ready) retry(false);
}

void PullRequestHoldService::check(
    std::int64_t now_ms,
    const std::function<std::int64_t(const std::string&, std::int32_t)>& max_offset_of) {
  std::vector<std::pair<Retry, bool>> ready;
  std::vector<Key> keys;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, list] : held_) keys.push_back(key);
  }
  for (const auto& key : keys) {
    const std::int64_t max_offset = max_offset_of(key.first, key.second);
    std::lock_guard lock(mu_);
    auto it = held_.find(key);
    if (it == held_.end()) continue;
    auto& list = it->second;
    for (auto entry = list.begin(); entry != list.end();) {
      const bool expired = entry->deadline_ms <= now_ms;
      if (expired || entry->offset < max_offset) {
        ready.emplace_back(std::move(entry->retry), expired);
        entry = list.erase(entry);
      } else {
        ++entry;
      }
    }
    if (list.empty()) held_.erase(it);
  }
  for (auto& [retry, expired] : ready) retry(expired);
}

void PullRequestHoldService::release_all() {
  std::map<Key, std::vector<Held>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(held_);
  }
  for (auto& [key, list] : all) {
    for (auto& entry : list) entry.retry(true);
  }
}

std::size_t PullRequestHoldService::held() const {
  std::lock_guard lock(mu_);
  std::size_t count = 0;
  for (const auto& [key, list] : held_) count += list.size();
  return count;
}

}  // namespace mq::core
