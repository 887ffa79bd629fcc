#include "remoting/remoting_codec.h"

#include "frame_helpers.h"

#include <gtest/gtest.h>

#include <string>

namespace mq::core {
namespace {

using test::be16;
using test::be32;
using test::bytes_of;
using test::flatten;
using test::json_frame;
using test::string_of;

RemotingCommand decode_ok(const std::string& frame) {
  auto decoded = decode_frame(bytes_of(frame));
  EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
  return decoded.ok() ? std::move(decoded).value() : RemotingCommand{};
}

std::string decode_error(const std::string& frame) {
  auto decoded = decode_frame(bytes_of(frame));
  EXPECT_FALSE(decoded.ok());
  if (decoded.ok()) return {};
  EXPECT_EQ(decoded.status().code(), sdk::StatusCode::kCorruption);
  return decoded.status().message();
}

// ---- JSON header --------------------------------------------------------------------------

// §1.2: the response Java 4.9.7 writes (extFields in HashMap order there).
constexpr std::string_view kJavaResponse =
    R"({"code":0,"extFields":{"queueId":"1","MSG_REGION":"DefaultRegion","TRACE_ON":"true",)"
    R"("msgId":"0A00000500002A9F0000000000000BB8","queueOffset":"17"},"flag":1,)"
    R"("language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":407})";

TEST(JsonHeader, DecodesTheJavaResponseOfTheProtocolDoc) {
  const RemotingCommand command = decode_ok(json_frame(kJavaResponse));
  EXPECT_EQ(command.code, 0);
  EXPECT_EQ(command.flag, 1);
  EXPECT_TRUE(command.is_response());
  EXPECT_EQ(command.language, LanguageCode::kJava);
  EXPECT_EQ(command.opaque, 42);
  EXPECT_EQ(command.version, 407);
  EXPECT_EQ(command.remark, std::nullopt);
  EXPECT_EQ(command.serialize_type, SerializeType::kJson);
  EXPECT_EQ(command.ext_fields.size(), 5u);
  EXPECT_EQ(command.get("queueId"), "1");
  EXPECT_EQ(command.get("MSG_REGION"), "DefaultRegion");
  EXPECT_EQ(command.get("TRACE_ON"), "true");
  EXPECT_EQ(command.get("msgId"), "0A00000500002A9F0000000000000BB8");
  EXPECT_EQ(command.get("queueOffset"), "17");
  EXPECT_TRUE(command.body.empty());
}

TEST(JsonHeader, EncodesTheJavaResponseText) {
  RemotingCommand request;
  request.opaque = 42;
  RemotingCommand response = RemotingCommand::response_to(request, 0);
  response.set("queueId", std::string("1"));
  response.set("MSG_REGION", std::string("DefaultRegion"));
  response.set("TRACE_ON", std::string("true"));
  response.set("msgId", std::string("0A00000500002A9F0000000000000BB8"));
  response.set("queueOffset", std::int64_t{17});
  const sdk::OutboundFrame frame = encode_frame(std::move(response));
  // The doc's text with extFields in key order (Java's order there is HashMap order).
  const std::string expected =
      R"({"code":0,"extFields":{"MSG_REGION":"DefaultRegion","TRACE_ON":"true",)"
      R"("msgId":"0A00000500002A9F0000000000000BB8","queueId":"1","queueOffset":"17"},)"
      R"("flag":1,"language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON",)"
      R"("version":407})";
  EXPECT_EQ(flatten(frame), json_frame(expected));
  EXPECT_TRUE(frame.tail.empty());
}

TEST(JsonHeader, DecodesTheAliOnsSendOfTheProtocolDoc) {
  const std::string header =
      R"({"code":310,"language":"JAVA","opaque":1,"flag":0,"version":121,"extFields":{"a":"PG",)"
      R"("b":"TopicTest","c":"TBW102","d":4,"e":1,"f":0,"g":1700000000000,"h":0,)"
      R"("i":"TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002","j":0,"k":false}})";
  ASSERT_EQ(header.size(), 222u);
  const std::string frame = json_frame(header, "hello");
  ASSERT_EQ(frame.size(), 231u);  // the doc's `length`
  const RemotingCommand command = decode_ok(frame);
  EXPECT_EQ(command.code, 310);
  EXPECT_EQ(command.version, 121);
  EXPECT_EQ(command.get("d"), "4");
  EXPECT_EQ(command.get("g"), "1700000000000");
  EXPECT_EQ(command.get("k"), "false");
  EXPECT_EQ(command.get("i"), "TAGS\x01TagA\x02KEYS\x01k1 k2\x02");
  EXPECT_EQ(command.body.as_string_view(), "hello");
}

TEST(JsonHeader, EncodesRemarkAndControlCharacters) {
  RemotingCommand command = RemotingCommand::request(17);
  command.opaque = -5;
  command.flag = kFlagOneway;
  command.language = LanguageCode::kGo;
  command.remark = "say \"hi\"\n";
  command.set("i", std::string("TAGS\x01TagA\x02"));
  EXPECT_EQ(flatten(encode_frame(std::move(command))),
            json_frame(R"({"code":17,"extFields":{"i":"TAGS\u0001TagA\u0002"},"flag":2,)"
                       R"("language":"GO","opaque":-5,"remark":"say \"hi\"\u000a",)"
                       R"("serializeTypeCurrentRPC":"JSON","version":407})"));
}

TEST(JsonHeader, LenientForms) {
  // Trailing newline (jsoncpp FastWriter), numbers as strings, unknown members, nulls.
  RemotingCommand command = decode_ok(json_frame(
      "{\"code\":\"105\",\"language\":\"CPP\",\"opaque\":\"7\",\"flag\":0,\"version\":317,"
      "\"remark\":null,\"extFields\":{\"topic\":\"T\",\"gone\":null,\"n\":1.5,\"m\":{0:\"x\"},"
      "\"big\":1.795591378687e12},\"bname\":\"b\",\"serializeTypeCurrentRPC\":\"JSON\"}\n"));
  EXPECT_EQ(command.code, 105);
  EXPECT_EQ(command.language, LanguageCode::kCpp);
  EXPECT_EQ(command.opaque, 7);
  EXPECT_EQ(command.version, 317);
  EXPECT_EQ(command.remark, std::nullopt);
  EXPECT_EQ(command.get("topic"), "T");
  EXPECT_EQ(command.get("gone"), std::nullopt);
  EXPECT_EQ(command.get("n"), "1.5");
  EXPECT_EQ(command.get("m"), R"({0:"x"})");
  EXPECT_EQ(command.get("big"), "1795591378687");

  command = decode_ok(json_frame(R"({"code":1,"remark":"","extFields":""})"));
  EXPECT_EQ(command.remark, "");
  EXPECT_TRUE(command.ext_fields.empty());
  EXPECT_EQ(command.version, 0);  // absent members get Java's defaults
  EXPECT_EQ(command.opaque, 0);
  EXPECT_EQ(command.flag, 0);
  EXPECT_EQ(command.language, LanguageCode::kJava);

  command = decode_ok(json_frame(R"({"code":1,"extFields":null,"language":"KLINGON"})"));
  EXPECT_TRUE(command.ext_fields.empty());
  EXPECT_EQ(command.language, LanguageCode::kOther);

  command = decode_ok(json_frame(R"({"code":1,"language":9})"));
  EXPECT_EQ(command.language, LanguageCode::kGo);
}

TEST(JsonHeader, MalformedHeadersFail) {
  EXPECT_NE(decode_error(json_frame(R"({"code":)")).find("JSON header: JSON:"), std::string::npos);
  EXPECT_NE(decode_error(json_frame("[1]")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(decode_error(json_frame("")).find("unexpected end"), std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":4294967296})")).find("code"), std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1.5})")).find("code"), std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"opaque":"x"})")).find("opaque"), std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1,"extFields":[1]})")).find("extFields"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1,"extFields":"a=b"})")).find("extFields"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1,"remark":{}})")).find("remark"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1,"language":true})")).find("language"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":1,"extFields":{"a":"\q"}})")).find("escape"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(R"({"code":99999999999999999999})")).find("64 bits"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame(std::string(200, '[') + std::string(200, ']'))).find("nesting"),
            std::string::npos);
  EXPECT_NE(decode_error(json_frame("{\"code\":1} {}")).find("after the value"), std::string::npos);
}

