// mqadmin message commands: sendMessage and consumeMessage (through the client library) and
// queryMsgById (VIEW_MESSAGE_BY_ID to the broker named in the id; remoting-protocol.md §3.9,
// §5.4).
#include "admin_context.h"
#include "mq/client/message.h"
#include "mq/client/producer.h"
#include "mq/client/pull_consumer.h"

#include "mq/sdk/stored_record.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>

namespace mq::apps {
namespace {

std::string text_or_binary(const std::string& body) {
  for (unsigned char c : body) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return "<" + std::to_string(body.size()) + " bytes of binary data>";
    }
  }
  return body;
}

}  // namespace

int send_message(AdminContext& ctx) {
  auto topic = ctx.value("topic");
  auto body = ctx.value("body");
  if (!topic || !body) return ctx.usage_error("sendMessage needs -t TOPIC and -p BODY");
  client::Producer producer({.namesrv_addr = ctx.namesrv_text(), .group = "TOOLS_PRODUCER"});
  if (auto status = producer.start(); !status) return ctx.usage_error(status.message());
  auto result = producer.send({.topic = *topic,
                               .tags = ctx.value("tags").value_or(""),
                               .keys = ctx.value("keys").value_or(""),
                               .body = *body});
  if (!result.ok()) return ctx.fail("send failed: " + result.status().message());
  std::printf("%-32s  %-4s  %-20s    %s\n", "#Broker Name", "#QID", "#Send Result", "#MsgId");
  std::printf("%-32s  %-4d  %-20s    %s\n", result->queue.broker_name.c_str(),
              result->queue.queue_id, std::string(client::send_status_name(result->status)).c_str(),
              result->msg_id.c_str());
  return 0;
}

int consume_message(AdminContext& ctx) {
  auto topic = ctx.value("topic");
  if (!topic) return ctx.usage_error("consumeMessage needs -t TOPIC");
  std::int64_t count = 128;
  if (auto text = ctx.value("count")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), count);
    if (ec != std::errc() || end != text->data() + text->size() || count <= 0) {
      return ctx.usage_error("-c expects a positive message count, got '" + *text + "'");
    }
  }
  const auto broker = ctx.value("brokerName");
  client::PullConsumer consumer({.namesrv_addr = ctx.namesrv_text(),
                                 .group = ctx.value("consumerGroup").value_or("TOOLS_CONSUMER")});
  if (auto status = consumer.start(); !status) return ctx.usage_error(status.message());
  auto queues = consumer.fetch_subscribe_queues(*topic);
  if (!queues.ok()) return ctx.fail(queues.status().message());
  std::int64_t printed = 0;
  for (const auto& queue : queues.value()) {
    if (broker && queue.broker_name != *broker) continue;
    auto offset = consumer.min_offset(queue);
    if (!offset.ok()) return ctx.fail(offset.status().message());
    std::int64_t next = offset.value();
    while (printed < count) {
      auto result = consumer.pull(queue, "*", next, 32);
      if (!result.ok()) return ctx.fail(result.status().message());
      if (result->status == client::PullStatus::kNoNewMsg || result->next_begin_offset <= next) {
        break;
      }
      for (const auto& m : result->messages) {
        if (printed >= count) break;
        std::printf("topic=%s broker=%s queue=%d offset=%lld msgId=%s tags=%s keys=%s body=%s\n",
                    m.topic.c_str(), m.broker_name.c_str(), m.queue_id,
                    static_cast<long long>(m.queue_offset), m.offset_msg_id.c_str(), m.tags.c_str(),
                    m.keys.c_str(), text_or_binary(m.body).c_str());
        ++printed;
      }
      next = result->next_begin_offset;
    }
  }
  std::printf("consumed %lld messages\n", static_cast<long long>(printed));
  return 0;
}

int query_msg_by_id(AdminContext& ctx) {
  auto id = ctx.value("msgId");
  if (!id) return ctx.usage_error("queryMsgById needs -i MSGID");
  sdk::HostAddress host;
  std::int64_t offset = 0;
  if (!sdk::record::parse_offset_message_id(*id, &host, &offset)) {
    return ctx.usage_error("'" + *id + "' is not an offset message id (32 or 56 hex digits)");
  }
  char ip[INET6_ADDRSTRLEN] = {};
  inet_ntop(host.ip_length == 16 ? AF_INET6 : AF_INET, host.ip, ip, sizeof(ip));
  const std::string addr = (host.ip_length == 16 ? "[" + std::string(ip) + "]" : std::string(ip)) +
                           ":" + std::to_string(host.port);
  auto request = core::RemotingCommand::request(core::request_code::kViewMessageById);
  request.set("offset", offset);
  auto response = ctx.call(addr, request);
  if (!response.ok()) return ctx.fail(response.status().message());
  if (response->code != core::response_code::kSuccess) return ctx.refused(response.value());
  auto messages = client::decode_messages(response->body.view());
  if (!messages.ok()) return ctx.fail(messages.status().message());
  if (messages->empty()) return ctx.fail("the broker returned no message for " + *id);
  const auto& m = messages->front();
  std::string properties;
  for (const auto& [name, value] : m.properties) {
    if (!properties.empty()) properties += ", ";
    properties += name + "=" + value;
  }
  auto line = [](const char* label, const std::string& value) {
    std::printf("%-20s %s\n", label, value.c_str());
  };
  line("OffsetID:", m.offset_msg_id);
  line("MsgId:", m.msg_id);
  line("Topic:", m.topic);
  line("Tags:", "[" + m.tags + "]");
  line("Keys:", "[" + m.keys + "]");
  line("Queue ID:", std::to_string(m.queue_id));
  line("Queue Offset:", std::to_string(m.queue_offset));
  line("CommitLog Offset:", std::to_string(m.commit_log_offset));
  line("Reconsume Times:", std::to_string(m.reconsume_times));
  line("Born Timestamp:", std::to_string(m.born_timestamp_ms));
  line("Store Timestamp:", std::to_string(m.store_timestamp_ms));
  line("Born Host:", m.born_host);
  line("Store Host:", m.store_host);
  line("System Flag:", std::to_string(m.sys_flag));
  line("Properties:", "{" + properties + "}");
  line("Message Body:", text_or_binary(m.body));
  return 0;
}

}  // namespace mq::apps
