#include "remoting/json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace mq::core {
namespace {

JsonValue parse_ok(std::string_view text) {
  auto parsed = parse_json(text);
  EXPECT_TRUE(parsed.ok()) << text << " -> " << parsed.status().to_string();
  return parsed.ok() ? std::move(parsed).value() : JsonValue();
}

std::string parse_error(std::string_view text) {
  auto parsed = parse_json(text);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << text;
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.status().code(), sdk::StatusCode::kCorruption);
  return parsed.status().message();
}

TEST(JsonParse, Scalars) {
  EXPECT_TRUE(parse_ok("null").is_null());
  EXPECT_TRUE(parse_ok("true").as_bool());
  EXPECT_FALSE(parse_ok("false").as_bool());
  EXPECT_EQ(parse_ok("0").as_int(), 0);
  EXPECT_EQ(parse_ok("-1").as_int(), -1);
  EXPECT_EQ(parse_ok("1795591378687").as_int(), 1795591378687);
  EXPECT_EQ(parse_ok("9223372036854775807").as_int(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_ok("-9223372036854775808").as_int(), std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(parse_ok("1.5").is_double());
  EXPECT_DOUBLE_EQ(parse_ok("1.5").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(parse_ok("-2.5e3").as_double(), -2500.0);
  EXPECT_DOUBLE_EQ(parse_ok("1E2").as_double(), 100.0);
  EXPECT_TRUE(parse_ok("1e2").is_double());
  EXPECT_EQ(parse_ok("\"hi\"").as_string(), "hi");
}

TEST(JsonParse, WhitespaceAroundTheValue) {
  EXPECT_EQ(parse_ok(" \t\r\n{\"a\":1}\n").find("a")->as_int(), 1);
  EXPECT_EQ(parse_ok("{ \"a\" : [ 1 , 2 ] }\r\n").find("a")->items().size(), 2u);
}

TEST(JsonParse, StringEscapes) {
  EXPECT_EQ(parse_ok(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parse_ok(R"("TAGS\u0001TagA\u0002")").as_string(), "TAGS\x01TagA\x02");
  EXPECT_EQ(parse_ok(R"("\u0000")").as_string(), std::string(1, '\0'));
  EXPECT_EQ(parse_ok(R"("caf\u00e9")").as_string(), "caf\xC3\xA9");
  EXPECT_EQ(parse_ok(R"("\u8BA2\u5355")").as_string(), "\xE8\xAE\xA2\xE5\x8D\x95");  // 订单
  EXPECT_EQ(parse_ok(R"("\uFFFF")").as_string(), "\xEF\xBF\xBF");
}

TEST(JsonParse, SurrogatePairsBecomeOneUtf8Sequence) {
  EXPECT_EQ(parse_ok(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");  // U+1F600
  EXPECT_EQ(parse_ok(R"("\uD800\uDC00")").as_string(), "\xF0\x90\x80\x80");  // U+10000
  EXPECT_EQ(parse_ok(R"("\uDBFF\uDFFF")").as_string(), "\xF4\x8F\xBF\xBF");  // U+10FFFF
}

TEST(JsonParse, LoneSurrogatesBecomeReplacementCharacter) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(parse_ok(R"("\ud83d")").as_string(), replacement);
  EXPECT_EQ(parse_ok(R"("\ude00x")").as_string(), replacement + "x");
  EXPECT_EQ(parse_ok(R"("\ud83d\u0041")").as_string(), replacement + "A");
  EXPECT_EQ(parse_ok(R"("\ud83d\ud83d\ude00")").as_string(), replacement + "\xF0\x9F\x98\x80");
}

TEST(JsonParse, RawBytesAreKept) {
  EXPECT_EQ(parse_ok("\"a\x01\xE4\xB8\xAD\"").as_string(), "a\x01\xE4\xB8\xAD");
}

TEST(JsonParse, UnquotedIntegerKeys) {
  const JsonValue value = parse_ok(R"({0:"10.0.0.5:10911",1:"10.0.0.6:10911",-3:"x"})");
  ASSERT_TRUE(value.is_object());
  ASSERT_EQ(value.members().size(), 3u);
  EXPECT_EQ(value.members()[0].key, "0");
  EXPECT_EQ(value.members()[0].key_kind, JsonKeyKind::kInteger);
  EXPECT_EQ(value.find("0")->as_string(), "10.0.0.5:10911");
  EXPECT_EQ(value.find("1")->as_string(), "10.0.0.6:10911");
  EXPECT_EQ(value.find("-3")->as_string(), "x");
  EXPECT_EQ(write_json(value, {IntKeyStyle::kUnquoted}),
            R"({0:"10.0.0.5:10911",1:"10.0.0.6:10911",-3:"x"})");
  EXPECT_EQ(write_json(value), R"({"0":"10.0.0.5:10911","1":"10.0.0.6:10911","-3":"x"})");
}

TEST(JsonParse, QuotedAndUnquotedIntegerKeysAreFoundAlike) {
  EXPECT_EQ(parse_ok(R"({"0":"a"})").find("0")->as_string(), "a");
  EXPECT_EQ(parse_ok(R"({0:"a"})").find("0")->as_string(), "a");
}

TEST(JsonParse, ObjectKeysKeepTheirCompactText) {
  const JsonValue value =
      parse_ok(R"({{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":10}})");
  ASSERT_EQ(value.members().size(), 1u);
  const JsonMember& member = value.members()[0];
  EXPECT_EQ(member.key_kind, JsonKeyKind::kObject);
  EXPECT_EQ(member.key, R"({"brokerName":"b","queueId":0,"topic":"T"})");
  EXPECT_EQ(member.value.find("brokerOffset")->as_int(), 10);
  EXPECT_EQ(write_json(value),
            R"({{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":10}})");
}

TEST(JsonParse, ObjectKeysAreCompactedWhateverTheirSpacing) {
  const JsonValue value = parse_ok("{ { \"topic\" : \"T\" , \"queueId\" : 1 } : 123 }");
  EXPECT_EQ(value.members()[0].key, R"({"topic":"T","queueId":1})");
  EXPECT_EQ(value.find(R"({"topic":"T","queueId":1})")->as_int(), 123);
}

TEST(JsonParse, MemberOrderIsKeptAndTheLastDuplicateWins) {
  const JsonValue value = parse_ok(R"({"b":1,"a":2,"b":3})");
  ASSERT_EQ(value.members().size(), 3u);
  EXPECT_EQ(value.members()[0].key, "b");
  EXPECT_EQ(value.members()[1].key, "a");
  EXPECT_EQ(value.find("b")->as_int(), 3);
  EXPECT_EQ(value.find("missing"), nullptr);
  EXPECT_EQ(parse_ok("[1]").find("a"), nullptr);
}

TEST(JsonParse, DepthLimit) {
  const std::string ok_nesting = std::string(kJsonMaxDepth, '[') + std::string(kJsonMaxDepth, ']');
  EXPECT_TRUE(parse_json(ok_nesting).ok());
  const std::string too_deep =
      std::string(kJsonMaxDepth + 1, '[') + std::string(kJsonMaxDepth + 1, ']');
  EXPECT_NE(parse_error(too_deep).find("nesting"), std::string::npos);
}

TEST(JsonParse, HostileNestingFailsWithoutRecursingAway) {
  EXPECT_NE(parse_error(std::string(1'000'000, '[')).find("nesting"), std::string::npos);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  EXPECT_NE(parse_error(objects).find("nesting"), std::string::npos);
  // Object keys that are objects count towards the depth too.
  EXPECT_NE(parse_error(std::string(100'000, '{')).find("nesting"), std::string::npos);
}

TEST(JsonParse, ErrorsNameTheByteOffset) {
  EXPECT_EQ(parse_error(R"({"a":})"), "JSON: unexpected character, expected a value at offset 5");
  EXPECT_EQ(parse_error(""), "JSON: unexpected end of input, expected a value at offset 0");
  EXPECT_EQ(parse_error("{} x"), "JSON: unexpected text after the value at offset 3");
  EXPECT_EQ(parse_error(R"("ab\x")"), "JSON: invalid escape character at offset 4");
  EXPECT_EQ(parse_error(R"("\u12G4")"), "JSON: invalid hex digit in a \\u escape at offset 5");
}

TEST(JsonParse, MalformedInputsFail) {
  for (const char* text : {
           "{",         "[",
           "[1,]",      "[1 2]",
           "{\"a\" 1}", "{\"a\":1,}",
           "{\"a\":1",  "\"abc",
           "\"\\",      "\"\\u12\"",
           "\"\\u\"",   "01",
           "-",         "1.",
           "1e",        "1e+",
           "-a",        ".5",
           "+1",        "tru",
           "nul",       "falsy",
           "{abc:1}",   "{1.5:1}",
           "{1e3:1}",   "{'a':1}",
           "[1]]",      "{\"a\":1}}",
           "NaN",       "Infinity",
           "{\"a\"}",   "{,}",
           "[,]",       "\"\\ud83d\\uZZZZ\"",
       }) {
    parse_error(text);
  }
}

TEST(JsonParse, HugeNumbersFail) {
  EXPECT_NE(parse_error("9223372036854775808").find("64 bits"), std::string::npos);
  EXPECT_NE(parse_error("-9223372036854775809").find("64 bits"), std::string::npos);
  EXPECT_NE(parse_error("123456789012345678901234567890").find("64 bits"), std::string::npos);
  EXPECT_NE(parse_error("1e400").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("-1e400").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("{99999999999999999999:1}").find("64 bits"), std::string::npos);
}

TEST(JsonWrite, CompactWithEscapes) {
  JsonValue value = JsonValue::object();
  value.add("s", JsonValue::string("a\"b\\c\x01\n\x1F\x7F\xC3\xA9/"));
  value.add("i", JsonValue::integer(-42));
  value.add("b", JsonValue::boolean(true));
  value.add("n", JsonValue());
  JsonValue& array = value.add("a", JsonValue::array());
  array.push_back(JsonValue::integer(1));
  array.push_back(JsonValue::string(""));
  value.add("o", JsonValue::object());
  EXPECT_EQ(write_json(value),
            "{\"s\":\"a\\\"b\\\\c\\u0001\\u000a\\u001f\x7F\xC3\xA9/\",\"i\":-42,\"b\":true,"
            "\"n\":null,\"a\":[1,\"\"],\"o\":{}}");
}

TEST(JsonWrite, Doubles) {
  EXPECT_EQ(write_json(JsonValue::number(0.0)), "0.0");
  EXPECT_EQ(write_json(JsonValue::number(1.5)), "1.5");
  EXPECT_EQ(write_json(JsonValue::number(-3.0)), "-3.0");
  EXPECT_EQ(write_json(JsonValue::number(0.1)), "0.1");
  EXPECT_EQ(write_json(JsonValue::number(1e20)), "1e+20");
  EXPECT_EQ(write_json(JsonValue::number(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(write_json(JsonValue::number(std::numeric_limits<double>::infinity())), "null");
  EXPECT_DOUBLE_EQ(parse_ok(write_json(JsonValue::number(0.1))).as_double(), 0.1);
}

TEST(JsonWrite, IntegerKeyStyles) {
  JsonValue value = JsonValue::object();
  value.add_int_key(0, JsonValue::string("m"));
  value.add_int_key(12, JsonValue::string("s"));
  value.add("name", JsonValue::integer(1));
  EXPECT_EQ(write_json(value, {IntKeyStyle::kQuoted}), R"({"0":"m","12":"s","name":1})");
  EXPECT_EQ(write_json(value, {IntKeyStyle::kUnquoted}), R"({0:"m",12:"s","name":1})");
}

TEST(JsonWrite, RoundTripsWhatItParses) {
  const std::string text =
      R"({"a":[1,-2,3.25,true,false,null,"x\u0001"],"b":{"c":{}},"d":[],"e":1795591378687})";
  EXPECT_EQ(write_json(parse_ok(text)), text);
}

TEST(JsonToText, CoercesScalarsAsJavaWouldSendThem) {
  EXPECT_EQ(json_to_text(JsonValue::string("x")), "x");
  EXPECT_EQ(json_to_text(JsonValue::integer(1795591378687)), "1795591378687");
  EXPECT_EQ(json_to_text(JsonValue::integer(-1)), "-1");
  EXPECT_EQ(json_to_text(JsonValue::boolean(false)), "false");
  EXPECT_EQ(json_to_text(JsonValue::boolean(true)), "true");
  EXPECT_EQ(json_to_text(JsonValue()), std::nullopt);
  EXPECT_EQ(json_to_text(JsonValue::number(1.795591378687e12)), "1795591378687");
  EXPECT_EQ(json_to_text(JsonValue::number(-0.0)), "0");
  EXPECT_EQ(json_to_text(JsonValue::number(1.5)), "1.5");
  EXPECT_EQ(json_to_text(parse_ok(R"({0:"a"})")), R"({0:"a"})");
  EXPECT_EQ(json_to_text(parse_ok("[1,\"b\"]")), R"([1,"b"])");
}

}  // namespace
}  // namespace mq::core