// ---- Frame --------------------------------------------------------------------------------

TEST(Frame, TruncatedOrInconsistentFramesFail) {
  EXPECT_NE(decode_error("").find("shorter than its 4-byte header word"), std::string::npos);
  EXPECT_NE(decode_error(std::string("\0\0\0", 3)).find("shorter"), std::string::npos);
  EXPECT_EQ(decode_error(be32(5) + "{}"),
            "frame: header length 5 exceeds the 2 bytes after the header word");
  EXPECT_NE(decode_error(be32(0x00FFFFFF)).find("header length 16777215"), std::string::npos);
  EXPECT_EQ(decode_error(be32(0x02000002) + "{}"), "frame: unknown serialize type 2");
  EXPECT_EQ(decode_error(be32(0xFF000002) + "{}"), "frame: unknown serialize type 255");
}

TEST(Frame, SplitsHeaderAndBody) {
  const std::string header = R"({"code":12})";
  const RemotingCommand command = decode_ok(be32(header.size()) + header + "body");
  EXPECT_EQ(command.code, 12);
  EXPECT_EQ(command.body.as_string_view(), "body");
}

TEST(Frame, EmptyBodyAndHeaderOnly) {
  const RemotingCommand command = decode_ok(json_frame(R"({"code":34,"extFields":{}})"));
  EXPECT_TRUE(command.body.empty());
  EXPECT_TRUE(command.ext_fields.empty());
}

