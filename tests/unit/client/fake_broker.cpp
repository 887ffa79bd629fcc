#include "fake_broker.h"

#include "common/logging.h"
#include "remoting/heartbeat_data.h"
#include "remoting/json.h"
#include "remoting/kv_table.h"
#include "remoting/register_broker_body.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>

namespace mq::test {
namespace {

namespace rc = core::response_code;
namespace rq = core::request_code;

constexpr auto kHold = std::chrono::milliseconds(300);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::RemotingCommand copy_of(const core::RemotingCommand& command) {
  core::RemotingCommand out;
  out.code = command.code;
  out.language = command.language;
  out.version = command.version;
  out.opaque = command.opaque;
  out.flag = command.flag;
  out.remark = command.remark;
  out.ext_fields = command.ext_fields;
  out.serialize_type = command.serialize_type;
  out.body = sdk::Bytes::copy_of(command.body.view());
  return out;
}

std::string str(const core::RemotingCommand& request, std::string_view key) {
  return std::string(request.get(key).value_or(""));
}

std::int64_t num(const core::RemotingCommand& request, std::string_view key) {
  return request.get_int(key).value_or(0);
}

std::string mq_key(const std::string& broker, const std::string& topic, std::int64_t id) {
  core::JsonValue key = core::JsonValue::object();
  key.add("brokerName", core::JsonValue::string(broker));
  key.add("queueId", core::JsonValue::integer(id));
  key.add("topic", core::JsonValue::string(topic));
  return core::write_json(key);
}

}  // namespace

FakeBroker::FakeBroker(const std::string& plugin_dir, std::string broker_name)
    : broker_name_(std::move(broker_name)) {
  logger_ = core::make_console_logger("fake-broker", "error");
  host_ = std::make_unique<core::PluginHost>(logger_, plugin_dir);
  auto library = host_->load("transport-tcp", sdk::Seam::kTransport, "transportPlugins");
  if (!library.ok()) throw std::runtime_error(library.status().to_string());
  sdk::PluginConfig config;
  config.transport = &options_;
  auto transport = host_->create<sdk::Transport>(library.value(), std::move(config));
  if (!transport.ok()) throw std::runtime_error(transport.status().to_string());
  transport_ = std::move(transport).value();
  server_ = std::make_unique<core::RemotingServer>(*this, logger_);
  auto bound = server_->listen(*transport_, "127.0.0.1:0");
  if (!bound.ok()) throw std::runtime_error(bound.status().to_string());
  address_ = bound.value();
  const auto colon = address_.rfind(':');
  store_host_.ip_length = 4;
  inet_pton(AF_INET, address_.substr(0, colon).c_str(), store_host_.ip);
  store_host_.port = std::stoi(address_.substr(colon + 1));
  client_ = std::make_unique<core::RemotingClient>(std::vector<sdk::Transport*>{transport_.get()});
  topics_["TBW102"] = {8, 7};
  reaper_ = std::thread([this] { reap(); });
}

FakeBroker::~FakeBroker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    reaper_wake_.notify_all();
  }
  reaper_.join();
  client_.reset();
  transport_->stop();
  server_.reset();
  transport_.reset();
}

void FakeBroker::add_topic(const std::string& topic, std::int32_t queues, std::int32_t perm) {
  std::lock_guard lock(mu_);
  topics_[topic] = {queues, perm};
}

bool FakeBroker::register_with(const std::string& namesrv) {
  {
    std::lock_guard lock(mu_);
    if (std::find(namesrvs_.begin(), namesrvs_.end(), namesrv) == namesrvs_.end()) {
      namesrvs_.push_back(namesrv);
    }
  }
  core::RegisterBrokerBody body;
  {
    std::lock_guard lock(mu_);
    body.topic_config_serialize_wrapper.data_version = core::DataVersion{log_end_ + 1, now_ms()};
    for (const auto& [name, config] : topics_) {
      core::TopicConfig topic;
      topic.topic_name = name;
      topic.read_queue_nums = config.first;
      topic.write_queue_nums = config.first;
      topic.perm = config.second;
      body.topic_config_serialize_wrapper.topic_config_table[name] = topic;
    }
  }
  auto request = core::RemotingCommand::request(rq::kRegisterBroker);
  request.set("brokerName", broker_name_);
  request.set("brokerAddr", address_);
  request.set("clusterName", std::string("DefaultCluster"));
  request.set("haServerAddr", std::string("127.0.0.1:1"));
  request.set("brokerId", std::int64_t{0});
  request.body = sdk::Bytes::copy_of(body.to_json());
  auto response = client_->invoke(namesrv, std::move(request), 5000);
  return response.ok() && response->code == rc::kSuccess;
}

