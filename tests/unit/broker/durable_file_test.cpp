#include "broker/durable_file.h"

#include "test_process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace mq::core {
namespace {

TEST(DurableFile, MissingFileReadsAsNullopt) {
  mq::test::TempDir dir;
  auto text = read_file_if_exists(dir.file("absent.json"));
  ASSERT_TRUE(text.ok()) << text.status().to_string();
  EXPECT_FALSE(text->has_value());
}

TEST(DurableFile, ReplaceCreatesParentsAndLeavesNoTempFile) {
  mq::test::TempDir dir;
  const std::string path = dir.file("config/nested/table.json");
  ASSERT_TRUE(replace_file_durably(path, "{\"a\":1}").is_ok());
  ASSERT_TRUE(replace_file_durably(path, "{}").is_ok());
  auto text = read_file_if_exists(path);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(text->has_value());
  EXPECT_EQ(**text, "{}");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(DurableFile, FailureNamesThePathAndKeepsTheOldFile) {
  mq::test::TempDir dir;
  // A regular file where the parent directory should be.
  const std::string blocker = dir.write("config", "not a directory");
  auto status = replace_file_durably(dir.file("config/table.json"), "{}");
  EXPECT_EQ(status.code(), sdk::StatusCode::kIoError);
  EXPECT_NE(status.message().find("config"), std::string::npos) << status.message();
  EXPECT_EQ(mq::test::read_file(blocker), "not a directory");
}

}  // namespace
}  // namespace mq::core