TEST(Frame, BodyKeepsTheFrameAllocation) {
  const std::string header = R"({"code":310})";
  sdk::Bytes frame = bytes_of(json_frame(header, std::string(1000, 'x')));
  const std::uint8_t* allocation = frame.data();
  auto decoded = decode_frame(std::move(frame));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->body.data(), allocation);
  EXPECT_EQ(decoded->body.as_string_view(), std::string(1000, 'x'));
}

TEST(Frame, LargeBodiesAreNotCopiedByEncode) {
  RemotingCommand command = RemotingCommand::request(310);
  command.body = bytes_of(std::string(kInlineBodyMaxBytes + 1, 'b'));
  const std::uint8_t* body = command.body.data();
  const sdk::OutboundFrame frame = encode_frame(std::move(command));
  ASSERT_EQ(frame.tail.size(), 1u);
  EXPECT_EQ(frame.tail[0].data(), body);
  EXPECT_EQ(frame.tail[0].size(), kInlineBodyMaxBytes + 1);
  EXPECT_NE(frame.keepalive, nullptr);
  const std::string header =
      R"({"code":310,"flag":0,"language":"JAVA","opaque":0,"serializeTypeCurrentRPC":"JSON",)"
      R"("version":407})";
  EXPECT_EQ(string_of(frame.head.view()), be32(header.size()) + header);
  EXPECT_EQ(frame.size(), 4 + header.size() + kInlineBodyMaxBytes + 1);
}

TEST(Frame, SmallBodiesAreCopiedIntoTheHead) {
  RemotingCommand command = RemotingCommand::request(310);
  command.body = bytes_of("hello");
  const sdk::OutboundFrame frame = encode_frame(std::move(command));
  EXPECT_TRUE(frame.tail.empty());
  EXPECT_EQ(frame.keepalive, nullptr);
  EXPECT_TRUE(string_of(frame.head.view()).ends_with("}hello"));
}