void FakeBroker::reregister() {
  std::vector<std::string> namesrvs;
  {
    std::lock_guard lock(mu_);
    namesrvs = namesrvs_;
  }
  for (const auto& namesrv : namesrvs) static_cast<void>(register_with(namesrv));
}

void FakeBroker::fail_next_sends(int count, std::int32_t code) {
  std::lock_guard lock(mu_);
  fail_sends_ = count;
  fail_code_ = code;
}

void FakeBroker::fail_send_back(bool fail) {
  std::lock_guard lock(mu_);
  fail_send_back_ = fail;
}

std::vector<FakeBroker::Stored> FakeBroker::messages(const std::string& topic) {
  std::lock_guard lock(mu_);
  std::vector<Stored> out;
  for (const auto& [offset, record] : log_) {
    if (record.topic != topic) continue;
    sdk::record::StoredRecord decoded;
    const auto* data = reinterpret_cast<const std::uint8_t*>(record.bytes.data());
    if (sdk::record::decode_record(sdk::ByteView(data, record.bytes.size()), &decoded, true) !=
        sdk::record::DecodeStatus::kOk) {
      continue;
    }
    Stored stored;
    stored.topic = record.topic;
    stored.queue_id = record.queue_id;
    stored.queue_offset = record.queue_offset;
    stored.physical_offset = offset;
    stored.sys_flag = decoded.sys_flag;
    stored.reconsume_times = decoded.reconsume_times;
    stored.body.assign(reinterpret_cast<const char*>(decoded.body.data()), decoded.body.size());
    stored.properties = std::string(decoded.properties);
    out.push_back(std::move(stored));
  }
  return out;
}

std::int64_t FakeBroker::committed_offset(const std::string& group, const std::string& topic,
                                          std::int32_t queue_id) {
  std::lock_guard lock(mu_);
  auto table = offsets_.find(topic + "@" + group);
  if (table == offsets_.end()) return -1;
  auto it = table->second.find(queue_id);
  return it == table->second.end() ? -1 : it->second;
}

std::vector<std::string> FakeBroker::consumer_ids(const std::string& group) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [channel, id] : groups_[group]) out.push_back(id);
  return out;
}

int FakeBroker::request_count(std::int32_t code) {
  std::lock_guard lock(mu_);
  return static_cast<int>(seen_[code].size());
}

std::vector<core::RemotingCommand> FakeBroker::requests(std::int32_t code) {
  std::lock_guard lock(mu_);
  std::vector<core::RemotingCommand> out;
  for (const auto& request : seen_[code]) out.push_back(copy_of(request));
  return out;
}

void FakeBroker::on_channel_close(const core::Channel& channel) {
  std::lock_guard lock(mu_);
  for (auto& [group, members] : groups_) members.erase(channel);
}

void FakeBroker::process(const core::Channel& channel, core::RemotingCommand request,
                         core::Responder respond) {
  {
    std::lock_guard lock(mu_);
    seen_[request.code].push_back(copy_of(request));
  }
  bool held = false;
  auto response = handle(channel, request, respond, &held);
  if (!held) respond(std::move(response));
}

