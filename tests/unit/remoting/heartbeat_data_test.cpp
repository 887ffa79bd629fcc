#include "remoting/heartbeat_data.h"

#include <gtest/gtest.h>

namespace mq::core {
namespace {

// §4.5, the Java form.
constexpr std::string_view kJavaHeartbeat =
    R"({"clientID":"10.0.0.9@4242","consumerDataSet":[{"consumeFromWhere":)"
    R"("CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"CG",)"
    R"("messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,)"
    R"("codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":)"
    R"(1700000000000,"tagsSet":["TagA"],"topic":"TopicTest"}],"unitMode":false}],)"
    R"("producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]})";

TEST(HeartbeatData, JavaFormRoundTripsByteForByte) {
  auto parsed = HeartbeatData::from_json(kJavaHeartbeat);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->client_id, "10.0.0.9@4242");
  ASSERT_EQ(parsed->consumer_data_set.size(), 1u);
  const SubscriptionData& subscription = parsed->consumer_data_set[0].subscription_data_set.at(0);
  EXPECT_EQ(subscription.code_set, (std::vector<std::int32_t>{2598919}));
  EXPECT_EQ(subscription.sub_version, 1700000000000);
  EXPECT_EQ(parsed->producer_data_set.at(0).group_name, "CLIENT_INNER_PRODUCER");
  EXPECT_EQ(parsed->to_json(), kJavaHeartbeat);
}

TEST(HeartbeatData, AliOnsFormWithoutExpressionType) {
  auto parsed = HeartbeatData::from_json(
      R"({"clientID":"192.0.2.2@13891","consumerDataSet":[{"groupName":"CG","consumeType":)"
      R"("CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":)"
      R"("CONSUME_FROM_FIRST_OFFSET","subscriptionDataSet":[{"topic":"TopicTest","subString":)"
      R"("*","classFilterMode":false,"tagsSet":[],"codeSet":[],"subVersion":1795587368667},)"
      R"({"topic":"%RETRY%CG","subString":"*"}],"unitMode":false}],"producerDataSet":)"
      R"([{"groupName":"PG"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const ConsumerData& consumer = parsed->consumer_data_set.at(0);
  EXPECT_EQ(consumer.consume_from_where, ConsumeFromWhere::kConsumeFromFirstOffset);
  ASSERT_EQ(consumer.subscription_data_set.size(), 2u);
  for (const auto& subscription : consumer.subscription_data_set) {
    EXPECT_EQ(subscription.expression_type, "TAG");
    EXPECT_EQ(subscription.sub_string, "*");
  }
  EXPECT_EQ(consumer.subscription_data_set[0].sub_version, 1795587368667);
}

TEST(HeartbeatData, ProducerOnlyAndEnumForms) {
  HeartbeatData data;
  data.client_id = "10.0.0.9@DEFAULT";
  data.producer_data_set.push_back({"CLIENT_INNER_PRODUCER"});
  EXPECT_EQ(data.to_json(), R"({"clientID":"10.0.0.9@DEFAULT","consumerDataSet":[],)"
                            R"("producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]})");
  auto parsed = HeartbeatData::from_json(data.to_json());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, data);

  auto ordinals = HeartbeatData::from_json(
      R"({"consumerDataSet":[{"consumeType":0,"messageModel":0,"consumeFromWhere":5,)"
      R"("subscriptionDataSet":[{"expressionType":"SQL92","subString":"a > 1"}]}]})");
  ASSERT_TRUE(ordinals.ok());
  const ConsumerData& consumer = ordinals->consumer_data_set.at(0);
  EXPECT_EQ(consumer.consume_type, ConsumeType::kConsumeActively);
  EXPECT_EQ(consumer.message_model, MessageModel::kBroadcasting);
  EXPECT_EQ(consumer.consume_from_where, ConsumeFromWhere::kConsumeFromTimestamp);
  EXPECT_EQ(consumer.subscription_data_set.at(0).expression_type, "SQL92");
}

TEST(HeartbeatData, EnumNames) {
  EXPECT_EQ(consume_type_name(ConsumeType::kConsumeActively), "CONSUME_ACTIVELY");
  EXPECT_EQ(message_model_name(MessageModel::kBroadcasting), "BROADCASTING");
  EXPECT_EQ(
      consume_from_where_name(ConsumeFromWhere::kConsumeFromLastOffsetAndFromMinWhenBootFirst),
      "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST");
  EXPECT_EQ(consume_from_where_from_name("CONSUME_FROM_MAX_OFFSET"),
            ConsumeFromWhere::kConsumeFromMaxOffset);
  EXPECT_EQ(consume_type_from_name("PUSH"), std::nullopt);
}

TEST(HeartbeatData, Errors) {
  for (const char* text : {
           R"({"consumerDataSet":[{"consumeType":"PUSH"}]})",
           R"({"consumerDataSet":[{"messageModel":7}]})",
           R"({"consumerDataSet":{}})",
           R"({"consumerDataSet":[{"subscriptionDataSet":[{"codeSet":["x"]}]}]})",
           R"({"consumerDataSet":[{"subscriptionDataSet":[{"codeSet":[4294967296]}]}]})",
           R"({"consumerDataSet":[{"subscriptionDataSet":[{"tagsSet":[[]]}]}]})",
           R"({"consumerDataSet":[{"subscriptionDataSet":[{"subVersion":true}]}]})",
           R"({"producerDataSet":[1]})",
           R"({"producerDataSet":{}})",
           R"({"clientID":{}})",
           R"([])",
       }) {
    auto parsed = HeartbeatData::from_json(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), sdk::StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace mq::core
