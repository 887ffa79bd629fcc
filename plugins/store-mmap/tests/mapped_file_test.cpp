// MappedFile and MappedFileQueue.
#include "mapped_file.h"

#include "mapped_file_queue.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

namespace mq::store_mmap {
namespace {

using testing::TempDir;

TEST(MappedFile, NamesAre20Digits) {
  EXPECT_EQ(MappedFile::file_name(0), "00000000000000000000");
  EXPECT_EQ(MappedFile::file_name(1073741824), "00000000001073741824");
}

TEST(MappedFile, NewFilesInOrderHaveTheirBlocksReservedAndIndexFilesStaySparse) {
  TempDir dir;
  const std::int64_t size = 4 << 20;
  auto reserved = MappedFile::open(dir.sub("reserved"), 0, size, true, false);
  auto sparse =
      MappedFile::open(dir.sub("sparse"), 0, size, true, false, MappedFile::Blocks::kSparse);
  ASSERT_TRUE(reserved.ok() && sparse.ok());
  struct stat info {};
  ASSERT_EQ(::stat(dir.sub("reserved").c_str(), &info), 0);
  EXPECT_GE(info.st_blocks * 512, size);  // allocated (file systems without fallocate excepted)
  ASSERT_EQ(::stat(dir.sub("sparse").c_str(), &info), 0);
  EXPECT_LT(info.st_blocks * 512, size);
  EXPECT_EQ(info.st_size, size);
}

TEST(MappedFile, WrittenBytesAreReadThroughTheMappingAndSurviveReopening) {
  TempDir dir;
  const std::int64_t size = 64 << 10;
  const std::string path = dir.sub(MappedFile::file_name(0));
  {
    auto opened = MappedFile::open(path, 0, size, true, false);
    ASSERT_TRUE(opened.ok());
    MappedFile& file = *opened.value();
    // Across a page boundary, as records are.
    const std::string text(5000, 'r');
    file.claim(4000 + 5000);
    ASSERT_TRUE(file.write_at(
        4000, sdk::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
    file.set_wrote_position(9000);
    const sdk::ByteView seen = file.view(4000, 5000);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(seen.data()), seen.size()), text);
    EXPECT_EQ(file.view(3999, 1)[0], 0);
    EXPECT_EQ(file.view(9000, 1)[0], 0);
    ASSERT_TRUE(file.flush().ok());
  }
  auto reopened = MappedFile::open(path, 0, size, false, false);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value()->view(8999, 1)[0], 'r');
}

TEST(MappedFile, PreparingPagesNeverTouchesWrittenOrClaimedBytes) {
  TempDir dir;
  const std::int64_t size = 1 << 20;
  auto opened = MappedFile::open(dir.sub(MappedFile::file_name(0)), 0, size, true, false);
  ASSERT_TRUE(opened.ok());
  auto& file = *opened.value();
  std::memset(file.data(), 'a', 5000);
  file.set_wrote_position(5000);
  file.claim(9000);
  std::memset(file.data() + 5000, 'b', 4000);  // claimed, not yet published
  EXPECT_EQ(file.prepare(300000, 64 << 10), 300000 / 4096 * 4096 + 4096);
  for (std::int64_t i = 0; i < 9000; ++i) {
    ASSERT_EQ(file.data()[i], i < 5000 ? 'a' : 'b') << i;
  }
  // Below the prepared position a claim returns at once and prepare() never writes again.
  std::memset(file.data() + 9000, 'c', 100000);
  file.claim(109000);
  file.prepare(size, 64 << 10);
  EXPECT_EQ(file.prepared_position(), size);
  EXPECT_EQ(file.data()[108999], 'c');
  EXPECT_EQ(file.data()[109000], 0);
}

TEST(MappedFile, AWriterRacingThePreparerLosesNothing) {
  TempDir dir;
  const std::int64_t size = 8 << 20;
  auto opened = MappedFile::open(dir.sub(MappedFile::file_name(0)), 0, size, true, false);
  ASSERT_TRUE(opened.ok());
  auto file = opened.value();
  std::atomic<bool> done{false};
  std::thread preparer([&] {
    while (!done.load()) file->prepare(file->wrote_position() + (256 << 10), 4096);
  });
  // Records of 1000 bytes, each filled with its own index, written as the store writes them.
  std::int64_t position = 0;
  for (int i = 0; position + 1000 <= size; ++i, position += 1000) {
    file->claim(position + 1000);
    std::memset(file->data() + position, 1 + i % 250, 1000);
    file->set_wrote_position(position + 1000);
  }
  done = true;
  preparer.join();
  for (std::int64_t at = 0; at + 1000 <= size; at += 1000) {
    const auto expected = static_cast<std::uint8_t>(1 + (at / 1000) % 250);
    ASSERT_EQ(file->data()[at], expected) << at;
    ASSERT_EQ(file->data()[at + 999], expected) << at;
  }
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
