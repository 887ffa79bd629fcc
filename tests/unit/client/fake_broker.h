// FakeBroker: a tiny in-memory broker for client tests. It serves the requests a producer,
// a push or pull consumer and mqadmin send (remoting-protocol.md §3.2-§3.10) from one
// commit log held in memory, and registers its topics with a real name server.
//
// Simplifications: no persistence, no delay (DELAY is ignored, retries are immediate), no
// DLQ, QUERY_CONSUMER_OFFSET answers QUERY_NOT_FOUND when nothing is stored, a held long
// poll is answered within hold_ms (not the client's suspend time).
// Threads: requests run on the transport I/O thread; a reaper thread answers held pulls;
// the test thread uses the inspection and fault-injection methods. State is under mu_.
#pragma once

#include "mq/sdk/stored_record.h"
#include "mq/sdk/transport.h"

#include "net/remoting_client.h"
#include "net/remoting_server.h"
#include "plugin_host/plugin_host.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mq::test {

class FakeBroker final : public core::RequestProcessor {
 public:
  // Listens on 127.0.0.1 (a free port) with a fresh transport-tcp from `plugin_dir`.
  FakeBroker(const std::string& plugin_dir, std::string broker_name = "broker-a");
  ~FakeBroker() override;
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  const std::string& address() const { return address_; }
  const std::string& broker_name() const { return broker_name_; }

  // Creates (or resizes) a topic; call register_with() afterwards to publish it.
  void add_topic(const std::string& topic, std::int32_t queues, std::int32_t perm = 6);
  // REGISTER_BROKER with every topic to `namesrv`; remembered for later re-registrations
  // (auto-created topics, retry topics). Returns false when the name server refuses.
  bool register_with(const std::string& namesrv);

  // Fault injection: the next `count` sends are answered with `code`.
  void fail_next_sends(int count, std::int32_t code);
  // CONSUMER_SEND_MSG_BACK is answered with SYSTEM_ERROR while set.
  void fail_send_back(bool fail);

  // Inspection.
  struct Stored {
    std::string topic;
    std::int32_t queue_id = 0;
    std::int64_t queue_offset = 0;
    std::int64_t physical_offset = 0;
    std::int32_t sys_flag = 0;
    std::int32_t reconsume_times = 0;
    std::string body;  // as stored (compressed when sys_flag bit 0 is set)
    std::string properties;
  };
  std::vector<Stored> messages(const std::string& topic);
  std::int64_t committed_offset(const std::string& group, const std::string& topic,
                                std::int32_t queue_id);
  std::vector<std::string> consumer_ids(const std::string& group);
  int request_count(std::int32_t code);
  std::vector<core::RemotingCommand> requests(std::int32_t code);  // copies, in arrival order

  void process(const core::Channel& channel, core::RemotingCommand request,
               core::Responder respond) override;
  void on_channel_close(const core::Channel& channel) override;

 private:
  struct Record {
    std::string bytes;  // the encoded stored record
    std::string topic;
    std::int32_t queue_id;
    std::int64_t queue_offset;
    std::int64_t tags_code;
    std::int64_t store_timestamp_ms;
  };
  struct HeldPull {
    core::RemotingCommand request;
    core::Responder respond;
    std::chrono::steady_clock::time_point deadline;
  };
  using QueueKey = std::pair<std::string, std::int32_t>;

  core::RemotingCommand handle(const core::Channel& channel, const core::RemotingCommand& request,
                               core::Responder& respond, bool* held);
  core::RemotingCommand send(const core::RemotingCommand& request);
  core::RemotingCommand pull(const core::RemotingCommand& request, bool allow_hold,
                             core::Responder* respond, bool* held);
  core::RemotingCommand send_back(const core::RemotingCommand& request);
  std::int64_t append_locked(const std::string& topic, std::int32_t queue_id,
                             const std::string& body, std::int32_t sys_flag, std::int32_t flag,
                             const std::string& properties, std::int32_t reconsume_times,
                             std::int64_t born_ms);
  void ensure_topic_locked(const std::string& topic, std::int32_t queues);
  void wake_held(const std::string& topic, std::int32_t queue_id);
  void reap();
  void reregister();

  std::string broker_name_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::PluginHost> host_;
  sdk::TransportOptions options_;
  core::PluginObject<sdk::Transport> transport_;
  std::unique_ptr<core::RemotingServer> server_;
  std::unique_ptr<core::RemotingClient> client_;
  std::string address_;
  sdk::HostAddress store_host_;

  std::mutex mu_;
  std::condition_variable reaper_wake_;
  bool stopping_ = false;
  std::vector<std::string> namesrvs_;
  std::map<std::string, std::pair<std::int32_t, std::int32_t>> topics_;  // queues, perm
  std::map<std::int64_t, Record> log_;                                   // by physical offset
  std::int64_t log_end_ = 0;
  std::map<QueueKey, std::vector<std::int64_t>> queues_;  // physical offsets in queue order
  std::map<std::string, std::map<std::int32_t, std::int64_t>> offsets_;  // "topic@group"
  std::map<std::string, std::map<core::Channel, std::string>> groups_;   // group -> clientIDs
  std::vector<HeldPull> held_;
  std::map<std::int32_t, std::vector<core::RemotingCommand>> seen_;
  int fail_sends_ = 0;
  std::int32_t fail_code_ = 0;
  bool fail_send_back_ = false;
  std::atomic<bool> register_pending_{false};
  std::thread reaper_;
};

}  // namespace mq::test
