// The JSON header's single-pass fast path and its general parser must agree on every header:
// same fields, or both refusing. Headers are generated from pieces that hit both paths (plain
// members, escapes, numbers as strings, nulls, repeats, odd whitespace, broken syntax).
#include "remoting/json_header.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace mq::core {
namespace {

void expect_same(const std::string& text) {
  RemotingCommand fast, general;
  const auto a = decode_json_header(text, fast);
  const auto b = decode_json_header_general(text, general);
  ASSERT_EQ(a.is_ok(), b.is_ok()) << text;
  if (!a.is_ok()) return;
  EXPECT_EQ(fast.code, general.code) << text;
  EXPECT_EQ(fast.version, general.version) << text;
  EXPECT_EQ(fast.opaque, general.opaque) << text;
  EXPECT_EQ(fast.flag, general.flag) << text;
  EXPECT_EQ(fast.language, general.language) << text;
  EXPECT_EQ(fast.remark, general.remark) << text;
  EXPECT_EQ(fast.ext_fields, general.ext_fields) << text;
}

TEST(JsonHeaderPaths, AgreeOnHandPickedHeaders) {
  for (
      const char* text : {
          R"({"code":310,"extFields":{"a":"PG","b":"T","e":"3","g":"1700000000000"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":395})",
          R"({})",
          R"( { "code" : -1 , "flag" : 1 } )",
          R"({"code":0,"remark":null})",
          R"({"code":1,"remark":"ok"})",
          R"({"code":1,"remark":"a\"b"})",
          R"({"code":"12"})",
          R"({"code":2147483648})",
          R"({"code":-2147483648})",
          R"({"code":1.0})",
          R"({"code":01})",
          R"({"code":-0})",
          R"({"language":3})",
          R"({"language":"NOPE"})",
          R"({"language":"CPP"})",
          R"({"extFields":""})",
          R"({"extFields":null})",
          R"({"extFields":{"k":1,"t":true,"f":false,"n":null}})",
          R"({"extFields":{"k":"1","k":null}})",
          R"({"extFields":{"k":"1","k":"2"}})",
          R"({"extFields":{"k":"\u0041"}})",
          R"({"extFields":{"i":"KEYS\u0001k1\u0002TAGS\u0001a\u0002","p":"\"\\\/\b\f\n\r\t"}})",
          R"({"extFields":{"k":"\u00E9\u20ac\uD83D\uDE00","k\u0041":"1"}})",
          R"({"remark":"\ud800"})",
          R"({"remark":"\x"})",
          R"({"remark":"\u12"})",
          R"({"extFields":{"k":1e3}})",
          R"({"extFields":{"k":[1]}})",
          R"({"extFields":{"k":{"x":1}}})",
          R"({"code":1,"code":2})",
          R"({"unknown":{"deep":[1,2]},"code":5})",
          R"({"unknown":1,"unknown":2,"code":5})",
          R"({"code":1,})",
          R"({"code":1)",
          R"({"code":1}x)",
          R"([1])",
          R"()",
          R"({"code":tru})",
          "{\"remark\":\"a\tb\"}",
          R"({"opaque":999999999999999999})",
          R"({"opaque":-12345678901234567890})",
      }) {
    expect_same(text);
  }
}

TEST(JsonHeaderPaths, AgreeOnGeneratedHeaders) {
  const std::vector<std::string> keys = {
      "\"code\"",      "\"flag\"",     "\"opaque\"",
      "\"version\"",   "\"language\"", "\"remark\"",
      "\"extFields\"", "\"other\"",    "\"serializeTypeCurrentRPC\""};
  const std::vector<std::string> values = {"0",
                                           "-7",
                                           "123",
                                           "2147483647",
                                           "-2147483649",
                                           "00",
                                           "1.5",
                                           "\"12\"",
                                           "\"x\"",
                                           "\"JAVA\"",
                                           "\"a\\\\b\"",
                                           "null",
                                           "true",
                                           "false",
                                           "{}",
                                           "{\"a\":\"1\"}",
                                           "{\"a\":1,\"b\":null}",
                                           "{\"a\":\"\\u00e9\"}",
                                           "\"p\\u0001q\\u0002\"",
                                           "\"\\n\\t\\\"\"",
                                           "[]",
                                           "\"\"",
                                           "{\"a\":\"1\",\"a\":\"2\"}",
                                           "{\"a\":true}"};
  const std::vector<std::string> gaps = {"", " ", "\n", "\t "};
  std::mt19937 random(20261125);
  auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
  for (int round = 0; round < 5000; ++round) {
    std::string text = pick(gaps) + "{";
    const int members = static_cast<int>(random() % 6);
    for (int i = 0; i < members; ++i) {
      if (i > 0) text += pick(gaps) + ",";
      text += pick(gaps) + pick(keys) + pick(gaps) + ":" + pick(gaps) + pick(values);
    }
    text += pick(gaps) + "}" + pick(gaps);
    if (random() % 20 == 0) text.erase(random() % text.size(), 1);  // now and then, broken
    expect_same(text);
  }
}

}  // namespace
}  // namespace mq::core
