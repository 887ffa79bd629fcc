#include "remoting/remoting_command.h"

#include "remoting/request_code.h"
#include "remoting/response_code.h"

#include <gtest/gtest.h>

namespace mq::core {
namespace {

TEST(LanguageCode, NamesRoundTripInOrdinalOrder) {
  const char* names[] = {"JAVA",  "CPP",  "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
                         "OTHER", "HTTP", "GO",     "PHP",    "OMS",    "RUST"};
  for (int i = 0; i < 13; ++i) {
    const auto code = static_cast<LanguageCode>(i);
    EXPECT_EQ(language_name(code), names[i]);
    EXPECT_EQ(language_from_name(names[i]), code);
  }
  EXPECT_EQ(language_from_name("COBOL"), LanguageCode::kOther);
  EXPECT_EQ(language_from_name(""), LanguageCode::kOther);
}

TEST(RemotingCommand, ExtFieldAccessors) {
  RemotingCommand command;
  command.set("topic", std::string("TopicTest"));
  command.set("queueOffset", std::int64_t{1795591378687});
  command.set("commitOffset", std::int64_t{-1});
  command.set("plus", std::string("+5"));
  command.set("bad", std::string("12x"));
  command.set("huge", std::string("9223372036854775808"));
  command.set("flag", std::string("true"));
  command.set("upper", std::string("FALSE"));
  EXPECT_EQ(command.get("topic"), "TopicTest");
  EXPECT_EQ(command.get("missing"), std::nullopt);
  EXPECT_EQ(command.get("queueOffset"), "1795591378687");
  EXPECT_EQ(command.get_int("queueOffset"), 1795591378687);
  EXPECT_EQ(command.get_int("commitOffset"), -1);
  EXPECT_EQ(command.get_int("plus"), 5);
  EXPECT_EQ(command.get_int("bad"), std::nullopt);
  EXPECT_EQ(command.get_int("huge"), std::nullopt);
  EXPECT_EQ(command.get_int("topic"), std::nullopt);
  EXPECT_EQ(command.get_int("missing"), std::nullopt);
  EXPECT_EQ(command.get_bool("flag"), true);
  EXPECT_EQ(command.get_bool("upper"), false);
  EXPECT_EQ(command.get_bool("topic"), std::nullopt);
  command.set("topic", std::string("Other"));
  EXPECT_EQ(command.get("topic"), "Other");
}

TEST(RemotingCommand, RequestAndResponse) {
  RemotingCommand request = RemotingCommand::request(request_code::kHeartBeat);
  EXPECT_EQ(request.code, 34);
  EXPECT_EQ(request.version, kServerVersion);
  EXPECT_EQ(request.language, LanguageCode::kJava);
  EXPECT_FALSE(request.is_response());
  EXPECT_FALSE(request.is_oneway());

  request.opaque = 77;
  request.flag = kFlagOneway;
  request.version = 121;
  request.serialize_type = SerializeType::kRocketMq;
  EXPECT_TRUE(request.is_oneway());
  const RemotingCommand response =
      RemotingCommand::response_to(request, response_code::kSystemError, "boom");
  EXPECT_EQ(response.code, 1);
  EXPECT_EQ(response.opaque, 77);
  EXPECT_EQ(response.flag, kFlagResponse);  // no request bits copied
  EXPECT_TRUE(response.is_response());
  EXPECT_EQ(response.version, 407);
  EXPECT_EQ(response.serialize_type, SerializeType::kRocketMq);
  EXPECT_EQ(response.remark, "boom");
  EXPECT_EQ(RemotingCommand::response_to(request, 0).remark, std::nullopt);
}

TEST(Codes, ValuesAndNames) {
  EXPECT_EQ(request_code::kSendMessageV2, 310);
  EXPECT_EQ(request_code::kGetRouteinfoByTopic, 105);
  EXPECT_EQ(request_code::kRegisterBroker, 103);
  EXPECT_EQ(request_code::kAddWritePermOfBroker, 327);
  EXPECT_EQ(request_code::kGetAllProducerInfo, 328);
  EXPECT_EQ(request_code_name(310), "SEND_MESSAGE_V2");
  EXPECT_EQ(request_code_name(105), "GET_ROUTEINFO_BY_TOPIC");
  EXPECT_EQ(request_code_name(40), "NOTIFY_CONSUMER_IDS_CHANGED");
  EXPECT_EQ(request_code_name(13), "UNKNOWN");
  EXPECT_EQ(request_code_name(-1), "UNKNOWN");

  EXPECT_EQ(response_code::kPullNotFound, 19);
  EXPECT_EQ(response_code::kTransactionStateUnknow, 202);
  EXPECT_EQ(response_code::kFlowControl, 215);
  EXPECT_EQ(response_code_name(0), "SUCCESS");
  EXPECT_EQ(response_code_name(21), "PULL_OFFSET_MOVED");
  EXPECT_EQ(response_code_name(26), "SUBSCRIPTION_GROUP_NOT_EXIST");
  EXPECT_EQ(response_code_name(5), "UNKNOWN");
}

}  // namespace
}  // namespace mq::core
