// MappedFile and MappedFileQueue.
#include "mapped_file.h"

#include "mapped_file_queue.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

namespace mq::store_mmap {
namespace {

using testing::TempDir;

TEST(MappedFile, NamesAre20Digits) {
  EXPECT_EQ(MappedFile::file_name(0), "00000000000000000000");
  EXPECT_EQ(MappedFile::file_name(1073741824), "00000000001073741824");
}

TEST(MappedFile, CreateWriteFlushReopen) {
  TempDir dir;
  const std::string path = dir.sub(MappedFile::file_name(0));
  {
    auto file = MappedFile::open(path, 0, 8192, true, true);
    ASSERT_TRUE(file.ok()) << file.status().to_string();
    std::memcpy(file.value()->data(), "abc", 3);
    file.value()->set_wrote_position(3);
    auto flushed = file.value()->flush();
    ASSERT_TRUE(flushed.ok());
    EXPECT_EQ(flushed.value(), 3);
    EXPECT_EQ(file.value()->flushed_position(), 3);
  }
  EXPECT_EQ(std::filesystem::file_size(path), 8192u);
  auto again = MappedFile::open(path, 0, 8192, false, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::memcmp(again.value()->data(), "abc", 3), 0);
}

TEST(MappedFile, ShortFileIsExtendedLongFileRefused) {
  TempDir dir;
  const std::string path = dir.sub("f");
  ASSERT_EQ(::truncate(path.c_str(), 0), -1);  // missing
  { ASSERT_TRUE(MappedFile::open(path, 0, 100, true, false).ok()); }
  ASSERT_EQ(::truncate(path.c_str(), 10), 0);
  { ASSERT_TRUE(MappedFile::open(path, 0, 100, false, false).ok()); }
  EXPECT_EQ(std::filesystem::file_size(path), 100u);
  auto small = MappedFile::open(path, 0, 50, false, false);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), sdk::StatusCode::kCorruption);
}

TEST(MappedFileQueue, CreateFindTruncateReload) {
  TempDir dir;
  MappedFileQueue queue(dir.sub("q"), 100, false);
  ASSERT_TRUE(queue.load());
  EXPECT_TRUE(queue.empty());
  for (int i = 0; i < 3; ++i) {
    auto file = queue.create_file(i * 100);
    ASSERT_TRUE(file.ok());
    std::memset(file.value()->data(), 'x', 100);
    file.value()->set_wrote_position(100);
  }
  EXPECT_EQ(queue.max_offset(), 300);
  EXPECT_EQ(queue.find(150)->start_offset(), 100);
  EXPECT_EQ(queue.find(300), nullptr);
  ASSERT_TRUE(queue.truncate_to(150));
  EXPECT_EQ(queue.files().size(), 2u);
  EXPECT_EQ(queue.max_offset(), 150);
  EXPECT_EQ(queue.find(100)->data()[60], 0) << "zeroed past the end";

  MappedFileQueue reloaded(dir.sub("q"), 100, false);
  ASSERT_TRUE(reloaded.load());
  EXPECT_EQ(reloaded.files().size(), 2u);
  EXPECT_EQ(reloaded.max_offset(), 200) << "loaded files count as full until truncated";
  EXPECT_EQ(reloaded.delete_front_while([](const MappedFile&) { return true; }, 10), 1)
      << "the last file is never deleted";
  EXPECT_EQ(reloaded.min_offset(), 100);
}

TEST(MappedFileQueue, GapsAreCorruption) {
  TempDir dir;
  {
    MappedFileQueue queue(dir.sub("q"), 100, false);
    ASSERT_TRUE(queue.load());
    ASSERT_TRUE(queue.create_file(0).ok());
    ASSERT_TRUE(queue.create_file(100).ok());
  }
  std::filesystem::remove(std::filesystem::path(dir.sub("q")) / MappedFile::file_name(0));
  std::filesystem::copy_file(std::filesystem::path(dir.sub("q")) / MappedFile::file_name(100),
                             std::filesystem::path(dir.sub("q")) / MappedFile::file_name(300));
  MappedFileQueue queue(dir.sub("q"), 100, false);
  EXPECT_EQ(queue.load().code(), sdk::StatusCode::kCorruption);
}

}  // namespace
}  // namespace mq::store_mmap
