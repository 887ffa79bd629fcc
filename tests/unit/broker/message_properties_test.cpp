// MessageProperties: parse/get/set/remove/to_string as Java's MessageDecoder, and rewrite()
// (the one-pass path of the common send) against the full path on generated texts.
#include "broker/message_properties.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace mq::core {
namespace {

std::string full_path(std::string_view text, std::string_view drop, std::string_view name,
                      std::string_view value) {
  MessageProperties properties = MessageProperties::parse(text);
  properties.set(name, value);
  properties.remove(drop);
  return properties.to_string();
}

TEST(MessageProperties, ParseDropsEmptyNamesAndValuesAndKeepsTheLastOfARepeatedName) {
  auto properties = MessageProperties::parse(
      "A\x01"
      "1\x02\x01x\x02"
      "B\x01\x02"
      "C\x01"
      "3\x02"
      "A\x01"
      "4");
  EXPECT_EQ(properties.to_string(),
            "A\x01"
            "4\x02"
            "C\x01"
            "3");
  EXPECT_EQ(properties.get("C"), "3");
  EXPECT_FALSE(properties.get("B"));
}

TEST(MessageProperties, RewriteSetsInPlaceOrAppendsAndDrops) {
  const std::string text =
      "TAGS\x01T\x02WAIT\x01"
      "false\x02UNIQ_KEY\x01"
      "ABC";
  EXPECT_EQ(MessageProperties::rewrite(text, "WAIT", "CLUSTER", "c1"),
            "TAGS\x01T\x02UNIQ_KEY\x01"
            "ABC\x02"
            "CLUSTER\x01"
            "c1");
  EXPECT_EQ(MessageProperties::rewrite("CLUSTER\x01old\x02"
                                       "A\x01"
                                       "1",
                                       "WAIT", "CLUSTER", "new"),
            "CLUSTER\x01new\x02"
            "A\x01"
            "1");
  EXPECT_EQ(MessageProperties::rewrite("", "WAIT", "CLUSTER", "c"),
            "CLUSTER\x01"
            "c");
  // A repeated name, or too many entries: the caller takes the full path.
  EXPECT_FALSE(
      MessageProperties::rewrite("A\x01"
                                 "1\x02"
                                 "A\x01"
                                 "2",
                                 "WAIT", "CLUSTER", "c"));
  std::string many;
  for (int i = 0; i < 33; ++i) many += "K" + std::to_string(i) + "\x01v\x02";
  EXPECT_FALSE(MessageProperties::rewrite(many, "WAIT", "CLUSTER", "c"));
}

// A properties text of up to five entries, some malformed (no separator, an empty name or
// value, a leading separator), names repeating.
std::string generated_text(std::mt19937& random) {
  const char* names[] = {"TAGS", "WAIT", "CLUSTER", "KEYS", "UNIQ_KEY", "", "X"};
  const char* values[] = {"", "v", "false", "a b", "\x01", "long-value-0123456789abcdef"};
  std::string text;
  const int entries = static_cast<int>(random() % 6);
  for (int i = 0; i < entries; ++i) {
    if (i > 0 || random() % 4 == 0) text += '\x02';
    text += names[random() % 7];
    if (random() % 8 != 0) text += '\x01';
    text += values[random() % 6];
  }
  return text;
}

TEST(MessageProperties, RewriteAgreesWithTheFullPathOnGeneratedTexts) {
  std::mt19937 random(7);
  int compared = 0;
  for (int round = 0; round < 5000; ++round) {
    const std::string text = generated_text(random);
    const auto rewritten = MessageProperties::rewrite(text, "WAIT", "CLUSTER", "DefaultCluster");
    if (!rewritten) continue;  // a repeated name
    ++compared;
    ASSERT_EQ(*rewritten, full_path(text, "WAIT", "CLUSTER", "DefaultCluster")) << "text: " << text;
  }
  EXPECT_GT(compared, 1000);
}

TEST(MessageProperties, MergedWithAgreesWithTheFullPathOnGeneratedTexts) {
  std::mt19937 random(11);
  for (int round = 0; round < 5000; ++round) {
    const std::string item = generated_text(random);
    const MessageProperties defaults = MessageProperties::parse(generated_text(random));
    MessageProperties expected = MessageProperties::parse(item);
    for (const auto& [name, value] : defaults.entries()) {
      if (!expected.get(name)) expected.set(name, value);
    }
    ASSERT_EQ(MessageProperties::merged_with(item, defaults), expected.to_string())
        << "item: " << item;
  }
}

}  // namespace
}  // namespace mq::core
