// ExtFields behaves as the std::map it replaced: sorted iteration, unique keys, the first value
// of a repeated key in a list, insert_or_assign replacing, erase by key.
#include "remoting/ext_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mq::core {
namespace {

std::vector<std::string> keys_of(const ExtFields& fields) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : fields) keys.push_back(key);
  return keys;
}

TEST(ExtFields, KeepsKeysSortedAndUniqueWhateverTheInsertionOrder) {
  ExtFields fields;
  for (const char* key : {"n", "a", "queueId", "b", "a", "MSG_REGION", "z", "m"}) {
    fields.insert_or_assign(key, std::string(key) + "-value");
  }
  EXPECT_EQ(keys_of(fields),
            (std::vector<std::string>{"MSG_REGION", "a", "b", "m", "n", "queueId", "z"}));
  EXPECT_EQ(fields.size(), 7u);
  fields.insert_or_assign("b", "again");
  EXPECT_EQ(fields.find("b")->second, "again");
  EXPECT_EQ(fields.size(), 7u);
}

TEST(ExtFields, FindEraseAndEquality) {
  ExtFields fields{{"k", "1"}, {"a", "2"}, {"k", "ignored"}};
  ASSERT_NE(fields.find("k"), fields.end());
  EXPECT_EQ(fields.find("k")->second, "1");  // the first value of a repeated key, as std::map
  EXPECT_EQ(fields.find("missing"), fields.end());
  EXPECT_EQ(fields.find(""), fields.end());
  EXPECT_EQ(fields, (ExtFields{{"a", "2"}, {"k", "1"}}));
  EXPECT_EQ(fields.erase("k"), 1u);
  EXPECT_EQ(fields.erase("k"), 0u);
  EXPECT_EQ(fields, (ExtFields{{"a", "2"}}));
  fields.clear();
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(fields.find("a"), fields.end());
}

}  // namespace
}  // namespace mq::core
