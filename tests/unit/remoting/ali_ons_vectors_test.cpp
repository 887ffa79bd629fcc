// Decodes every frame captured from the ali-ons 3.12.0 client (tests/data/ali-ons-3.12.0) and
// checks each value that the folder's README.md lists.
#include "frame_helpers.h"
#include "sha256.h"
#include "test_data.h"

#include "remoting/heartbeat_data.h"
#include "remoting/remoting_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace mq::core {
namespace {

constexpr std::string_view kFolder = "ali-ons-3.12.0";

struct Vector {
  const char* file;
  std::int32_t code;
  std::int32_t opaque;
  std::size_t frame_bytes;
  std::size_t header_bytes;
  ExtFields ext_fields;
  std::size_t body_bytes;
};

std::vector<Vector> vectors() {
  return {
      {"req-105-get-route.bin", 105, 12, 107, 99, {{"topic", "TopicTest"}}, 0},
      {"req-310-send-v2.bin",
       310,
       2,
       301,
       266,
       {{"a", "PID_TopicTest"},
        {"b", "TopicTest"},
        {"c", "TBW102"},
        {"d", "4"},
        {"e", "0"},
        {"f", "0"},
        {"g", "1795591378687"},
        {"h", "0"},
        {"i",
         "TAGS\x01TagA\x02KEYS\x01order-1001 cust-42\x02"
         "color\x01red\x02"},
        {"j", "0"},
        {"k", "false"}},
       27},
      {"req-310-send-v2-zlib-body.bin",
       310,
       3,
       529,
       233,
       {{"a", "PID_TopicTest"},
        {"b", "TopicTest"},
        {"c", "TBW102"},
        {"d", "4"},
        {"e", "1"},
        {"f", "1"},
        {"g", "1795591378691"},
        {"h", "0"},
        {"i",
         "TAGS\x01TagB\x02KEYS\x01"
         "big-1\x02"},
        {"j", "0"},
        {"k", "false"}},
       288},
      {"req-34-heartbeat.bin", 34, 9, 646, 78, {}, 560},
      {"req-38-consumer-list.bin", 38, 15, 118, 110, {{"consumerGroup", "GID_TopicTest"}}, 0},
      {"req-14-query-offset.bin",
       14,
       24,
       150,
       142,
       {{"topic", "TopicTest"}, {"consumerGroup", "GID_TopicTest"}, {"queueId", "0"}},
       0},
      {"req-11-pull.bin",
       11,
       26,
       297,
       289,
       {{"consumerGroup", "GID_TopicTest"},
        {"topic", "TopicTest"},
        {"queueId", "0"},
        {"queueOffset", "0"},
        {"maxMsgNums", "32"},
        {"sysFlag", "6"},
        {"commitOffset", "0"},
        {"suspendTimeoutMillis", "15000"},
        {"subscription", "TagA || TagB"},
        {"subVersion", "1795591378694"}},
       0},
      {"req-11-pull-commit-offset.bin",
       11,
       29,
       297,
       289,
       {{"consumerGroup", "GID_TopicTest"},
        {"topic", "TopicTest"},
        {"queueId", "0"},
        {"queueOffset", "1"},
        {"maxMsgNums", "32"},
        {"sysFlag", "7"},
        {"commitOffset", "1"},
        {"suspendTimeoutMillis", "15000"},
        {"subscription", "TagA || TagB"},
        {"subVersion", "1795591378694"}},
       0},
      {"req-36-send-back.bin",
       36,
       31,
       253,
       245,
       {{"offset", "171"},
        {"group", "GID_TopicTest"},
        {"delayLevel", "0"},
        {"originMsgId", "7F00000100008CFF00000000000000AB"},
        {"originTopic", "TopicTest"},
        {"unitMode", "false"},
        {"maxReconsumeTimes", "16"}},
       0},
      {"req-15-update-offset.bin",
       15,
       36,
       167,
       159,
       {{"topic", "TopicTest"},
        {"consumerGroup", "GID_TopicTest"},
        {"queueId", "0"},
        {"commitOffset", "1"}},
       0},
      {"req-15-update-offset-minus-one.bin",
       15,
       38,
       168,
       160,
       {{"topic", "TopicTest"},
        {"consumerGroup", "GID_TopicTest"},
        {"queueId", "2"},
        {"commitOffset", "-1"}},
       0},
      {"req-35-unregister.bin",
       35,
       45,
       147,
       139,
       {{"clientID", "127.0.0.1@14849"}, {"consumerGroup", "GID_TopicTest"}},
       0},
      {"req-35-unregister-producer.bin",
       35,
       46,
       147,
       139,
       {{"clientID", "127.0.0.1@14849"}, {"producerGroup", "PID_TopicTest"}},
       0},
  };
}

std::string read_vector(std::string_view file) {
  return test::read_test_file(std::string(kFolder) + "/" + std::string(file));
}

// Strips the 4-byte length prefix after checking it, then decodes.
sdk::Result<RemotingCommand> decode_file(const std::string& bytes) {
  EXPECT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 4), test::be32(static_cast<std::uint32_t>(bytes.size() - 4)));
  return decode_frame(test::bytes_of(std::string_view(bytes).substr(4)));
}

