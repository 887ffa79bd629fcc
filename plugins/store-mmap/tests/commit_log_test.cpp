// CommitLog: records never span files, fillers, raw reads and replicated appends.
#include "commit_log.h"

#include "record_format.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mq::store_mmap {
namespace {

namespace record = sdk::record;
using testing::TempDir;

// Writes what is staged, as the store's commit does.
void write_staged(CommitLog& log) {
  CommitLog::Staged staged;
  log.take_staged(staged);
  EXPECT_TRUE(CommitLog::write_staged(staged));
}

// Stages one record with a body of `body_bytes` and returns its offset; `write` also writes it.
std::int64_t stage_record(CommitLog& log, std::size_t body_bytes, std::int64_t queue_offset,
                          bool write = true) {
  const std::string body(body_bytes, 'b');
  record::StoredRecord r;
  r.topic = "T";
  r.queue_offset = queue_offset;
  r.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  const auto size = static_cast<std::int64_t>(record::encoded_size(r));
  bool write_first = false;
  auto slot = log.reserve(size, &write_first);
  if (write_first) {
    write_staged(log);
    slot = log.reserve(size, &write_first);
  }
  EXPECT_TRUE(slot.ok());
  EXPECT_FALSE(write_first);
  r.physical_offset = slot->offset;
  EXPECT_EQ(record::encode_record(r, std::span<std::uint8_t>(slot->data, size)),
            static_cast<std::size_t>(size));
  log.stage(slot.value(), size);
  if (write) write_staged(log);
  return slot->offset;
}

std::int64_t append_record(CommitLog& log, std::size_t body_bytes, std::int64_t queue_offset) {
  return stage_record(log, body_bytes, queue_offset, true);
}

TEST(CommitLog, StagedRecordsAreInvisibleUntilWrittenThenWrittenTogether) {
  TempDir dir;
  CommitLog log(dir.sub("log"), 4096, false);
  ASSERT_TRUE(log.load());
  EXPECT_EQ(stage_record(log, 108, 0, false), 0);
  EXPECT_EQ(stage_record(log, 108, 1, false), 200);
  EXPECT_EQ(log.staged_bytes(), 400);
  EXPECT_EQ(log.end_offset(), 0);
  EXPECT_EQ(log.read_record(0).status().code(), sdk::StatusCode::kNotFound);
  CommitLog::Staged staged;
  log.take_staged(staged);
  EXPECT_EQ(staged.segments.size(), 1u);  // contiguous records: one write
  EXPECT_EQ(log.staged_bytes(), 0);
  // Staging goes on while the taken records are being written.
  EXPECT_EQ(stage_record(log, 108, 2, false), 400);
  ASSERT_TRUE(CommitLog::write_staged(staged));
  EXPECT_EQ(log.end_offset(), 400);
  EXPECT_TRUE(log.read_record(200).ok());
  EXPECT_EQ(log.read_record(400).status().code(), sdk::StatusCode::kNotFound);
  write_staged(log);
  EXPECT_EQ(log.end_offset(), 600);
  EXPECT_TRUE(log.read_record(400).ok());
}

TEST(CommitLog, ANewFileWaitsUntilTheRecordsBeforeItAreWritten) {
  TempDir dir;
  CommitLog log(dir.sub("log"), 512, false);
  ASSERT_TRUE(log.load());
  EXPECT_EQ(stage_record(log, 108, 0, false), 0);
  EXPECT_EQ(stage_record(log, 108, 1, false), 200);
  bool write_first = false;
  EXPECT_FALSE(log.reserve(200, &write_first).ok());
  EXPECT_TRUE(write_first);
  write_staged(log);
  auto slot = log.reserve(200, &write_first);
  ASSERT_TRUE(slot.ok());
  EXPECT_FALSE(write_first);
  EXPECT_EQ(slot->offset, 512);
  EXPECT_EQ(log.end_offset(), 512);  // the first file ends with its filler
}

TEST(CommitLog, FillerEndsAFileWhenTheNextRecordDoesNotFit) {
  TempDir dir;
  CommitLog log(dir.sub("log"), 512, false);
  ASSERT_TRUE(log.load());
  // 91 + 1 + 108 = 200 bytes each: two fit in 512 (400 + 8 <= 512), the third does not.
  EXPECT_EQ(append_record(log, 108, 0), 0);
  EXPECT_EQ(append_record(log, 108, 1), 200);
  EXPECT_EQ(append_record(log, 108, 2), 512);
  EXPECT_EQ(log.end_offset(), 712);
  auto tail = log.read(400, 112);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(record::get_i32(tail->bytes.data()), 112);
  EXPECT_EQ(record::get_u32(tail->bytes.data() + 4), record::kBlankMagic);
  EXPECT_EQ(log.read_record(400).status().code(), sdk::StatusCode::kNotFound);
  EXPECT_TRUE(log.read_record(512).ok());
  EXPECT_EQ(log.read_record(712).status().code(), sdk::StatusCode::kNotFound);
}

TEST(CommitLog, RecordLargerThanAFileIsIllegal) {
  TempDir dir;
  CommitLog log(dir.sub("log"), 512, false);
  ASSERT_TRUE(log.load());
  bool write_first = false;
  EXPECT_EQ(log.reserve(505, &write_first).status().code(), sdk::StatusCode::kMessageIllegal);
  EXPECT_TRUE(log.reserve(504, &write_first).ok());
}

TEST(CommitLog, ReadLogStopsOnRecordBoundariesWithinAFile) {
  TempDir dir;
  CommitLog log(dir.sub("log"), 512, false);
  ASSERT_TRUE(log.load());
  for (int i = 0; i < 3; ++i) append_record(log, 108, i);
  auto first = log.read_log(0, 250);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->bytes.size(), 200u);
  auto small = log.read_log(0, 10);
  EXPECT_EQ(small->bytes.size(), 200u) << "at least one record";
  auto rest = log.read_log(200, 1 << 20);
  EXPECT_EQ(rest->bytes.size(), 312u) << "the record and the filler, not the next file";
  auto end = log.read_log(712, 100);
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->bytes.empty());
}

TEST(CommitLog, AppendRawReproducesTheMastersLog) {
  TempDir dir;
  CommitLog master(dir.sub("master"), 512, false);
  CommitLog slave(dir.sub("slave"), 512, false);
  ASSERT_TRUE(master.load());
  ASSERT_TRUE(slave.load());
  for (int i = 0; i < 5; ++i) append_record(master, 108, i);
  std::vector<std::int64_t> seen;
  auto on_record = [&seen](const record::StoredRecord& r, std::int64_t offset) {
    EXPECT_EQ(r.physical_offset, offset);
    seen.push_back(offset);
  };
  std::int64_t at = 0;
  while (at < master.end_offset()) {
    auto chunk = master.read_log(at, 300);
    ASSERT_TRUE(chunk.ok());
    ASSERT_TRUE(slave.append_raw(at, chunk->bytes, on_record));
    at += static_cast<std::int64_t>(chunk->bytes.size());
  }
  EXPECT_EQ(slave.end_offset(), master.end_offset());
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 200, 512, 712, 1024}));
  EXPECT_EQ(slave.append_raw(7, {}, on_record).code(), sdk::StatusCode::kInvalidArgument);

  auto record_bytes = master.read_record(0);
  std::vector<std::uint8_t> damaged(record_bytes->bytes.begin(), record_bytes->bytes.end());
  damaged[95] ^= 1;
  EXPECT_EQ(slave.append_raw(slave.end_offset(), damaged, on_record).code(),
            sdk::StatusCode::kCorruption);
}

}  // namespace
}  // namespace mq::store_mmap
