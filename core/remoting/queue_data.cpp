#include "remoting/queue_data.h"

#include "remoting/json_reader.h"

namespace mq::core {

JsonValue QueueData::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("brokerName", JsonValue::string(broker_name));
  out.add("perm", JsonValue::integer(perm));
  out.add("readQueueNums", JsonValue::integer(read_queue_nums));
  out.add("topicSysFlag", JsonValue::integer(topic_sys_flag));
  out.add("writeQueueNums", JsonValue::integer(write_queue_nums));
  return out;
}

sdk::Result<QueueData> QueueData::from_json_value(const JsonValue& value) {
  QueueData out;
  JsonFieldReader reader(value, "QueueData");
  reader.read("brokerName", out.broker_name);
  reader.read("readQueueNums", out.read_queue_nums);
  reader.read("writeQueueNums", out.write_queue_nums);
  reader.read("perm", out.perm);
  reader.read("topicSynFlag", out.topic_sys_flag);
  reader.read("topicSysFlag", out.topic_sys_flag);
  if (!reader.ok()) return reader.status();
  return out;
}

}  // namespace mq::core