core::RemotingCommand FakeBroker::handle(const core::Channel& channel,
                                         const core::RemotingCommand& request,
                                         core::Responder& respond, bool* held) {
  auto ok = core::RemotingCommand::response_to(request, rc::kSuccess);
  switch (request.code) {
    case rq::kSendMessageV2:
    case rq::kSendBatchMessage:
      return send(request);
    case rq::kPullMessage:
      return pull(request, true, &respond, held);
    case rq::kConsumerSendMsgBack:
      return send_back(request);
    case rq::kHeartBeat: {
      auto data = core::HeartbeatData::from_json(request.body.as_string_view());
      if (!data.ok()) return core::RemotingCommand::response_to(request, rc::kSystemError, "bad");
      std::vector<core::Channel> notify;
      {
        std::lock_guard lock(mu_);
        for (const auto& consumer : data->consumer_data_set) {
          auto& members = groups_[consumer.group_name];
          const bool fresh = !members.contains(channel);
          members[channel] = data->client_id;
          const std::string retry = "%RETRY%" + consumer.group_name;
          if (!topics_.contains(retry)) {
            topics_[retry] = {1, 6};
            register_pending_ = true;
            reaper_wake_.notify_all();
          }
          if (fresh) {
            for (const auto& [member, id] : members) notify.push_back(member);
          }
        }
      }
      for (const auto& member : notify) {
        auto push = core::RemotingCommand::request(rq::kNotifyConsumerIdsChanged);
        push.set("consumerGroup", data->consumer_data_set.front().group_name);
        static_cast<void>(server_->send_oneway(member, std::move(push)));
      }
      return ok;
    }
    case rq::kUnregisterClient: {
      std::lock_guard lock(mu_);
      if (auto group = request.get("consumerGroup")) groups_[std::string(*group)].erase(channel);
      return ok;
    }
    case rq::kGetConsumerListByGroup: {
      std::lock_guard lock(mu_);
      auto& members = groups_[str(request, "consumerGroup")];
      if (members.empty()) {
        return core::RemotingCommand::response_to(request, rc::kSystemError,
                                                  "no consumer for this group");
      }
      core::JsonValue list = core::JsonValue::array();
      for (const auto& [member, id] : members) list.push_back(core::JsonValue::string(id));
      core::JsonValue body = core::JsonValue::object();
      body.add("consumerIdList", std::move(list));
      ok.body = sdk::Bytes::copy_of(core::write_json(body));
      return ok;
    }
    case rq::kQueryConsumerOffset: {
      std::lock_guard lock(mu_);
      auto table = offsets_.find(str(request, "topic") + "@" + str(request, "consumerGroup"));
      const auto id = static_cast<std::int32_t>(num(request, "queueId"));
      if (table == offsets_.end() || !table->second.contains(id) || table->second[id] < 0) {
        return core::RemotingCommand::response_to(request, rc::kQueryNotFound, "Not found");
      }
      ok.set("offset", table->second[id]);
      return ok;
    }
    case rq::kUpdateConsumerOffset: {
      std::lock_guard lock(mu_);
      offsets_[str(request, "topic") + "@" + str(request, "consumerGroup")]
              [static_cast<std::int32_t>(num(request, "queueId"))] = num(request, "commitOffset");
      return ok;
    }
    case rq::kGetMaxOffset:
    case rq::kGetMinOffset:
    case rq::kSearchOffsetByTimestamp: {
      std::lock_guard lock(mu_);
      const auto& queue =
          queues_[{str(request, "topic"), static_cast<std::int32_t>(num(request, "queueId"))}];
      std::int64_t offset = 0;
      if (request.code == rq::kGetMaxOffset) offset = static_cast<std::int64_t>(queue.size());
      if (request.code == rq::kSearchOffsetByTimestamp) {
        const std::int64_t ts = num(request, "timestamp");
        offset = static_cast<std::int64_t>(queue.size());
        for (std::size_t i = 0; i < queue.size(); ++i) {
          if (log_[queue[i]].store_timestamp_ms >= ts) {
            offset = static_cast<std::int64_t>(i);
            break;
          }
        }
      }
      ok.set("offset", offset);
      return ok;
    }
    case rq::kViewMessageById: {
      std::lock_guard lock(mu_);
      auto it = log_.find(num(request, "offset"));
      if (it == log_.end()) {
        return core::RemotingCommand::response_to(request, rc::kSystemError,
                                                  "can not find message by the offset");
      }
      ok.body = sdk::Bytes::copy_of(it->second.bytes);
      return ok;
    }
    case rq::kGetBrokerRuntimeInfo: {
      core::KvTable table;
      table.table["brokerVersionDesc"] = "V4_9_7";
      table.table["msgPutTotalTodayNow"] = "0";
      table.table["bootTimestamp"] = "1700000000000";
      ok.body = sdk::Bytes::copy_of(table.to_json());
      return ok;
    }
    case rq::kGetBrokerConfig: {
      ok.body = sdk::Bytes::copy_of(std::string("brokerName=") + broker_name_ +
                                    "\nlistenPort=" + std::to_string(store_host_.port) + "\n");
      return ok;
    }
    case rq::kUpdateAndCreateTopic: {
      std::lock_guard lock(mu_);
      topics_[str(request, "topic")] = {static_cast<std::int32_t>(num(request, "writeQueueNums")),
                                        static_cast<std::int32_t>(num(request, "perm"))};
      register_pending_ = true;
      reaper_wake_.notify_all();
      return ok;
    }
    case rq::kDeleteTopicInBroker: {
      std::lock_guard lock(mu_);
      topics_.erase(str(request, "topic"));
      return ok;
    }
    case rq::kUpdateAndCreateSubscriptiongroup:
      return ok;
    case rq::kGetTopicStatsInfo: {
      std::lock_guard lock(mu_);
      const std::string topic = str(request, "topic");
      auto config = topics_.find(topic);
      if (config == topics_.end()) {
        return core::RemotingCommand::response_to(request, rc::kTopicNotExist, "no topic");
      }
      std::string body = "{\"offsetTable\":{";
      for (std::int32_t i = 0; i < config->second.first; ++i) {
        if (i > 0) body += ",";
        body += mq_key(broker_name_, topic, i) + ":{\"lastUpdateTimestamp\":0,\"maxOffset\":" +
                std::to_string(queues_[{topic, i}].size()) + ",\"minOffset\":0}";
      }
      body += "}}";
      ok.body = sdk::Bytes::copy_of(body);
      return ok;
    }
    case rq::kGetConsumeStats: {
      std::lock_guard lock(mu_);
      const std::string group = str(request, "consumerGroup");
      std::string body = "{\"consumeTps\":0.0,\"offsetTable\":{";
      bool first = true;
      for (const auto& [key, table] : offsets_) {
        const auto at = key.rfind('@');
        if (key.substr(at + 1) != group) continue;
        const std::string topic = key.substr(0, at);
        for (const auto& [id, offset] : table) {
          if (!first) body += ",";
          first = false;
          body += mq_key(broker_name_, topic, id) +
                  ":{\"brokerOffset\":" + std::to_string(queues_[{topic, id}].size()) +
                  ",\"consumerOffset\":" + std::to_string(offset) + ",\"lastTimestamp\":0}";
        }
      }
      body += "}}";
      ok.body = sdk::Bytes::copy_of(body);
      return ok;
    }
    default:
      return core::RemotingCommand::response_to(
          request, rc::kRequestCodeNotSupported,
          " request type " + std::to_string(request.code) + " not supported");
  }
}

