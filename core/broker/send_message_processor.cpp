#include "broker/send_message_processor.h"

#include "broker/host_address.h"
#include "broker/message_properties.h"
#include "broker/schedule_message_service.h"
#include "broker/subscription_group_table.h"
#include "broker/topic_config_table.h"
#include "common/clock.h"
#include "remoting/json_reader.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <spdlog/logger.h>

#include <chrono>
#include <random>

namespace mq::core {
namespace {

constexpr std::string_view kRetryPrefix = "%RETRY%";
constexpr std::string_view kDlqPrefix = "%DLQ%";
constexpr std::int32_t kTransactionTypeMask = 0xC;
constexpr std::int32_t kTransactionPrepared = 0x4;
// Whether sends are appended deferred, to be written together at the end of their transport
// read (MessageWriter::put, BrokerProcessor::on_requests_end): one pwrite() per read instead of
// one per message. A constant so that the one-at-a-time path stays a line away for comparison.
constexpr bool kDeferSendAppends = true;

// The send header, from the V1 (full names) or V2 (one-letter) form.
struct SendHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  std::int32_t default_topic_queue_nums = 4;
  std::int32_t queue_id = -1;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp = 0;
  std::int32_t flag = 0;
  std::string properties;
  std::int32_t reconsume_times = 0;
  std::optional<std::int32_t> max_reconsume_times;
  bool batch = false;
};

// The fields of a send header read by parse_send_header(), with their V2 (one letter) and V1
// names, in the order a missing one is reported.
enum SendField : std::uint8_t {
  kGroupField,
  kTopicField,
  kDefaultTopicField,
  kDefaultQueueNumsField,
  kQueueIdField,
  kSysFlagField,
  kBornTimestampField,
  kFlagField,
  kPropertiesField,
  kReconsumeTimesField,
  kMaxReconsumeTimesField,
  kSendFieldCount,
  kOtherField = kSendFieldCount,
};
struct SendFieldName {
  std::string_view v2;
  std::string_view v1;
  bool required;
};
constexpr SendFieldName kSendFieldNames[kSendFieldCount] = {
    {"a", "producerGroup", true},
    {"b", "topic", true},
    {"c", "defaultTopic", true},
    {"d", "defaultTopicQueueNums", true},
    {"e", "queueId", true},
    {"f", "sysFlag", true},
    {"g", "bornTimestamp", true},
    {"h", "flag", true},
    {"i", "properties", false},
    {"j", "reconsumeTimes", false},
    {"l", "maxReconsumeTimes", false},
};

SendField send_field_of(std::string_view key, bool v2) noexcept {
  if (v2) {
    if (key.size() != 1) return kOtherField;
    if (key[0] >= 'a' && key[0] <= 'j') return static_cast<SendField>(key[0] - 'a');
    return key[0] == 'l' ? kMaxReconsumeTimesField : kOtherField;
  }
  for (std::uint8_t field = 0; field < kSendFieldCount; ++field) {
    if (kSendFieldNames[field].v1 == key) return static_cast<SendField>(field);
  }
  return kOtherField;
}

// Reads the send header in one pass over the extFields, moving its strings out of `request`
// (the caller reads no other send field from it). A required field that is absent, or not a
// number where one is expected, is named in `missing`.
std::optional<SendHeader> parse_send_header(RemotingCommand& request, std::string& missing) {
  const bool v2 = request.code == request_code::kSendMessageV2 ||
                  request.code == request_code::kSendBatchMessage;
  SendHeader h;
  std::int64_t numbers[kSendFieldCount] = {};
  bool present[kSendFieldCount] = {};
  request.ext_fields.visit_values([&](std::string_view key, std::string& value) {
    const SendField field = send_field_of(key, v2);
    switch (field) {
      case kOtherField:
        return;
      case kGroupField:
        h.producer_group = std::move(value);
        break;
      case kTopicField:
        h.topic = std::move(value);
        break;
      case kDefaultTopicField:
        h.default_topic = std::move(value);
        break;
      case kPropertiesField:
        h.properties = std::move(value);
        break;
      default: {
        const auto number = parse_decimal_int64(value);
        if (!number) return;  // not a number: as if absent
        numbers[field] = *number;
        break;
      }
    }
    present[field] = true;
  });
  for (std::uint8_t field = 0; field < kSendFieldCount; ++field) {
    if (kSendFieldNames[field].required && !present[field]) {
      missing = std::string(v2 ? kSendFieldNames[field].v2 : kSendFieldNames[field].v1);
      return std::nullopt;
    }
  }
  h.default_topic_queue_nums = static_cast<std::int32_t>(numbers[kDefaultQueueNumsField]);
  h.queue_id = static_cast<std::int32_t>(numbers[kQueueIdField]);
  h.sys_flag = static_cast<std::int32_t>(numbers[kSysFlagField]);
  h.born_timestamp = numbers[kBornTimestampField];
  h.flag = static_cast<std::int32_t>(numbers[kFlagField]);
  h.reconsume_times = static_cast<std::int32_t>(numbers[kReconsumeTimesField]);
  if (present[kMaxReconsumeTimesField]) {
    h.max_reconsume_times = static_cast<std::int32_t>(numbers[kMaxReconsumeTimesField]);
  }
  h.batch = request.code == request_code::kSendBatchMessage ||
            request.get_bool(v2 ? "m" : "batch").value_or(false);
  return h;
}

std::int32_t random_below(std::int32_t bound) {
  thread_local std::minstd_rand random(std::random_device{}());
  return bound <= 0 ? 0 : static_cast<std::int32_t>(random() % static_cast<std::uint32_t>(bound));
}

RemotingCommand error(const RemotingCommand& request, std::int32_t code, std::string remark) {
  return RemotingCommand::response_to(request, code, std::move(remark));
}

// One message of a batch body (§5.6): its own body, flag and properties.
struct BatchItem {
  std::int32_t flag = 0;
  sdk::ByteView body;
  std::string_view properties;
};

std::optional<std::vector<BatchItem>> decode_batch(sdk::ByteView data, std::string& why) {
  std::vector<BatchItem> items;
  std::size_t pos = 0;
  auto need = [&](std::size_t n) { return data.size() - pos >= n; };
  while (pos < data.size()) {
    if (!need(20)) {
      why = "batch record " + std::to_string(items.size()) + " is truncated";
      return std::nullopt;
    }
    const std::size_t start = pos;
    const std::int32_t total = sdk::record::get_i32(data.data() + pos);
    pos += 12;  // TOTALSIZE, MAGICCODE, BODYCRC
    BatchItem item;
    item.flag = sdk::record::get_i32(data.data() + pos);
    pos += 4;
    const std::int32_t body_length = sdk::record::get_i32(data.data() + pos);
    pos += 4;
    if (body_length < 0 || !need(static_cast<std::size_t>(body_length) + 2)) {
      why = "batch record " + std::to_string(items.size()) + " has a bad body length";
      return std::nullopt;
    }
    item.body = data.subspan(pos, static_cast<std::size_t>(body_length));
    pos += static_cast<std::size_t>(body_length);
    const std::uint16_t properties_length =
        static_cast<std::uint16_t>((data[pos] << 8) | data[pos + 1]);
    pos += 2;
    if (!need(properties_length)) {
      why = "batch record " + std::to_string(items.size()) + " has bad properties";
      return std::nullopt;
    }
    item.properties =
        std::string_view(reinterpret_cast<const char*>(data.data() + pos), properties_length);
    pos += properties_length;
    if (total != 0 && static_cast<std::size_t>(total) != pos - start) {
      why = "batch record " + std::to_string(items.size()) + " size does not match its fields";
      return std::nullopt;
    }
    items.push_back(item);
  }
  return items;
}

}  // namespace

