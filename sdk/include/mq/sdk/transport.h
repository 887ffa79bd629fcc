// The transport seam: moves whole frames between the broker core and its peers.
//
// A transport knows the 4-byte length prefix and nothing else of RocketMQ. It listens on and
// connects to addresses in its own scheme ("host:port" for TCP, "unix:/path" for UDS), splits
// the byte stream into frames, and hands each frame to a FrameHandler with the connection's id.
//
// Threads: handler callbacks run on the transport's I/O threads, in order per connection, and
// must not block (hand slow work to another thread). send(), close() and every other method
// may be called from any thread, including from inside a callback, except connect() and
// stop(): they wait for the I/O threads, so they must not be called from a callback.
// Memory: each connection has a bounded write queue (TransportOptions::write_queue_limit_bytes);
// a send that would exceed it fails with kResourceExhausted instead of growing without bound.
// Errors: a frame whose length prefix is larger than max_frame_bytes, or smaller than the
// 4-byte header word every RocketMQ frame starts with, closes that connection only, with a log
// line naming the peer.
#pragma once

#include "mq/sdk/abi.h"
#include "mq/sdk/bytes.h"
#include "mq/sdk/plugin.h"
#include "mq/sdk/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mq::sdk {

// Identifies one connection for the life of its transport. Never 0, never reused.
using ConnectionId = std::uint64_t;

// Implemented by the core; receives the traffic of a listener or of an outgoing connection.
class MQ_SDK_API FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  // A connection was accepted (listener) or established (connect). `peer` is the remote
  // address in the transport's scheme, `local` the local one.
  virtual void on_open(ConnectionId id, std::string_view peer, std::string_view local) noexcept = 0;
  // One whole frame, without its length prefix: header word, header, body. Ownership passes
  // to the handler.
  virtual void on_frame(ConnectionId id, Bytes frame) noexcept = 0;
  // The frames that arrived together on `id` (one read from the socket) have all been handed
  // to on_frame(), on this same thread: work a handler deferred per frame can be finished here
  // once for the lot. Transports call it after every read that delivered at least one frame.
  virtual void on_frames_end(ConnectionId /*id*/) noexcept {}
  // The connection is gone (peer closed, error, idle timeout, close(), stop()). Called exactly
  // once per connection that had on_open, and after its last on_frame. `why` says why.
  virtual void on_close(ConnectionId id, const Status& why) noexcept = 0;
};

class MQ_SDK_API Transport : public PluginInstance {
 public:
  // The scheme this transport serves: "tcp" (addresses "host:port") or "unix" ("unix:/path").
  virtual std::string_view scheme() const noexcept = 0;

  // True when this transport can dial or listen on `address`.
  virtual bool accepts_address(std::string_view address) const noexcept = 0;

  // Starts accepting connections on `address`; port 0 picks a free port. On success returns
  // the address actually bound ("127.0.0.1:40121"). Frames of accepted connections go to
  // `handler`, which must outlive the transport's stop().
  virtual Result<std::string> listen(std::string_view address, FrameHandler& handler) noexcept = 0;

  // Opens a connection to `address`, waiting at most TransportOptions::connect_timeout_ms.
  // REQUIRES: not called from one of this transport's I/O threads (it blocks).
  // on_open() has been delivered to `handler` before this returns successfully.
  virtual Result<ConnectionId> connect(std::string_view address,
                                       FrameHandler& handler) noexcept = 0;

  // Queues `frame` for writing; the transport prefixes its length. Returns kClosed when the
  // connection is gone, kResourceExhausted when its write queue is full, kInvalidArgument when
  // the frame is larger than max_frame_bytes. Frames on one connection go out in call order.
  virtual Status send(ConnectionId id, OutboundFrame frame) noexcept = 0;

  // Closes a connection after the frames already queued are written (orderly close).
  virtual void close(ConnectionId id) noexcept = 0;

  // Bytes currently queued for writing on `id` (0 when unknown); for backpressure decisions.
  virtual std::size_t queued_bytes(ConnectionId id) const noexcept = 0;
};

}  // namespace mq::sdk
