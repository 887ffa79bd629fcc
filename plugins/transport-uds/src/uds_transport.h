// UdsTransport: the sdk::Transport of "unix:/path" addresses, on one libuv loop.
//
// Lifecycle: create() starts the loop thread; listen() and connect() add listeners and
// connections; stop() (also run by the destructor) closes every listener (removing its socket
// file) and every connection, delivers each on_close, closes every handle, closes the loop on
// the loop thread and joins it. After stop() every method fails with kClosed or does nothing.
//
// Threads: one loop thread ("mq-uds-io") owns every libuv handle. Other threads never touch a
// handle: they queue a command under mu_ and wake the loop with a uv_async_t. Callbacks of
// every connection run on the loop thread, so they are serialised and in order (on_open,
// on_frame..., on_close exactly once). send(), close(), queued_bytes() and listen() may be
// called from any thread, including from inside a callback; connect() and stop() wait for the
// loop, so they refuse to run on it.
//
// Ownership: the loop thread owns the connections (live_); connections_ shares them with the
// callers of send(). FrameHandlers and the Logger are borrowed and must outlive stop().
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/host_services.h"
#include "mq/sdk/status.h"
#include "mq/sdk/transport.h"

#include <uv.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mq::transport_uds {

// The length prefix in front of every frame (big-endian), and the smallest valid frame: the
// 4-byte header word every RocketMQ frame starts with.
inline constexpr std::size_t kLengthPrefixBytes = 4;
inline constexpr std::size_t kMinFrameLength = 4;

// Everything the transport needs, validated by the plugin entry before create().
struct UdsTransportSettings {
  std::uint64_t max_frame_bytes = 16 * 1024 * 1024;  // including the prefix
  std::uint64_t write_queue_limit_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{120000};  // 0 disables
  std::chrono::milliseconds connect_timeout{3000};
  unsigned socket_mode = 0660;  // chmod of each socket file we bind
  int listen_backlog = 1024;
  std::size_t read_buffer_bytes = 65536;  // side buffer for bytes read past a frame
};

class UdsTransport final : public sdk::Transport {
 public:
  // Builds the transport and starts its loop thread.
  static sdk::Result<std::unique_ptr<UdsTransport>> create(sdk::Logger& logger,
                                                           const UdsTransportSettings& settings);

  UdsTransport(const UdsTransport&) = delete;
  UdsTransport& operator=(const UdsTransport&) = delete;
  // Runs stop(). REQUIRES: not on the loop thread.
  ~UdsTransport() override;

  std::string_view scheme() const noexcept override { return "unix"; }
  bool accepts_address(std::string_view address) const noexcept override;
  sdk::Result<std::string> listen(std::string_view address,
                                  sdk::FrameHandler& handler) noexcept override;
  sdk::Result<sdk::ConnectionId> connect(std::string_view address,
                                         sdk::FrameHandler& handler) noexcept override;
  sdk::Status send(sdk::ConnectionId id, sdk::OutboundFrame frame) noexcept override;
  void close(sdk::ConnectionId id) noexcept override;
  std::size_t queued_bytes(sdk::ConnectionId id) const noexcept override;
  // Idempotent. From the loop thread (inside a callback) it only starts the shutdown and logs
  // an error; the thread is joined by the next stop() or the destructor.
  void stop() noexcept override;

  struct Connection;
  struct Listener;
  struct PendingConnect;

 private:
  UdsTransport(sdk::Logger& logger, const UdsTransportSettings& settings);

  bool on_loop_thread() const noexcept;
  // The body of on_read for one connection, and the flush of the connections that got sends
  // during it.
  void read(Connection& connection, ssize_t nread, const uv_buf_t* buffer) noexcept;
  void flush_deferred() noexcept;
  void run_loop() noexcept;
  // Queues `command` for the loop thread; false once the loop is shutting down.
  bool post(std::function<void()> command);
  // Runs `command` on the loop thread and waits for it (directly when already there).
  sdk::Status run_on_loop(const std::function<sdk::Status()>& command);

  // Loop thread only below.
  static void on_async(uv_async_t* handle);
  void drain_commands() noexcept;
  void shutdown_on_loop() noexcept;
  sdk::Result<std::string> listen_on_loop(const std::string& path, sdk::FrameHandler& handler);
  static void on_listener_connection(uv_stream_t* server, int status);
  void accept_one(Listener& listener) noexcept;
  void start_connect(const std::shared_ptr<PendingConnect>& pending) noexcept;
  static void on_connected(uv_connect_t* request, int status);
  std::shared_ptr<Connection> new_connection(sdk::FrameHandler& handler);
  bool register_connection(const std::shared_ptr<Connection>& connection) noexcept;
  void open_connection(Connection& connection) noexcept;
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buffer);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buffer);
  void consume(Connection& connection, const std::uint8_t* data, std::size_t size) noexcept;
  bool deliver_if_complete(Connection& connection) noexcept;
  void flush(Connection& connection) noexcept;
  static void on_written(uv_write_t* request, int status);
  void begin_orderly_close(Connection& connection) noexcept;
  static void on_shutdown(uv_shutdown_t* request, int status);
  static void on_idle_timer(uv_timer_t* timer);
  void arm_idle_timer(Connection& connection, std::uint64_t delay_ms) noexcept;
  // Ends a connection: on_close (if it was opened), then closes its handles.
  void finish(Connection& connection, const sdk::Status& why) noexcept;
  static void on_connection_handle_closed(uv_handle_t* handle);

  std::shared_ptr<Connection> find(sdk::ConnectionId id) const;

  // Constant after construction.
  sdk::Logger& logger_;
  const UdsTransportSettings settings_;

  uv_loop_t loop_{};
  uv_async_t wake_{};
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  std::mutex stop_mu_;  // serialises stop(); guards the join

  std::atomic<sdk::ConnectionId> next_id_{1};

  mutable std::mutex mu_;
  bool stopping_ = false;      // mu_: no new listener or connection once set
  bool loop_closing_ = false;  // mu_: post() refuses once set (the async handle is closing)
  std::vector<std::function<void()>> commands_;                                     // mu_
  std::unordered_map<sdk::ConnectionId, std::shared_ptr<Connection>> connections_;  // mu_

  // Loop thread only.
  std::unordered_map<Connection*, std::shared_ptr<Connection>> live_;  // until handles close
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::uint8_t> read_buffer_;  // shared side buffer: read_cb consumes it at once
  // Loop thread only: true inside a read callback; the connections that got sends meanwhile
  // are flushed once when it returns, so the answers to one read go out in one write.
  bool in_read_ = false;
  std::vector<std::shared_ptr<Connection>> deferred_flush_;
};

}  // namespace mq::transport_uds