TEST(Frame, EncodeWithPrefix) {
  RemotingCommand command = RemotingCommand::request(11);
  command.body = bytes_of("abc");
  const sdk::Bytes bytes = encode_frame_with_prefix(command);
  const std::string text = string_of(bytes.view());
  ASSERT_GE(text.size(), 8u);
  EXPECT_EQ(text.substr(0, 4), be32(static_cast<std::uint32_t>(text.size() - 4)));
  EXPECT_TRUE(text.ends_with("abc"));
  EXPECT_EQ(command.body.as_string_view(), "abc");  // the command keeps its body
  auto decoded = decode_frame(bytes_of(text.substr(4)));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->code, 11);
  EXPECT_EQ(decoded->body.as_string_view(), "abc");
}

RemotingCommand sample_command(SerializeType type, std::size_t body_size) {
  RemotingCommand command;
  command.code = 310;
  command.language = LanguageCode::kRust;
  command.version = 401;
  command.opaque = -2147483647 - 1;
  command.flag = kFlagResponse | kFlagOneway;
  command.remark = "r\xC3\xA9mark \"quoted\" \\ \x01";
  command.serialize_type = type;
  command.set("a", std::string("PID_TopicTest"));
  command.set("g", std::int64_t{1795591378687});
  command.set("i", std::string("TAGS\x01TagA\x02KEYS\x01order-1001 cust-42\x02"));
  command.set("\xE4\xB8\xAD", std::string("\xE6\x96\x87"));
  std::string body(body_size, '\0');
  for (std::size_t i = 0; i < body_size; ++i) body[i] = static_cast<char>(i * 7);
  command.body = bytes_of(body);
  return command;
}

void expect_same(const RemotingCommand& a, const RemotingCommand& b) {
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.language, b.language);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.opaque, b.opaque);
  EXPECT_EQ(a.flag, b.flag);
  EXPECT_EQ(a.remark, b.remark);
  EXPECT_EQ(a.ext_fields, b.ext_fields);
  EXPECT_EQ(a.serialize_type, b.serialize_type);
  EXPECT_EQ(a.body.as_string_view(), b.body.as_string_view());
}

class RoundTrip : public ::testing::TestWithParam<std::tuple<SerializeType, std::size_t>> {};

TEST_P(RoundTrip, EncodeThenDecodeGivesTheSameCommand) {
  const auto [type, body_size] = GetParam();
  const RemotingCommand original = sample_command(type, body_size);
  const std::string wire = flatten(encode_frame(sample_command(type, body_size)));
  EXPECT_EQ(static_cast<std::uint8_t>(wire[0]), static_cast<std::uint8_t>(type));
  const RemotingCommand decoded = decode_ok(wire);
  expect_same(decoded, original);
  // And the prefixed form carries the same bytes.
  EXPECT_EQ(string_of(encode_frame_with_prefix(original).view()),
            be32(static_cast<std::uint32_t>(wire.size())) + wire);
}

INSTANTIATE_TEST_SUITE_P(
    Codec, RoundTrip,
    ::testing::Combine(::testing::Values(SerializeType::kJson, SerializeType::kRocketMq),
                       ::testing::Values(std::size_t{0}, std::size_t{5}, std::size_t{70000})));

// ---- Binary header (§1.3) ----------------------------------------------------------------

// code 310, JAVA, version 407, opaque 42, flag 0, no remark, extFields {a: PG}, body "hi".
std::string binary_send_frame() {
  const std::string header = be16(310) + std::string(1, '\0') + be16(407) + be32(42) + be32(0) +
                             be32(0) + be32(9) + be16(1) + "a" + be32(2) + "PG";
  return be32(0x01000000u | static_cast<std::uint32_t>(header.size())) + header + "hi";
}

