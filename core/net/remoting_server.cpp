#include "net/remoting_server.h"

#include "remoting/remoting_codec.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <atomic>

namespace mq::core {

// Receives one transport's frames. Connection bookkeeping (peer addresses) lives here.
class RemotingServer::Listener final : public sdk::FrameHandler {
 public:
  Listener(RemotingServer& server, sdk::Transport& transport)
      : server_(server), transport_(transport) {}

  void on_open(sdk::ConnectionId id, std::string_view peer,
               std::string_view local) noexcept override {
    Channel channel{&transport_, id, std::string(peer), std::string(local)};
    {
      std::lock_guard lock(mu_);
      channels_[id] = channel;
    }
    try {
      server_.processor_.on_channel_open(channel);
    } catch (const std::exception& e) {
      server_.logger_->error("on_channel_open({}) failed: {}", channel.peer, e.what());
    }
  }

  void on_frame(sdk::ConnectionId id, sdk::Bytes frame) noexcept override {
    Channel channel = lookup(id);
    auto decoded = decode_frame(std::move(frame));
    if (!decoded.ok()) {
      server_.logger_->warn("closing connection from {}: undecodable frame: {}", channel.peer,
                            decoded.status().message());
      transport_.close(id);
      return;
    }
    RemotingCommand request = std::move(decoded).value();
    if (request.is_response()) return;  // answers to our one-way pushes do not exist
    dispatch(channel, std::move(request));
  }

  void on_frames_end(sdk::ConnectionId /*id*/) noexcept override {
    server_.processor_.on_requests_end();
  }

  void on_close(sdk::ConnectionId id, const sdk::Status& why) noexcept override {
    Channel channel = lookup(id);
    {
      std::lock_guard lock(mu_);
      channels_.erase(id);
    }
    server_.logger_->debug("connection from {} closed: {}", channel.peer, why.to_string());
    try {
      server_.processor_.on_channel_close(channel);
    } catch (const std::exception& e) {
      server_.logger_->error("on_channel_close({}) failed: {}", channel.peer, e.what());
    }
  }

 private:
  Channel lookup(sdk::ConnectionId id) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(id);
    if (it != channels_.end()) return it->second;
    return Channel{&transport_, id, "unknown peer", ""};
  }

  void dispatch(const Channel& channel, RemotingCommand request) noexcept {
    const std::int32_t code = request.code;
    // Everything the answer needs, in one shared object: the closure holds only a pointer to
    // it, so copies of the Responder (a processor keeps one per pending answer) are cheap.
    struct Pending {
      Pending(RemotingServer* s, const Channel& c, const RemotingCommand& r)
          : server(s),
            channel(c),
            opaque(r.opaque),
            type(r.serialize_type),
            oneway(r.is_oneway()) {}
      RemotingServer* const server;
      const Channel channel;
      const std::int32_t opaque;
      const SerializeType type;
      const bool oneway;
      std::atomic<bool> answered{false};
    };
    auto pending = std::make_shared<Pending>(&server_, channel, request);
    Responder respond = [pending](RemotingCommand response) {
      if (pending->oneway || pending->answered.exchange(true)) return;
      response.opaque = pending->opaque;
      response.flag = kFlagResponse;
      response.serialize_type = pending->type;
      auto status = pending->server->send_response(pending->channel, std::move(response));
      if (!status) {
        pending->server->logger_->debug("response to {} dropped: {}", pending->channel.peer,
                                        status.to_string());
      }
    };
    try {
      server_.processor_.process(channel, std::move(request), respond);
    } catch (const std::exception& e) {
      server_.logger_->error("request code {} from {} failed: {}", code, channel.peer, e.what());
      RemotingCommand failure;
      failure.code = response_code::kSystemError;
      failure.remark = e.what();
      failure.serialize_type = SerializeType::kJson;
      respond(std::move(failure));
    } catch (...) {
      RemotingCommand failure;
      failure.code = response_code::kSystemError;
      failure.remark = "internal error";
      respond(std::move(failure));
    }
  }

  RemotingServer& server_;
  sdk::Transport& transport_;
  std::mutex mu_;
  std::map<sdk::ConnectionId, Channel> channels_;  // guarded by mu_
};

RemotingServer::RemotingServer(RequestProcessor& processor, std::shared_ptr<spdlog::logger> logger)
    : logger_(std::move(logger)), processor_(processor) {}

RemotingServer::~RemotingServer() = default;

sdk::Result<std::string> RemotingServer::listen(sdk::Transport& transport,
                                                std::string_view address) {
  Listener* listener;
  {
    std::lock_guard lock(mu_);
    listeners_.push_back(std::make_unique<Listener>(*this, transport));
    listener = listeners_.back().get();
  }
  return transport.listen(address, *listener);
}

sdk::Status RemotingServer::send_oneway(const Channel& channel, RemotingCommand request) {
  request.flag |= kFlagOneway;
  return channel.transport->send(channel.id, encode_frame(std::move(request)));
}

sdk::Status RemotingServer::send_response(const Channel& channel, RemotingCommand response) {
  return channel.transport->send(channel.id, encode_frame(std::move(response)));
}

}  // namespace mq::core