TEST(AliOnsVectors, TheTableCoversEveryFileInTheFolder) {
  std::set<std::string> listed;
  for (const auto& v : vectors()) listed.insert(v.file);
  std::set<std::string> present;
  std::size_t total_bytes = 0;
  const std::filesystem::path folder = std::filesystem::path(MQ_TEST_DATA_DIR) / kFolder;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".bin") continue;
    present.insert(entry.path().filename().string());
    total_bytes += static_cast<std::size_t>(entry.file_size());
  }
  EXPECT_EQ(present, listed);
  EXPECT_EQ(present.size(), 13u);
  EXPECT_EQ(total_bytes, 3327u);
}

TEST(AliOnsVectors, EveryFileDecodesToTheDocumentedValues) {
  for (const auto& v : vectors()) {
    SCOPED_TRACE(v.file);
    const std::string bytes = read_vector(v.file);
    ASSERT_EQ(bytes.size(), v.frame_bytes);
    // Header word: serialize type 0 (JSON) in the high byte, header length in the low 24 bits.
    EXPECT_EQ(bytes.substr(4, 4), test::be32(static_cast<std::uint32_t>(v.header_bytes)));
    auto decoded = decode_file(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    const RemotingCommand& command = *decoded;
    EXPECT_EQ(command.serialize_type, SerializeType::kJson);
    EXPECT_EQ(command.code, v.code);
    EXPECT_EQ(command.opaque, v.opaque);
    EXPECT_EQ(command.flag, 0);
    EXPECT_FALSE(command.is_oneway());
    EXPECT_EQ(command.version, 121);
    EXPECT_EQ(command.language, LanguageCode::kJava);
    EXPECT_EQ(command.remark, std::nullopt);
    EXPECT_EQ(command.ext_fields, v.ext_fields);
    EXPECT_EQ(command.body.size(), v.body_bytes);
    EXPECT_EQ(v.frame_bytes, 8 + v.header_bytes + v.body_bytes);
  }
}

TEST(AliOnsVectors, TypedViewsOfExtFields) {
  auto pull = decode_file(read_vector("req-11-pull-commit-offset.bin"));
  ASSERT_TRUE(pull.ok());
  EXPECT_EQ(pull->get_int("subVersion"), 1795591378694);
  EXPECT_EQ(pull->get_int("sysFlag"), 7);
  EXPECT_EQ(pull->get_int("queueOffset"), 1);
  auto update = decode_file(read_vector("req-15-update-offset-minus-one.bin"));
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->get_int("commitOffset"), -1);
  auto send_back = decode_file(read_vector("req-36-send-back.bin"));
  ASSERT_TRUE(send_back.ok());
  EXPECT_EQ(send_back->get_bool("unitMode"), false);
  EXPECT_EQ(send_back->get_int("offset"), 171);
}

TEST(AliOnsVectors, SendV2BodyAndProperties) {
  auto send = decode_file(read_vector("req-310-send-v2.bin"));
  ASSERT_TRUE(send.ok());
  EXPECT_EQ(send->body.as_string_view(), "Hello RocketMQ from ali-ons");
  EXPECT_EQ(send->get_int("g"), 1795591378687);
  EXPECT_EQ(send->get_bool("k"), false);
  // Properties: split on U+0002, then at the first U+0001.
  std::vector<std::pair<std::string, std::string>> properties;
  std::string_view text = *send->get("i");
  while (!text.empty()) {
    const std::size_t end = text.find('\x02');
    const std::string_view entry = text.substr(0, end);
    const std::size_t split = entry.find('\x01');
    properties.emplace_back(entry.substr(0, split), entry.substr(split + 1));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  EXPECT_EQ(properties, (std::vector<std::pair<std::string, std::string>>{
                            {"TAGS", "TagA"}, {"KEYS", "order-1001 cust-42"}, {"color", "red"}}));
}

TEST(AliOnsVectors, ZlibBodyInflatesToTheDocumentedText) {
  auto send = decode_file(read_vector("req-310-send-v2-zlib-body.bin"));
  ASSERT_TRUE(send.ok());
  ASSERT_EQ(send->body.size(), 288u);
  EXPECT_EQ(send->body.data()[0], 0x78);
  EXPECT_EQ(send->body.data()[1], 0x9C);
  EXPECT_EQ(send->get_int("f").value_or(0) & 1, 1);  // sysFlag bit 0: compressed

  std::string inflated(10000, '\0');
  uLongf inflated_size = inflated.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(inflated.data()), &inflated_size, send->body.data(),
                       send->body.size()),
            Z_OK);
  inflated.resize(inflated_size);
  EXPECT_EQ(inflated.size(), 5000u);
  EXPECT_TRUE(inflated.starts_with("line 0000: the quick brown fox jumps over the lazy dog\n"));
  EXPECT_EQ(test::sha256_hex(inflated),
            "89f898a04cb0d4ce76f0ce502950702cd647120f3da474f82b10ff4f5017cabe");
}

