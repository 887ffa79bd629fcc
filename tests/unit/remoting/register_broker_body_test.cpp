#include "remoting/register_broker_body.h"

#include "frame_helpers.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace mq::core {
namespace {

// §4.4, uncompressed.
constexpr std::string_view kDocJson =
    R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,)"
    R"("timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,)"
    R"("readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest",)"
    R"("topicSysFlag":0,"writeQueueNums":4}}}})";

RegisterBrokerBody sample_body() {
  RegisterBrokerBody body;
  auto& wrapper = body.topic_config_serialize_wrapper;
  wrapper.data_version.counter = 3;
  wrapper.data_version.timestamp = 1700000000000;
  TopicConfig topic;
  topic.topic_name = "TopicTest";
  topic.read_queue_nums = 4;
  topic.write_queue_nums = 4;
  topic.perm = 6;
  wrapper.topic_config_table[topic.topic_name] = topic;
  TopicConfig order = topic;
  order.topic_name = "OrderTopic";
  order.order = true;
  order.topic_sys_flag = 1;
  order.topic_filter_type = TopicFilterType::kMultiTag;
  order.perm = 7;
  wrapper.topic_config_table[order.topic_name] = order;
  body.filter_server_list = {"10.0.0.5:45001"};
  return body;
}

TEST(RegisterBrokerBody, JsonOfTheProtocolDoc) {
  auto parsed = RegisterBrokerBody::from_json(kDocJson);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const auto& table = parsed->topic_config_serialize_wrapper.topic_config_table;
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.at("TopicTest").read_queue_nums, 4);
  EXPECT_EQ(parsed->topic_config_serialize_wrapper.data_version.counter, 3);
  EXPECT_TRUE(parsed->filter_server_list.empty());
  EXPECT_EQ(parsed->to_json(), kDocJson);
}

TEST(RegisterBrokerBody, JsonRoundTrip) {
  const RegisterBrokerBody body = sample_body();
  auto encoded = body.encode(false);
  ASSERT_TRUE(encoded.ok());
  auto parsed = RegisterBrokerBody::decode(encoded->view(), false);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, body);
}

TEST(RegisterBrokerBody, CompressedRoundTripLosesSysFlagAndOrder) {
  const RegisterBrokerBody body = sample_body();
  auto compressed = body.encode(true);
  ASSERT_TRUE(compressed.ok());
  ASSERT_GE(compressed->size(), 2u);
  EXPECT_EQ(compressed->data()[0], 0x78);  // zlib stream (RFC 1950)
  EXPECT_EQ(compressed->data()[1], 0xDA);  // best compression
  auto parsed = RegisterBrokerBody::decode(compressed->view(), true);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();

  RegisterBrokerBody expected = body;
  auto& order = expected.topic_config_serialize_wrapper.topic_config_table.at("OrderTopic");
  order.order = false;
  order.topic_sys_flag = 0;
  EXPECT_EQ(*parsed, expected);
  EXPECT_EQ(
      parsed->topic_config_serialize_wrapper.topic_config_table.at("OrderTopic").topic_filter_type,
      TopicFilterType::kMultiTag);
}

std::string be32_part(std::string_view text) {
  return test::be32(static_cast<std::uint32_t>(text.size())) + std::string(text);
}

std::string deflate_text(const std::string& plain) {
  uLongf size = compressBound(plain.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                      reinterpret_cast<const Bytef*>(plain.data()), plain.size(), 6),
            Z_OK);
  out.resize(size);
  return out;
}

sdk::Result<RegisterBrokerBody> decode_compressed(const std::string& data,
                                                  std::size_t limit = 1 << 20) {
  return RegisterBrokerBody::decode_compressed(
      sdk::ByteView(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), limit);
}

TEST(RegisterBrokerBody, CompressedLayoutWrittenByHand) {
  const std::string plain = be32_part(R"({"counter":9,"timestamp":5})") + test::be32(2) +
                            be32_part("A 8 8 6 SINGLE_TAG") + be32_part("B 1 2 4 MULTI_TAG") +
                            be32_part("[\"f1\",\"f2\"]");
  auto parsed = decode_compressed(deflate_text(plain) + "trailing bytes are ignored");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->topic_config_serialize_wrapper.data_version.counter, 9);
  const auto& table = parsed->topic_config_serialize_wrapper.topic_config_table;
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at("B").write_queue_nums, 2);
  EXPECT_EQ(table.at("B").perm, 4);
  EXPECT_EQ(parsed->filter_server_list, (std::vector<std::string>{"f1", "f2"}));
}

TEST(RegisterBrokerBody, MalformedCompressedBodiesFail) {
  const std::string version = be32_part(R"({"counter":1,"timestamp":2})");
  const std::string filters = be32_part("[]");
  for (const std::string& data : {
           std::string("not zlib at all"),
           std::string(),
           deflate_text(version + test::be32(0) + filters).substr(0, 10),  // cut short
           deflate_text(""),
           deflate_text(version),                                     // no count
           deflate_text(version + test::be32(0xFFFFFFFF) + filters),  // negative count
           deflate_text(version + test::be32(1000000) + filters),     // count too big
           deflate_text(version + test::be32(1) + be32_part("T 1 1") + filters),
           deflate_text(version + test::be32(1) + test::be32(0x7FFFFFFF) + filters),
           deflate_text(version + test::be32(0)),  // no filter list
           deflate_text(version + test::be32(0) + be32_part("{")),
           deflate_text(version + test::be32(0) + be32_part("[{}]")),
           deflate_text(be32_part("[1]") + test::be32(0) + filters),
       }) {
    auto parsed = decode_compressed(data);
    EXPECT_FALSE(parsed.ok());
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), sdk::StatusCode::kCorruption);
    }
  }
}

TEST(RegisterBrokerBody, InflateLimit) {
  const std::string plain = be32_part(R"({"counter":1,"timestamp":2})") + test::be32(0) +
                            be32_part("[\"" + std::string(100000, 'a') + "\"]");
  const std::string data = deflate_text(plain);
  EXPECT_TRUE(decode_compressed(data, 1 << 20).ok());
  auto limited = decode_compressed(data, 4096);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.status().message().find("more than 4096"), std::string::npos);
}

}  // namespace
}  // namespace mq::core
