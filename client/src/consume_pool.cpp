#include "consume_pool.h"

namespace mq::client {

ConsumePool::ConsumePool(std::size_t threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

ConsumePool::~ConsumePool() { stop(); }

bool ConsumePool::submit(std::function<void()> task) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  queue_.push_back(std::move(task));
  wake_.notify_one();
  return true;
}

void ConsumePool::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
    wake_.notify_all();
  }
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void ConsumePool::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
  }
}

}  // namespace mq::client