std::string retry_topic_of(std::string_view group) {
  return std::string(kRetryPrefix) + std::string(group);
}
std::string dlq_topic_of(std::string_view group) {
  return std::string(kDlqPrefix) + std::string(group);
}

SendMessageProcessor::SendMessageProcessor(BrokerContext& context)
    : context_(context), writer_(context) {}

std::optional<TopicConfig> SendMessageProcessor::ensure_system_topic(const std::string& topic,
                                                                     std::int32_t queues) {
  if (auto existing = context_.topics.find(topic)) return existing;
  TopicConfig config;
  config.topic_name = topic;
  config.read_queue_nums = queues;
  config.write_queue_nums = queues;
  config.perm = kPermRead | kPermWrite;
  if (auto status = context_.topics.upsert(config); !status) {
    context_.logger->error("cannot create topic {}: {}", topic, status.message());
    return std::nullopt;
  }
  context_.logger->info("topic {} created ({} queues)", topic, queues);
  if (context_.register_topics_soon) context_.register_topics_soon();
  return config;
}

std::optional<TopicConfig> SendMessageProcessor::find_or_create_topic(
    const std::string& topic, const std::string& default_topic, std::int32_t default_queue_nums) {
  if (auto existing = context_.topics.find(topic)) return existing;
  if (topic.rfind(kRetryPrefix, 0) == 0) {
    auto group = context_.groups.find(topic.substr(kRetryPrefix.size()));
    return ensure_system_topic(topic, group ? std::max(1, group->retry_queue_nums) : 1);
  }
  if (!context_.config.auto_create_topic_enable) return std::nullopt;
  auto base = context_.topics.find(default_topic);
  if (!base || (base->perm & kPermInherit) == 0) return std::nullopt;
  TopicConfig config;
  config.topic_name = topic;
  const std::int32_t queues = std::max(1, std::min(default_queue_nums, base->write_queue_nums));
  config.read_queue_nums = queues;
  config.write_queue_nums = queues;
  config.perm = base->perm & ~kPermInherit;
  if (auto status = context_.topics.upsert(config); !status) {
    context_.logger->error("cannot create topic {}: {}", topic, status.message());
    return std::nullopt;
  }
  context_.logger->info("topic {} auto-created from {} with {} queues", topic, default_topic,
                        queues);
  if (context_.register_topics_soon) context_.register_topics_soon();
  return config;
}

