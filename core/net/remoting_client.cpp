#include "net/remoting_client.h"

#include "common/clock.h"
#include "remoting/remoting_codec.h"

#include <atomic>
#include <chrono>
#include <future>

namespace mq::core {
std::int32_t next_opaque() noexcept {
  static std::atomic<std::int32_t> counter{1};
  std::int32_t value = counter.fetch_add(1, std::memory_order_relaxed);
  if (value <= 0) {  // wrapped: restart at 1 (opaque 0 is never used)
    counter.store(2, std::memory_order_relaxed);
    value = 1;
  }
  return value;
}

// One outgoing connection. It is the FrameHandler of that connection.
class RemotingClient::Connection final : public sdk::FrameHandler {
 public:
  Connection(RemotingClient& client, sdk::Transport& transport, std::string address)
      : client_(client), transport_(transport), address_(std::move(address)) {}

  sdk::Transport& transport() { return transport_; }
  const std::string& address() const { return address_; }
  sdk::ConnectionId id() const { return id_.load(); }
  void set_id(sdk::ConnectionId id) { id_.store(id); }
  bool closed() const { return closed_.load(); }

  void on_open(sdk::ConnectionId id, std::string_view peer,
               std::string_view local) noexcept override {
    id_.store(id);
    peer_ = std::string(peer);
    local_ = std::string(local);
  }

  void on_frame(sdk::ConnectionId id, sdk::Bytes frame) noexcept override {
    auto decoded = decode_frame(std::move(frame));
    if (!decoded.ok()) {
      transport_.close(id);
      return;
    }
    RemotingCommand command = std::move(decoded).value();
    if (command.is_response()) {
      client_.on_response(std::move(command));
      return;
    }
    if (client_.push_processor_ == nullptr) return;
    Channel channel{&transport_, id, peer_, local_};
    const bool oneway = command.is_oneway();
    const std::int32_t opaque = command.opaque;
    const SerializeType type = command.serialize_type;
    sdk::Transport* transport = &transport_;
    Responder respond = [transport, id, oneway, opaque, type](RemotingCommand response) {
      if (oneway) return;
      response.opaque = opaque;
      response.flag = kFlagResponse;
      response.serialize_type = type;
      static_cast<void>(transport->send(id, encode_frame(std::move(response))));
    };
    try {
      client_.push_processor_->process(channel, std::move(command), respond);
    } catch (...) {
      // A push handler failure must not break the connection.
    }
  }

  // closed() turns true only at the end of on_connection_closed(): the client's destructor
  // waits for it, so the client outlives the bookkeeping of this close.
  void on_close(sdk::ConnectionId, const sdk::Status& why) noexcept override {
    client_.on_connection_closed(this, why);
  }
  void mark_closed() { closed_.store(true); }