TEST(BinaryHeader, HandWrittenVector) {
  const std::string frame = binary_send_frame();
  const std::string expected_start("\x01\x00\x00\x1E\x01\x36\x00\x01\x97\x00\x00\x00\x2A", 13);
  ASSERT_EQ(frame.substr(0, 13), expected_start);
  const RemotingCommand command = decode_ok(frame);
  EXPECT_EQ(command.serialize_type, SerializeType::kRocketMq);
  EXPECT_EQ(command.code, 310);
  EXPECT_EQ(command.language, LanguageCode::kJava);
  EXPECT_EQ(command.version, 407);
  EXPECT_EQ(command.opaque, 42);
  EXPECT_EQ(command.flag, 0);
  EXPECT_EQ(command.remark, std::nullopt);
  EXPECT_EQ(command.ext_fields, (ExtFields{{"a", "PG"}}));
  EXPECT_EQ(command.body.as_string_view(), "hi");

  RemotingCommand again = RemotingCommand::request(310);
  again.opaque = 42;
  again.serialize_type = SerializeType::kRocketMq;
  again.set("a", std::string("PG"));
  again.body = bytes_of("hi");
  EXPECT_EQ(flatten(encode_frame(std::move(again))), frame);
}

TEST(BinaryHeader, ResponseWithRemarkAndSeveralFields) {
  const std::string header = be16(17) + std::string(1, '\x01') + be16(0xFFFF) + be32(0xFFFFFFFF) +
                             be32(1) + be32(8) + "no route" + be32(19) + be16(1) + "k" + be32(1) +
                             "v" + be16(2) + "id" + be32(3) + "123";
  const RemotingCommand command =
      decode_ok(be32(0x01000000u | static_cast<std::uint32_t>(header.size())) + header);
  EXPECT_EQ(command.code, 17);
  EXPECT_EQ(command.language, LanguageCode::kCpp);
  EXPECT_EQ(command.version, -1);
  EXPECT_EQ(command.opaque, -1);
  EXPECT_EQ(command.flag, 1);
  EXPECT_EQ(command.remark, "no route");
  EXPECT_EQ(command.ext_fields, (ExtFields{{"id", "123"}, {"k", "v"}}));
  EXPECT_TRUE(command.body.empty());
}

TEST(BinaryHeader, EmptyKeysAndValuesDecodeAsAbsent) {
  const std::string header = be16(1) + std::string(1, '\x0C') + be16(1) + be32(1) + be32(0) +
                             be32(0) + be32(22) + be16(0) + be32(1) + "x" + be16(1) + "y" +
                             be32(0) + be16(1) + "z" + be32(1) + "1";
  const RemotingCommand command =
      decode_ok(be32(0x01000000u | static_cast<std::uint32_t>(header.size())) + header);
  EXPECT_EQ(command.language, LanguageCode::kRust);
  EXPECT_EQ(command.ext_fields, (ExtFields{{"z", "1"}}));
}

TEST(BinaryHeader, UnknownLanguageByteIsOther) {
  const std::string header =
      be16(1) + std::string(1, '\xC8') + be16(1) + be32(1) + be32(0) + be32(0) + be32(0);
  EXPECT_EQ(decode_ok(be32(0x01000000u | 21) + header).language, LanguageCode::kOther);
}

std::string binary_frame(const std::string& header) {
  return be32(0x01000000u | static_cast<std::uint32_t>(header.size())) + header;
}

std::string fixed_part(std::uint32_t remark_length) {
  return be16(310) + std::string(1, '\0') + be16(407) + be32(1) + be32(0) + be32(remark_length);
}