TEST(AliOnsVectors, HeartbeatBody) {
  auto heartbeat = decode_file(read_vector("req-34-heartbeat.bin"));
  ASSERT_TRUE(heartbeat.ok());
  EXPECT_TRUE(heartbeat->ext_fields.empty());
  const std::string_view body = heartbeat->body.as_string_view();
  EXPECT_EQ(
      body,
      R"({"clientID":"127.0.0.1@14849","consumerDataSet":[{"groupName":"GID_TopicTest",)"
      R"("consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":)"
      R"("CONSUME_FROM_FIRST_OFFSET","subscriptionDataSet":[{"topic":"%RETRY%GID_TopicTest",)"
      R"("subString":"*","classFilterMode":false,"tagsSet":[],"codeSet":[],"subVersion":)"
      R"(1795591378693},{"topic":"TopicTest","subString":"TagA || TagB","classFilterMode":false,)"
      R"("tagsSet":["TagA","TagB"],"codeSet":[2598919,2598920],"subVersion":1795591378694}],)"
      R"("unitMode":false}],"producerDataSet":[{"groupName":"PID_TopicTest"}]})");

  auto data = HeartbeatData::from_json(body);
  ASSERT_TRUE(data.ok()) << data.status().to_string();
  EXPECT_EQ(data->client_id, "127.0.0.1@14849");
  ASSERT_EQ(data->producer_data_set.size(), 1u);
  EXPECT_EQ(data->producer_data_set[0].group_name, "PID_TopicTest");
  ASSERT_EQ(data->consumer_data_set.size(), 1u);
  const ConsumerData& consumer = data->consumer_data_set[0];
  EXPECT_EQ(consumer.group_name, "GID_TopicTest");
  EXPECT_EQ(consumer.consume_type, ConsumeType::kConsumePassively);
  EXPECT_EQ(consumer.message_model, MessageModel::kClustering);
  EXPECT_EQ(consumer.consume_from_where, ConsumeFromWhere::kConsumeFromFirstOffset);
  EXPECT_FALSE(consumer.unit_mode);
  ASSERT_EQ(consumer.subscription_data_set.size(), 2u);
  const SubscriptionData& retry = consumer.subscription_data_set[0];
  EXPECT_EQ(retry.topic, "%RETRY%GID_TopicTest");
  EXPECT_EQ(retry.sub_string, "*");
  EXPECT_TRUE(retry.tags_set.empty());
  EXPECT_TRUE(retry.code_set.empty());
  EXPECT_EQ(retry.sub_version, 1795591378693);
  EXPECT_EQ(retry.expression_type, "TAG");
  const SubscriptionData& topic = consumer.subscription_data_set[1];
  EXPECT_EQ(topic.topic, "TopicTest");
  EXPECT_EQ(topic.sub_string, "TagA || TagB");
  EXPECT_EQ(topic.tags_set, (std::vector<std::string>{"TagA", "TagB"}));
  EXPECT_EQ(topic.code_set, (std::vector<std::int32_t>{2598919, 2598920}));
  EXPECT_EQ(topic.sub_version, 1795591378694);
  EXPECT_EQ(topic.expression_type, "TAG");
  EXPECT_FALSE(topic.class_filter_mode);
}

TEST(AliOnsVectors, EveryFileSurvivesReencoding) {
  for (const auto& v : vectors()) {
    SCOPED_TRACE(v.file);
    auto first = decode_file(read_vector(v.file));
    ASSERT_TRUE(first.ok());
    const std::string body(first->body.as_string_view());
    for (const SerializeType type : {SerializeType::kJson, SerializeType::kRocketMq}) {
      RemotingCommand copy;
      copy.code = first->code;
      copy.language = first->language;
      copy.version = first->version;
      copy.opaque = first->opaque;
      copy.flag = first->flag;
      copy.remark = first->remark;
      copy.ext_fields = first->ext_fields;
      copy.serialize_type = type;
      copy.body = test::bytes_of(body);
      auto again = decode_frame(test::bytes_of(test::flatten(encode_frame(std::move(copy)))));
      ASSERT_TRUE(again.ok()) << again.status().to_string();
      EXPECT_EQ(again->code, v.code);
      EXPECT_EQ(again->opaque, v.opaque);
      EXPECT_EQ(again->version, 121);
      EXPECT_EQ(again->ext_fields, v.ext_fields);
      EXPECT_EQ(again->body.as_string_view(), body);
      EXPECT_EQ(again->serialize_type, type);
    }
  }
}

}  // namespace
}  // namespace mq::core