 private:
  RemotingClient& client_;
  sdk::Transport& transport_;
  std::string address_;
  std::string peer_, local_;
  std::atomic<sdk::ConnectionId> id_{0};
  std::atomic<bool> closed_{false};
};

RemotingClient::RemotingClient(std::vector<sdk::Transport*> transports,
                               RequestProcessor* push_processor)
    : transports_(std::move(transports)),
      push_processor_(push_processor),
      sweeper_([this] { sweep_timeouts(); }) {}

RemotingClient::~RemotingClient() {
  std::vector<std::shared_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [address, connection] : connections_) connections.push_back(connection);
    connections.insert(connections.end(), closing_.begin(), closing_.end());
    sweep_wake_.notify_all();
  }
  sweeper_.join();
  for (auto& connection : connections) connection->transport().close(connection->id());
  // Fail whatever is still pending; late on_close calls find nothing to do.
  std::map<std::int32_t, Pending> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(pending_);
  }
  for (auto& [opaque, call] : pending) {
    call.done(sdk::Status(sdk::StatusCode::kClosed, "client shut down"));
  }
  // Wait until the transports delivered on_close for our connections, so no callback can
  // reach this object after it is gone.
  for (auto& connection : connections) {
    for (int i = 0; i < 2000 && !connection->closed(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

sdk::Result<std::shared_ptr<RemotingClient::Connection>> RemotingClient::connection_to(
    std::string_view address) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return sdk::Status(sdk::StatusCode::kClosed, "client shut down");
    auto it = connections_.find(address);
    if (it != connections_.end() && !it->second->closed()) return it->second;
  }
  std::lock_guard connect_lock(connect_mu_);
  {
    std::lock_guard lock(mu_);
    auto it = connections_.find(address);
    if (it != connections_.end() && !it->second->closed()) return it->second;
  }
  std::string dial = dial_address_mapper_ ? dial_address_mapper_(address) : std::string(address);
  auto find_transport = [this](std::string_view target) -> sdk::Transport* {
    for (auto* candidate : transports_) {
      if (candidate->accepts_address(target)) return candidate;
    }
    return nullptr;
  };
  sdk::Transport* transport = find_transport(dial);
  if (transport == nullptr && dial != address) {
    dial = std::string(address);  // no transport for the mapped address: dial the original
    transport = find_transport(dial);
  }
  if (transport == nullptr) {
    return sdk::Status(sdk::StatusCode::kInvalidArgument,
                       "no loaded transport serves address '" + std::string(address) + "'");
  }
  auto connection = std::make_shared<Connection>(*this, *transport, std::string(address));
  auto id = transport->connect(dial, *connection);
  if (!id.ok()) {
    return sdk::Status(sdk::StatusCode::kUnavailable,
                       id.status().message().find(dial) != std::string::npos
                           ? id.status().message()
                           : "cannot connect to " + dial + ": " + id.status().message());
  }
  connection->set_id(id.value());
  std::lock_guard lock(mu_);
  connections_[std::string(address)] = connection;
  return connection;
}

void RemotingClient::invoke_async(std::string_view address, RemotingCommand request,
                                  std::int64_t timeout_ms, ResponseCallback done) {
  auto connection = connection_to(address);
  if (!connection.ok()) {
    done(connection.status());
    return;
  }
  request.opaque = next_opaque();
  request.flag &= ~kFlagResponse;
  const std::int32_t opaque = request.opaque;
  {
    std::lock_guard lock(mu_);
    const std::int64_t deadline = steady_clock_ns() + timeout_ms * 1'000'000;
    pending_[opaque] = Pending{connection.value(), deadline, timeout_ms, std::move(done)};
    // Wake the sweeper only when this deadline comes before the one it already waits for:
    // a wake-up per request would cost a context switch per message.
    if (deadline < sweeper_wake_ns_) sweep_wake_.notify_all();
  }
  auto status = connection.value()->transport().send(connection.value()->id(),
                                                     encode_frame(std::move(request)));
  if (!status) {
    ResponseCallback callback;
    {
      std::lock_guard lock(mu_);
      auto it = pending_.find(opaque);
      if (it == pending_.end()) return;  // already completed (closed meanwhile)
      callback = std::move(it->second.done);
      pending_.erase(it);
    }
    callback(sdk::Status(status.code(),
                         "cannot send to " + std::string(address) + ": " + status.message()));
  }
}

sdk::Result<RemotingCommand> RemotingClient::invoke(std::string_view address,
                                                    RemotingCommand request,
                                                    std::int64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<sdk::Result<RemotingCommand>>>();
  auto future = promise->get_future();
  invoke_async(
      address, std::move(request), timeout_ms,
      [promise](sdk::Result<RemotingCommand> result) { promise->set_value(std::move(result)); });
  return future.get();
}

sdk::Status RemotingClient::invoke_oneway(std::string_view address, RemotingCommand request) {
  auto connection = connection_to(address);
  if (!connection.ok()) return connection.status();
  request.opaque = next_opaque();
  request.flag = (request.flag & ~kFlagResponse) | kFlagOneway;
  return connection.value()->transport().send(connection.value()->id(),
                                              encode_frame(std::move(request)));
}

void RemotingClient::close(std::string_view address) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mu_);
    auto it = connections_.find(address);
    if (it == connections_.end()) return;
    connection = it->second;
    connections_.erase(it);
    if (!connection->closed()) closing_.push_back(connection);
  }
  connection->transport().close(connection->id());
}

void RemotingClient::on_response(RemotingCommand response) {
  ResponseCallback callback;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(response.opaque);
    if (it == pending_.end()) return;  // timed out already, or not ours
    callback = std::move(it->second.done);
    pending_.erase(it);
  }
  callback(std::move(response));
}

void RemotingClient::on_connection_closed(Connection* connection, const sdk::Status& why) {
  std::vector<ResponseCallback> failed;
  // Released last: this may be the final owner of `connection`, whose on_close is running.
  std::vector<std::shared_ptr<Connection>> retired;
  {
    std::lock_guard lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.connection.get() == connection) {
        failed.push_back(std::move(it->second.done));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    auto found = connections_.find(connection->address());
    if (found != connections_.end() && found->second.get() == connection) {
      retired.push_back(std::move(found->second));
      connections_.erase(found);
    }
    for (auto it = closing_.begin(); it != closing_.end();) {
      if (it->get() == connection) {
        retired.push_back(std::move(*it));
        it = closing_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& callback : failed) {
    callback(sdk::Status(sdk::StatusCode::kClosed,
                         "connection to " + connection->address() + " closed: " + why.to_string()));
  }
  // Last: from here on the client may be destroyed (its destructor waits for this); `retired`
  // keeps the connection alive until the function returns.
  connection->mark_closed();
}

void RemotingClient::sweep_timeouts() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const std::int64_t now = steady_clock_ns();
    std::int64_t next = now + 1'000'000'000;
    std::vector<std::pair<std::string, ResponseCallback>> expired;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline_ns <= now) {
        expired.emplace_back("no response from " + it->second.connection->address() + " within " +
                                 std::to_string(it->second.timeout_ms) + " ms (request " +
                                 std::to_string(it->first) + ")",
                             std::move(it->second.done));
        it = pending_.erase(it);
      } else {
        next = std::min(next, it->second.deadline_ns);
        ++it;
      }
    }
    if (!expired.empty()) {
      lock.unlock();
      for (auto& [message, callback] : expired) {
        callback(sdk::Status(sdk::StatusCode::kTimeout, message));
      }
      lock.lock();
      continue;
    }
    sweeper_wake_ns_ = next;
    sweep_wake_.wait_for(lock, std::chrono::nanoseconds(next - now));
    sweeper_wake_ns_ = 0;
  }
}

}  // namespace mq::core
