#include "remoting/topic_list.h"

#include "remoting/json_reader.h"

#include <vector>

namespace mq::core {

std::string TopicList::to_json() const {
  JsonValue out = JsonValue::object();
  if (broker_addr) out.add("brokerAddr", JsonValue::string(*broker_addr));
  JsonValue& list = out.add("topicList", JsonValue::array());
  for (const auto& topic : topic_list) list.push_back(JsonValue::string(topic));
  return write_json(out);
}

sdk::Result<TopicList> TopicList::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  TopicList out;
  JsonFieldReader reader(*parsed, "TopicList");
  reader.read("brokerAddr", out.broker_addr);
  std::vector<std::string> topics;
  reader.read("topicList", topics);
  if (!reader.ok()) return reader.status();
  out.topic_list.insert(topics.begin(), topics.end());
  return out;
}

}  // namespace mq::core