void SendMessageProcessor::send(const Channel& channel, RemotingCommand request,
                                Responder respond) {
  std::string missing;
  auto header = parse_send_header(request, missing);
  if (!header) {
    respond(
        error(request, response_code::kSystemError, "the custom field <" + missing + "> is null"));
    return;
  }
  if (!context_.broker_writable() || context_.is_slave()) {
    respond(error(
        request,
        context_.is_slave() ? response_code::kServiceNotAvailable : response_code::kNoPermission,
        "the broker[" + context_.config.identity.broker_name + "] sending message is forbidden"));
    return;
  }
  if (!valid_topic_name(header->topic)) {
    respond(error(request, response_code::kSystemError,
                  "the specified topic[" + header->topic +
                      "] is invalid: 1..127 characters from A-Z a-z 0-9 % | _ -"));
    return;
  }
  if (is_no_send_topic(header->topic)) {
    respond(error(request, response_code::kNoPermission,
                  "Sending message to topic[" + header->topic + "] is forbidden."));
    return;
  }
  auto topic =
      find_or_create_topic(header->topic, header->default_topic, header->default_topic_queue_nums);
  if (!topic) {
    respond(error(request, response_code::kTopicNotExist,
                  "topic[" + header->topic + "] not exist, apply first please!"));
    return;
  }
  if ((topic->perm & kPermWrite) == 0) {
    respond(error(request, response_code::kNoPermission,
                  "the topic[" + header->topic + "] sending message is forbidden"));
    return;
  }
  std::int32_t queue_id = header->queue_id;
  if (queue_id < 0) queue_id = random_below(topic->write_queue_nums);
  if (queue_id >= std::max(topic->read_queue_nums, topic->write_queue_nums)) {
    respond(error(request, response_code::kSystemError,
                  "request queueId[" + std::to_string(queue_id) + "] is illegal, topic " +
                      header->topic + " has " + std::to_string(topic->write_queue_nums) +
                      " write queues"));
    return;
  }
  if ((header->sys_flag & kTransactionTypeMask) == kTransactionPrepared) {
    respond(error(request, response_code::kNoPermission,
                  "the broker[" + context_.config.identity.broker_name +
                      "] does not accept transaction messages"));
    return;
  }

  std::string target_topic = header->topic;
  // The common send (no batch, no retry topic, no delay) rewrites its properties text in one
  // pass; the others parse it into entries.
  std::optional<std::string> plain_properties;
  if (!header->batch && target_topic.rfind(kRetryPrefix, 0) != 0 &&
      !sdk::record::find_property(header->properties, property::kDelay)) {
    plain_properties =
        MessageProperties::rewrite(header->properties, property::kWait, property::kCluster,
                                   context_.config.identity.cluster_name);
  }
  MessageProperties properties;
  if (!plain_properties) properties = MessageProperties::parse(header->properties);
  std::int32_t reconsume_times = header->reconsume_times;

  // %RETRY%<group>: the group must exist; past the maximum, the message goes to %DLQ%<group>.
  if (target_topic.rfind(kRetryPrefix, 0) == 0) {
    const std::string group_name = target_topic.substr(kRetryPrefix.size());
    auto group = context_.groups.find_or_create(group_name);
    if (!group) {
      respond(error(request, response_code::kSubscriptionGroupNotExist,
                    "subscription group not exist, " + group_name));
      return;
    }
    const std::int32_t max_times = (request.version >= 121 && header->max_reconsume_times)
                                       ? *header->max_reconsume_times
                                       : group->retry_max_times;
    if (reconsume_times >= max_times) {
      auto dlq = ensure_system_topic(dlq_topic_of(group_name), 1);
      if (!dlq) {
        respond(error(request, response_code::kSystemError,
                      "cannot create the dead-letter topic of " + group_name));
        return;
      }
      target_topic = dlq->topic_name;
      queue_id = 0;
      properties.remove(property::kDelay);
    }
  }

  bool wait = true;
  if (plain_properties) {
    // rewrite() found no name twice, so the first WAIT is the only one.
    wait =
        sdk::record::find_property(header->properties, property::kWait).value_or("true") != "false";
  } else {
    properties.set(property::kCluster, context_.config.identity.cluster_name);
    wait = properties.get(property::kWait).value_or("true") != "false";
    properties.remove(property::kWait);
  }

  sdk::MessageToAppend message;
  message.flag = header->flag;
  message.sys_flag = header->sys_flag;
  message.born_timestamp_ms = header->born_timestamp;
  message.born_host = host_address_or_loopback(channel.peer);
  message.store_host = context_.store_host;
  message.reconsume_times = reconsume_times;
  message.body = request.body.view();

  if (header->batch) {
    if (properties.get(property::kDelay)) {
      respond(error(request, response_code::kMessageIllegal, "a batch message cannot be delayed"));
      return;
    }
    std::string why;
    auto items = decode_batch(request.body.view(), why);
    if (!items) {
      respond(error(request, response_code::kMessageIllegal, why));
      return;
    }
    // The header's properties apply to every message of the batch that lacks them.
    const MessageProperties& shared = properties;
    std::vector<std::string> item_properties;
    item_properties.reserve(items->size());
    std::vector<sdk::MessageToAppend> batch;
    batch.reserve(items->size());
    for (const auto& item : *items) {
      if (item.body.size() > static_cast<std::size_t>(context_.config.store.max_message_size)) {
        respond(error(request, response_code::kMessageIllegal,
                      "the message body size over max value, MAX: " +
                          std::to_string(context_.config.store.max_message_size)));
        return;
      }
      item_properties.push_back(MessageProperties::merged_with(item.properties, shared));
    }
    // Every view below points into item_properties, which outlives the append.
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string_view props = item_properties[i];
      if (props.size() > sdk::record::kMaxPropertiesLength) {
        respond(error(request, response_code::kMessageIllegal,
                      "the message properties length is over 32767"));
        return;
      }
      sdk::MessageToAppend one = message;
      one.topic = target_topic;
      one.queue_id = queue_id;
      one.flag = (*items)[i].flag;
      one.body = (*items)[i].body;
      one.properties = props;
      one.tags_code =
          sdk::record::tags_code(sdk::record::find_property(props, property::kTags).value_or(""));
      one.keys = sdk::record::find_property(props, property::kKeys).value_or("");
      one.unique_key = sdk::record::find_property(props, property::kUniqueKey).value_or("");
      batch.push_back(one);
    }
    std::vector<std::int32_t> sizes;
    for (const auto& one : batch) {
      sizes.push_back(static_cast<std::int32_t>(sdk::record::encoded_size(
          one.sys_flag | (one.born_host.ip_length == 16 ? sdk::record::kSysFlagBornHostV6 : 0) |
              (one.store_host.ip_length == 16 ? sdk::record::kSysFlagStoreHostV6 : 0),
          one.body.size(), one.topic.size(), one.properties.size())));
    }
    const sdk::HostAddress store_host = context_.store_host;
    writer_.put_batch(
        batch, wait,
        [respond, sizes, store_host, queue_id](const PutOutcome& outcome) {
          RemotingCommand response;  // the Responder sets opaque, flag and serialize type
          response.code = outcome.code;
          if (!outcome.remark.empty()) response.remark = outcome.remark;
          if (outcome.stored()) {
            std::string ids;
            std::int64_t offset = outcome.result.physical_offset.value();
            for (auto size : sizes) {
              if (!ids.empty()) ids += ',';
              ids += sdk::record::offset_message_id(store_host, offset);
              offset += size;
            }
            response.set("msgId", ids);
            response.set("queueId", std::int64_t{queue_id});
            response.set("queueOffset", outcome.result.queue_offset.value());
          }
          response.set("MSG_REGION", "DefaultRegion");
          response.set("TRACE_ON", "true");
          respond(std::move(response));
        },
        kDeferSendAppends);
    return;
  }

  if (request.body.size() > static_cast<std::size_t>(context_.config.store.max_message_size)) {
    respond(error(request, response_code::kMessageIllegal,
                  "the message body size over max value, MAX: " +
                      std::to_string(context_.config.store.max_message_size)));
    return;
  }

  std::int32_t stored_queue = queue_id;
  std::string stored_topic = target_topic;
  std::int64_t tags_code = 0;
  std::string properties_text;
  if (plain_properties) {
    properties_text = std::move(*plain_properties);
    tags_code = sdk::record::tags_code(
        sdk::record::find_property(properties_text, property::kTags).value_or(""));
  } else {
    tags_code = sdk::record::tags_code(properties.get(property::kTags).value_or(""));
    if (auto delay = properties.get(property::kDelay)) {
      context_.schedule->redirect_delayed(properties, stored_topic, stored_queue, tags_code,
                                          wall_clock_ms());
    }
    properties_text = properties.to_string();
  }
  if (properties_text.size() > sdk::record::kMaxPropertiesLength) {
    respond(error(request, response_code::kMessageIllegal,
                  "the message properties length is over 32767"));
    return;
  }
  message.topic = stored_topic;
  message.queue_id = stored_queue;
  message.properties = properties_text;
  message.tags_code = tags_code;
  message.keys = sdk::record::find_property(properties_text, property::kKeys).value_or("");
  message.unique_key =
      sdk::record::find_property(properties_text, property::kUniqueKey).value_or("");

  const sdk::HostAddress store_host = context_.store_host;
  writer_.put(
      message, wait,
      [respond, store_host, queue_id](const PutOutcome& outcome) {
        RemotingCommand response;  // the Responder sets opaque, flag and serialize type
        response.code = outcome.code;
        if (!outcome.remark.empty()) response.remark = outcome.remark;
        if (outcome.stored()) {
          response.set("msgId", sdk::record::offset_message_id(
                                    store_host, outcome.result.physical_offset.value()));
          response.set("queueId", std::int64_t{queue_id});
          response.set("queueOffset", outcome.result.queue_offset.value());
        }
        response.set("MSG_REGION", "DefaultRegion");
        response.set("TRACE_ON", "true");
        respond(std::move(response));
      },
      kDeferSendAppends);
}