void FakeBroker::ensure_topic_locked(const std::string& topic, std::int32_t queues) {
  if (topics_.contains(topic)) return;
  topics_[topic] = {std::min(queues, 8), 6};
  register_pending_ = true;
  reaper_wake_.notify_all();
}

std::int64_t FakeBroker::append_locked(const std::string& topic, std::int32_t queue_id,
                                       const std::string& body, std::int32_t sys_flag,
                                       std::int32_t flag, const std::string& properties,
                                       std::int32_t reconsume_times, std::int64_t born_ms) {
  auto& queue = queues_[{topic, queue_id}];
  sdk::record::StoredRecord record;
  record.queue_id = queue_id;
  record.flag = flag;
  record.queue_offset = static_cast<std::int64_t>(queue.size());
  record.physical_offset = log_end_;
  record.sys_flag = sys_flag;
  record.born_timestamp_ms = born_ms;
  record.born_host.ip_length = 4;
  record.born_host.ip[0] = 127;
  record.born_host.ip[3] = 1;
  record.store_timestamp_ms = now_ms();
  record.store_host = store_host_;
  record.reconsume_times = reconsume_times;
  record.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  record.topic = topic;
  record.properties = properties;
  std::string bytes(sdk::record::encoded_size(record), '\0');
  sdk::record::encode_record(
      record, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
  auto tags = sdk::record::find_property(properties, "TAGS");
  Record stored{std::move(bytes),
                topic,
                queue_id,
                record.queue_offset,
                tags ? sdk::record::tags_code(*tags) : 0,
                record.store_timestamp_ms};
  const std::int64_t physical = log_end_;
  log_end_ += static_cast<std::int64_t>(stored.bytes.size());
  log_[physical] = std::move(stored);
  queue.push_back(physical);
  return physical;
}

core::RemotingCommand FakeBroker::send(const core::RemotingCommand& request) {
  const std::string topic = str(request, "b");
  auto response = core::RemotingCommand::response_to(request, rc::kSuccess);
  std::int32_t queue_id = static_cast<std::int32_t>(num(request, "e"));
  std::vector<std::int64_t> physicals;
  std::int64_t first_queue_offset = 0;
  {
    std::lock_guard lock(mu_);
    if (fail_sends_ > 0) {
      --fail_sends_;
      return core::RemotingCommand::response_to(request, fail_code_, "injected failure");
    }
    ensure_topic_locked(topic, static_cast<std::int32_t>(num(request, "d")));
    const std::int32_t queues = topics_[topic].first;
    if (queue_id < 0) queue_id = 0;
    if (queue_id >= queues) {
      return core::RemotingCommand::response_to(request, rc::kSystemError, "bad queueId");
    }
    std::string header_properties = str(request, "i");
    const std::string cluster = std::string("CLUSTER\x01") + "DefaultCluster";
    first_queue_offset = static_cast<std::int64_t>(queues_[{topic, queue_id}].size());
    if (request.get_bool("m").value_or(false)) {
      const auto* data = request.body.data();
      std::size_t at = 0;
      const std::size_t size = request.body.size();
      while (at + 22 <= size) {
        const auto total = static_cast<std::size_t>(sdk::record::get_i32(data + at));
        const std::int32_t flag = sdk::record::get_i32(data + at + 12);
        const auto body_len = static_cast<std::size_t>(sdk::record::get_i32(data + at + 16));
        std::string body(reinterpret_cast<const char*>(data + at + 20), body_len);
        const std::size_t prop_at = at + 20 + body_len;
        const std::size_t prop_len = (std::size_t{data[prop_at]} << 8) | data[prop_at + 1];
        std::string properties(reinterpret_cast<const char*>(data + prop_at + 2), prop_len);
        properties += "\x02" + cluster;
        physicals.push_back(
            append_locked(topic, queue_id, body, 0, flag, properties, 0, num(request, "g")));
        at += total;
      }
    } else {
      std::string properties = header_properties;
      if (!properties.empty()) properties += "\x02";
      properties += cluster;
      physicals.push_back(append_locked(topic, queue_id, std::string(request.body.as_string_view()),
                                        static_cast<std::int32_t>(num(request, "f")),
                                        static_cast<std::int32_t>(num(request, "h")), properties,
                                        static_cast<std::int32_t>(num(request, "j")),
                                        num(request, "g")));
    }
  }
  std::string ids;
  for (auto physical : physicals) {
    if (!ids.empty()) ids += ",";
    ids += sdk::record::offset_message_id(store_host_, physical);
  }
  response.set("msgId", ids);
  response.set("queueId", std::int64_t{queue_id});
  response.set("queueOffset", first_queue_offset);
  response.set("MSG_REGION", std::string("DefaultRegion"));
  response.set("TRACE_ON", std::string("true"));
  wake_held(topic, queue_id);
  return response;
}

core::RemotingCommand FakeBroker::pull(const core::RemotingCommand& request, bool allow_hold,
                                       core::Responder* respond, bool* held) {
  const std::string topic = str(request, "topic");
  const auto queue_id = static_cast<std::int32_t>(num(request, "queueId"));
  const std::int64_t offset = num(request, "queueOffset");
  const std::int64_t max_nums = std::max<std::int64_t>(1, num(request, "maxMsgNums"));
  const std::int64_t sys_flag = num(request, "sysFlag");
  std::set<std::int64_t> codes;
  bool all = true;
  if ((sys_flag & 4) != 0) {
    std::string expression = str(request, "subscription");
    std::size_t start = 0;
    while (start <= expression.size()) {
      std::size_t end = expression.find("||", start);
      if (end == std::string::npos) end = expression.size();
      std::string tag = expression.substr(start, end - start);
      tag.erase(0, tag.find_first_not_of(' '));
      tag.erase(tag.find_last_not_of(' ') + 1);
      if (!tag.empty() && tag != "*") {
        codes.insert(sdk::record::tags_code(tag));
        all = false;
      }
      start = end + 2;
    }
  }
  auto response = core::RemotingCommand::response_to(request, rc::kSuccess);
  std::lock_guard lock(mu_);
  if ((sys_flag & 1) != 0) {
    offsets_[topic + "@" + str(request, "consumerGroup")][queue_id] = num(request, "commitOffset");
  }
  const auto& queue = queues_[{topic, queue_id}];
  const auto max = static_cast<std::int64_t>(queue.size());
  std::int64_t next = offset;
  std::int32_t code = rc::kSuccess;
  std::string body;
  if (max == 0) {
    code = offset == 0 ? rc::kPullNotFound : rc::kPullOffsetMoved;
    next = 0;
  } else if (offset == max) {
    code = rc::kPullNotFound;
  } else if (offset > max || offset < 0) {
    code = rc::kPullOffsetMoved;
    next = offset < 0 ? 0 : max;
  } else {
    std::int64_t matched = 0;
    while (next < max && matched < max_nums) {
      const Record& record = log_.at(queue[static_cast<std::size_t>(next)]);
      ++next;
      if (all || codes.contains(record.tags_code)) {
        body += record.bytes;
        ++matched;
      }
    }
    code = matched > 0 ? rc::kSuccess : rc::kPullRetryImmediately;
  }
  if (code == rc::kPullNotFound && allow_hold && (sys_flag & 2) != 0 && respond != nullptr) {
    held_.push_back(
        HeldPull{copy_of(request), std::move(*respond), std::chrono::steady_clock::now() + kHold});
    *held = true;
    reaper_wake_.notify_all();
    return response;
  }
  response.code = code;
  response.set("suggestWhichBrokerId", std::int64_t{0});
  response.set("nextBeginOffset", next);
  response.set("minOffset", std::int64_t{0});
  response.set("maxOffset", max);
  if (code == rc::kSuccess) response.body = sdk::Bytes::copy_of(body);
  return response;
}

void FakeBroker::wake_held(const std::string& topic, std::int32_t queue_id) {
  std::vector<HeldPull> ready;
  {
    std::lock_guard lock(mu_);
    for (auto it = held_.begin(); it != held_.end();) {
      if (str(it->request, "topic") == topic && num(it->request, "queueId") == queue_id) {
        ready.push_back(std::move(*it));
        it = held_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& pull_request : ready) {
    bool ignored = false;
    pull_request.respond(pull(pull_request.request, false, nullptr, &ignored));
  }
}

core::RemotingCommand FakeBroker::send_back(const core::RemotingCommand& request) {
  const std::string group = str(request, "group");
  std::string retry_topic = "%RETRY%" + group;
  {
    std::lock_guard lock(mu_);
    if (fail_send_back_) {
      return core::RemotingCommand::response_to(request, rc::kSystemError, "injected failure");
    }
    auto it = log_.find(num(request, "offset"));
    if (it == log_.end()) {
      return core::RemotingCommand::response_to(request, rc::kSystemError,
                                                "look message by offset failed");
    }
    sdk::record::StoredRecord old;
    const std::string bytes = it->second.bytes;
    sdk::record::decode_record(
        sdk::ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), &old,
        false);
    std::string properties(old.properties);
    if (!sdk::record::find_property(properties, "RETRY_TOPIC")) {
      properties += "\x02RETRY_TOPIC\x01" + std::string(old.topic);
    }
    ensure_topic_locked(retry_topic, 1);
    append_locked(retry_topic, 0,
                  std::string(reinterpret_cast<const char*>(old.body.data()), old.body.size()),
                  old.sys_flag, old.flag, properties, old.reconsume_times + 1,
                  old.born_timestamp_ms);
  }
  wake_held(retry_topic, 0);
  return core::RemotingCommand::response_to(request, rc::kSuccess);
}

void FakeBroker::reap() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    reaper_wake_.wait_for(lock, std::chrono::milliseconds(50));
    if (stopping_) break;
    if (register_pending_.exchange(false)) {
      lock.unlock();
      reregister();
      lock.lock();
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<HeldPull> expired;
    for (auto it = held_.begin(); it != held_.end();) {
      if (it->deadline <= now) {
        expired.push_back(std::move(*it));
        it = held_.erase(it);
      } else {
        ++it;
      }
    }
    if (expired.empty()) continue;
    lock.unlock();
    for (auto& pull_request : expired) {
      bool ignored = false;
      pull_request.respond(pull(pull_request.request, false, nullptr, &ignored));
    }
    lock.lock();
  }
}

}  // namespace mq::test