TEST(BinaryHeader, MalformedLengthsFail) {
  // Shorter than the 21-byte fixed part.
  EXPECT_NE(decode_error(binary_frame(fixed_part(0))).find("21-byte fixed part"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame("")).find("fixed part"), std::string::npos);
  // remarkLen overflow, negative, beyond the header, or eating the extLen.
  EXPECT_NE(decode_error(binary_frame(fixed_part(0x7FFFFFFF) + be32(0))).find("remarkLen"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0xFFFFFFFF) + be32(0))).find("remarkLen -1"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(5) + "abcd")).find("remarkLen 5"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(4) + "abcd")).find("extLen"), std::string::npos);
  // extLen overflow, negative, beyond the header.
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(0x7FFFFFFF))).find("extLen"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(0x80000000))).find("extLen"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(10) + be16(1) + "a" + be32(2) + "PG"))
                .find("extLen 10"),
            std::string::npos);
  // A body after the header does not make a too-long extLen valid.
  EXPECT_NE(
      decode_error(binary_frame(fixed_part(0) + be32(10) + be16(1) + "a" + be32(2) + "PG") + "X")
          .find("extLen"),
      std::string::npos);
  // Entries that do not fit extLen.
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(1) + "x")).find("key length"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(3) + be16(0xFFFF) + "x"))
                .find("key length -1"),
            std::string::npos);
  EXPECT_NE(
      decode_error(binary_frame(fixed_part(0) + be32(4) + be16(5) + "ab")).find("key length 5"),
      std::string::npos);
  EXPECT_NE(
      decode_error(binary_frame(fixed_part(0) + be32(5) + be16(1) + "a" + std::string(2, '\0')))
          .find("value length"),
      std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(7) + be16(1) + "a" + be32(0x7FFFFFFF)))
                .find("value length 2147483647"),
            std::string::npos);
  EXPECT_NE(decode_error(binary_frame(fixed_part(0) + be32(7) + be16(1) + "a" + be32(0xFFFFFFFE)))
                .find("value length -2"),
            std::string::npos);
}

TEST(BinaryHeader, EncodeTruncatesCodeAndSkipsUnrepresentableKeys) {
  RemotingCommand command;
  command.serialize_type = SerializeType::kRocketMq;
  command.code = 70000;  // (short) 70000 == 4464
  command.remark = "";
  command.set("", std::string("no key"));
  command.set(std::string(0x8000, 'k'), std::string("too long"));
  command.set("empty", std::string());
  command.set("ok", std::string("1"));
  const RemotingCommand decoded = decode_ok(flatten(encode_frame(std::move(command))));
  EXPECT_EQ(decoded.code, 4464);
  EXPECT_EQ(decoded.remark, std::nullopt);
  EXPECT_EQ(decoded.ext_fields, (ExtFields{{"ok", "1"}}));
}

}  // namespace
}  // namespace mq::core

namespace mq::core {
namespace {

// A body of views (a pull's records read in place) is written after the owned body without a
// copy, and decodes as one contiguous body.
TEST(Frame, BodyViewsAreWrittenInPlaceAndDecodeAsOneBody) {
  const std::string first = "record-one|", second = "record-two";
  auto pinned = std::make_shared<std::string>(first + second);
  RemotingCommand command = RemotingCommand::request(11);
  command.opaque = 9;
  const auto* base = reinterpret_cast<const std::uint8_t*>(pinned->data());
  command.body_views = {sdk::ByteView(base, first.size()),
                        sdk::ByteView(base + first.size(), second.size())};
  command.body_keepalive = pinned;
  const sdk::Bytes contiguous = encode_frame_with_prefix(command);

  sdk::OutboundFrame frame = encode_frame(std::move(command));
  ASSERT_EQ(frame.tail.size(), 2u);
  EXPECT_EQ(frame.tail[0].data(), base);  // the very bytes, not a copy
  EXPECT_EQ(frame.keepalive.get(), static_cast<const void*>(pinned.get()));

  auto decoded = decode_frame(bytes_of(flatten(frame)));
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->body.as_string_view(), first + second);
  EXPECT_EQ(decoded->opaque, 9);
  // The contiguous form (length prefix included) carries the same frame.
  EXPECT_EQ(
      std::string(reinterpret_cast<const char*>(contiguous.data()) + 4, contiguous.size() - 4),
      flatten(frame));
}

}  // namespace
}  // namespace mq::core