void SendMessageProcessor::send_back(const Channel&, RemotingCommand request, Responder respond) {
  auto offset = request.get_int("offset");
  auto group_name = request.get("group");
  auto delay_level = request.get_int("delayLevel");
  if (!offset || !group_name || !delay_level) {
    respond(error(request, response_code::kSystemError,
                  "CONSUMER_SEND_MSG_BACK needs offset, group and delayLevel"));
    return;
  }
  auto group = context_.groups.find_or_create(*group_name);
  if (!group) {
    respond(error(request, response_code::kSubscriptionGroupNotExist,
                  "subscription group not exist, " + std::string(*group_name)));
    return;
  }
  if (!context_.broker_writable() || context_.is_slave()) {
    respond(error(
        request, response_code::kNoPermission,
        "the broker[" + context_.config.identity.broker_name + "] sending message is forbidden"));
    return;
  }
  if (group->retry_queue_nums <= 0) {
    respond(RemotingCommand::response_to(request, response_code::kSuccess));
    return;
  }
  const std::string retry_topic = retry_topic_of(*group_name);
  auto retry = ensure_system_topic(retry_topic, group->retry_queue_nums);
  if (!retry) {
    respond(error(request, response_code::kSystemError, "cannot create " + retry_topic));
    return;
  }
  auto found = context_.store.read_at(sdk::PhysicalOffset(*offset));
  sdk::record::StoredRecord old;
  if (!found.ok() ||
      sdk::record::decode_record(found->record, &old, false) != sdk::record::DecodeStatus::kOk) {
    respond(error(request, response_code::kSystemError,
                  "look message by offset failed, " + std::to_string(*offset)));
    return;
  }
  MessageProperties properties = MessageProperties::parse(old.properties);
  if (!properties.get(property::kRetryTopic)) {
    properties.set(property::kRetryTopic, old.topic);
  }
  properties.set(property::kWait, "false");
  const std::int32_t max_times =
      request.version >= 121 && request.get_int("maxReconsumeTimes")
          ? static_cast<std::int32_t>(*request.get_int("maxReconsumeTimes"))
          : group->retry_max_times;
  std::string topic = retry_topic;
  std::int32_t queue_id = random_below(retry->write_queue_nums);
  if (old.reconsume_times >= max_times || *delay_level < 0) {
    auto dlq = ensure_system_topic(dlq_topic_of(*group_name), 1);
    if (!dlq) {
      respond(error(request, response_code::kSystemError, "cannot create the dead-letter topic"));
      return;
    }
    topic = dlq->topic_name;
    queue_id = 0;
    properties.remove(property::kDelay);
  } else {
    const std::int64_t level = *delay_level == 0 ? 3 + old.reconsume_times : *delay_level;
    properties.set(property::kDelay, std::to_string(level));
  }
  if (!properties.get(property::kOriginMessageId)) {
    properties.set(property::kOriginMessageId,
                   sdk::record::offset_message_id(old.store_host, old.physical_offset));
  }
  std::int64_t tags_code = sdk::record::tags_code(properties.get(property::kTags).value_or(""));
  std::string stored_topic = topic;
  std::int32_t stored_queue = queue_id;
  if (properties.get(property::kDelay)) {
    context_.schedule->redirect_delayed(properties, stored_topic, stored_queue, tags_code,
                                        wall_clock_ms());
  }
  properties.remove(property::kWait);
  const std::string properties_text = properties.to_string();

  sdk::MessageToAppend message =
      message_from_record(old, stored_topic, stored_queue, properties_text);
  message.store_host = context_.store_host;
  message.reconsume_times = old.reconsume_times + 1;
  message.tags_code = tags_code;  // the delivery time when the message is delayed
  // `found` pins the old record's bytes (body) until the append has copied them.
  auto keepalive = found->keepalive;
  writer_.put(message, false, [respond, keepalive](const PutOutcome& outcome) {
    RemotingCommand response;
    if (outcome.stored()) {
      response.code = response_code::kSuccess;
    } else {
      response.code = response_code::kSystemError;
      response.remark = outcome.remark;
    }
    respond(std::move(response));
  });
}

}  // namespace mq::core
