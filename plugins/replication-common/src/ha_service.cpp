#include "ha_service.h"

namespace mq::replication {

using sdk::Status;
using sdk::StatusCode;

HaService::HaService(sdk::HostServices& host, const sdk::ReplicationOptions& options,
                     MasterHooks* hooks)
    : host_(host), options_(options), hooks_(hooks), pending_address_(options.ha_master_address) {}

HaService::~HaService() { stop(); }

Status HaService::start(sdk::MessageStore& store) noexcept {
  std::lock_guard lock(mu_);
  if (store_ != nullptr || stopped_) {
    return Status(StatusCode::kInvalidArgument, "the replication policy was already started");
  }
  try {
    if (is_slave()) {
      auto follower = std::make_unique<SlaveFollower>(host_, options_, store, pending_address_);
      auto status = follower->start();
      if (!status) return status;
      host_.logger().info("SLAVE: following ",
                          pending_address_.empty() ? std::string("(master address not known yet)")
                                                   : pending_address_,
                          " from log end ", store.log_end().value());
      follower_ = std::move(follower);
    } else {
      auto streamer = std::make_unique<MasterStreamer>(host_, options_, store, hooks_);
      auto status = streamer->start();
      if (!status) return status;
      streamer_ = std::move(streamer);
      streamer_fast_.store(streamer_.get(), std::memory_order_release);
    }
  } catch (const std::exception& e) {
    return Status(StatusCode::kResourceExhausted,
                  std::string("cannot start replication: ") + e.what());
  }
  store_ = &store;
  return Status::ok();
}

void HaService::stop() noexcept {
  std::lock_guard lock(mu_);
  stopped_ = true;
  if (streamer_) streamer_->stop();
  if (follower_) follower_->stop();
}

void HaService::notify_appended() noexcept {
  MasterStreamer* streamer = streamer_fast_.load(std::memory_order_acquire);
  if (streamer != nullptr) streamer->notify();
}

void HaService::set_master_address(std::string_view address) noexcept {
  if (!is_slave()) return;
  std::lock_guard lock(mu_);
  if (follower_) {
    follower_->set_master_address(address);
    return;
  }
  try {
    pending_address_ = std::string(address);
  } catch (...) {
  }
}

MasterStreamer::Snapshot HaService::master_snapshot() const noexcept {
  MasterStreamer* streamer = streamer_fast_.load(std::memory_order_acquire);
  return streamer != nullptr ? streamer->snapshot() : MasterStreamer::Snapshot{};
}

sdk::ReplicationState HaService::state() const noexcept {
  sdk::ReplicationState state;
  std::lock_guard lock(mu_);
  if (store_ == nullptr) return state;
  try {
    if (follower_) {
      auto snapshot = follower_->snapshot();
      state.slave_attached = snapshot.connected;
      state.master_end = sdk::PhysicalOffset(snapshot.master_end);
      state.slave_acked = sdk::PhysicalOffset(snapshot.reported);
      state.peer_address = std::move(snapshot.master);
    } else if (streamer_) {
      auto snapshot = streamer_->snapshot();
      state.slave_attached = snapshot.attached > 0;
      state.master_end = store_->log_end();
      state.slave_acked = sdk::PhysicalOffset(snapshot.acked < 0 ? 0 : snapshot.acked);
      state.peer_address = std::move(snapshot.peer);
    }
  } catch (...) {
  }
  return state;
}

}  // namespace mq::replication
