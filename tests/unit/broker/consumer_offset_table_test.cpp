#include "broker/consumer_offset_table.h"

#include "broker_test_helpers.h"
#include "test_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <thread>
#include <vector>

namespace mq::core {
namespace {

using mq::core::test::config_in;
using mq::core::test::write_file;

bool exists(const std::string& path) { return std::filesystem::exists(path); }

TEST(ConsumerOffsetTable, FileIsRocketMqsFormatByteForByte) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  EXPECT_EQ(table.file_path(),
            (std::filesystem::path(dir.path()) / "config" / "consumerOffset.json").string());
  ASSERT_TRUE(table.load().is_ok());
  table.commit("CG", "TopicTest", 1, 7);
  table.commit("CG", "TopicTest", 0, 12);
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_EQ(mq::test::read_file(table.file_path()),
            R"({"offsetTable":{"TopicTest@CG":{0:12,1:7}}})");
  EXPECT_EQ(table.to_json(), R"({"offsetTable":{"TopicTest@CG":{0:12,1:7}}})");
  EXPECT_EQ(table.to_json(IntKeyStyle::kQuoted),
            R"({"offsetTable":{"TopicTest@CG":{"0":12,"1":7}}})");
  EXPECT_FALSE(exists(table.file_path() + ".tmp"));
}

TEST(ConsumerOffsetTable, EmptyTable) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());  // no file
  EXPECT_EQ(table.to_json(), R"({"offsetTable":{}})");
  EXPECT_FALSE(table.query("CG", "T", 0).has_value());
  EXPECT_TRUE(table.offsets_of("CG", "T").empty());
  EXPECT_TRUE(table.groups_of_topic("T").empty());
  EXPECT_TRUE(table.topics_of_group("CG").empty());
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_FALSE(exists(table.file_path()));  // nothing changed, nothing written
}

TEST(ConsumerOffsetTable, QueryDistinguishesNeverCommittedFromMinusOne) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  {
    ConsumerOffsetTable table(config);
    ASSERT_TRUE(table.load().is_ok());
    table.commit("CG", "T", 0, -1);
    table.commit("CG", "T", 1, 0);
    table.commit("CG", "T", 2, 5);
    table.commit("CG", "T", 2, 3);  // a later commit wins, even a smaller one
    EXPECT_EQ(table.query("CG", "T", 0), -1);
    EXPECT_EQ(table.query("CG", "T", 1), 0);
    EXPECT_EQ(table.query("CG", "T", 2), 3);
    EXPECT_FALSE(table.query("CG", "T", 3).has_value());
    EXPECT_FALSE(table.query("CG2", "T", 0).has_value());
    EXPECT_FALSE(table.query("CG", "T2", 0).has_value());
    ASSERT_TRUE(table.persist().is_ok());
    EXPECT_EQ(mq::test::read_file(table.file_path()), R"({"offsetTable":{"T@CG":{0:-1,1:0,2:3}}})");
  }
  ConsumerOffsetTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.query("CG", "T", 0), -1);
  EXPECT_EQ(reloaded.query("CG", "T", 1), 0);
  EXPECT_EQ(reloaded.query("CG", "T", 2), 3);
  EXPECT_FALSE(reloaded.query("CG", "T", 3).has_value());
}

TEST(ConsumerOffsetTable, ReloadRoundTripsManyEntries) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  std::string written;
  {
    ConsumerOffsetTable table(config);
    ASSERT_TRUE(table.load().is_ok());
    for (int g = 0; g < 3; ++g) {
      for (int t = 0; t < 3; ++t) {
        for (int q = 0; q < 4; ++q) {
          table.commit("G" + std::to_string(g), "T" + std::to_string(t), q,
                       1000000000000LL * g + 100 * t + q);
        }
      }
    }
    table.commit("G0", "T0", 2147483647, 9223372036854775807LL);
    ASSERT_TRUE(table.persist().is_ok());
    written = table.to_json();
  }
  ConsumerOffsetTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.to_json(), written);
  EXPECT_EQ(reloaded.query("G2", "T1", 3), 2000000000103LL);
  EXPECT_EQ(reloaded.query("G0", "T0", 2147483647), 9223372036854775807LL);
}

TEST(ConsumerOffsetTable, LoadsQuotedKeysAndAJavaPrettyPrintedFile) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  write_file(dir.file("config/consumerOffset.json"),
             "{\n\t\"offsetTable\":{\n\t\t\"TopicTest@CG\":{0:12,\"1\":7,2:\"9\",3:-1\n\t\t},\n"
             "\t\t\"%RETRY%CG@CG\":{0:0\n\t\t}\n\t},\n\t\"dataVersion\":{\"counter\":1}\n}\n");
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  EXPECT_EQ(table.query("CG", "TopicTest", 0), 12);
  EXPECT_EQ(table.query("CG", "TopicTest", 1), 7);
  EXPECT_EQ(table.query("CG", "TopicTest", 2), 9);
  EXPECT_EQ(table.query("CG", "TopicTest", 3), -1);
  EXPECT_EQ(table.query("CG", "%RETRY%CG", 0), 0);
  // Loading is not a change: nothing is rewritten until a commit.
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_NE(mq::test::read_file(table.file_path()).find('\t'), std::string::npos);
  table.commit("CG", "TopicTest", 0, 13);
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_EQ(mq::test::read_file(table.file_path()),
            R"({"offsetTable":{"%RETRY%CG@CG":{0:0},"TopicTest@CG":{0:13,1:7,2:9,3:-1}}})");
}

TEST(ConsumerOffsetTable, PersistWritesOnlyWhenSomethingChanged) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  table.commit("CG", "T", 0, 5);
  ASSERT_TRUE(table.persist().is_ok());
  ASSERT_TRUE(exists(table.file_path()));

  // Removing the file shows whether a later persist() wrote it.
  std::filesystem::remove(table.file_path());
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_FALSE(exists(table.file_path()));
  table.commit("CG", "T", 0, 5);  // the same offset again is no change
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_FALSE(exists(table.file_path()));

  for (auto change : std::vector<std::function<void()>>{
           [&] { table.commit("CG", "T", 0, 6); },  // a new value
           [&] { table.commit("CG", "T", 1, 6); },  // a new queue
           [&] { table.remove_topic("T"); },        // removals
           [&] { table.commit("CG", "T", 0, 1); },  //
           [&] { table.remove_group("CG"); },       //
           [&] { ASSERT_TRUE(table.replace_from_json(R"({"offsetTable":{}})").is_ok()); },
       }) {
    change();
    ASSERT_TRUE(table.persist().is_ok());
    EXPECT_TRUE(exists(table.file_path()));
    EXPECT_EQ(mq::test::read_file(table.file_path()), table.to_json());
    std::filesystem::remove(table.file_path());
  }
  // Removing what is not there is no change.
  table.remove_topic("absent");
  table.remove_group("absent");
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_FALSE(exists(table.file_path()));
}

TEST(ConsumerOffsetTable, GroupsAndTopicsAreMatchedExactly) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  table.commit("CG", "Topic", 0, 1);
  table.commit("CG", "TopicTest", 0, 2);
  table.commit("CG", "Topic-x", 0, 3);
  table.commit("CG2", "Topic", 3, 4);
  table.commit("CG2", "Topic", 1, 5);
  table.commit("C", "Topic", 0, 6);
  table.commit("G@x", "Other", 0, 7);  // a group name with '@' still matches exactly

  EXPECT_EQ(table.groups_of_topic("Topic"), (std::vector<std::string>{"C", "CG", "CG2"}));
  EXPECT_EQ(table.groups_of_topic("TopicTest"), (std::vector<std::string>{"CG"}));
  EXPECT_EQ(table.groups_of_topic("Other"), (std::vector<std::string>{"G@x"}));
  EXPECT_TRUE(table.groups_of_topic("Top").empty());
  EXPECT_EQ(table.topics_of_group("CG"),
            (std::vector<std::string>{"Topic", "Topic-x", "TopicTest"}));
  EXPECT_EQ(table.topics_of_group("CG2"), (std::vector<std::string>{"Topic"}));
  EXPECT_EQ(table.topics_of_group("G@x"), (std::vector<std::string>{"Other"}));
  EXPECT_TRUE(table.topics_of_group("G").empty());
  EXPECT_EQ(table.offsets_of("CG2", "Topic"),
            (std::map<std::int32_t, std::int64_t>{{1, 5}, {3, 4}}));

  table.remove_topic("Topic");
  EXPECT_TRUE(table.groups_of_topic("Topic").empty());
  EXPECT_EQ(table.topics_of_group("CG"), (std::vector<std::string>{"Topic-x", "TopicTest"}));
  table.remove_group("CG");
  EXPECT_TRUE(table.topics_of_group("CG").empty());
  EXPECT_EQ(table.groups_of_topic("Other"), (std::vector<std::string>{"G@x"}));
  EXPECT_EQ(table.to_json(), R"({"offsetTable":{"Other@G@x":{0:7}}})");
}

TEST(ConsumerOffsetTable, RemovalsSurviveReload) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  {
    ConsumerOffsetTable table(config);
    ASSERT_TRUE(table.load().is_ok());
    table.commit("A", "T1", 0, 1);
    table.commit("B", "T1", 0, 2);
    table.commit("A", "T2", 0, 3);
    table.commit("B", "T2", 0, 4);
    table.remove_topic("T1");
    table.remove_group("A");
    ASSERT_TRUE(table.persist().is_ok());
  }
  ConsumerOffsetTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.to_json(), R"({"offsetTable":{"T2@B":{0:4}}})");
}

TEST(ConsumerOffsetTable, CorruptFileIsReportedAndNeverOverwritten) {
  for (const std::string text :
       {"", "{", "[]", R"({"offsetTable":[]})", R"({"offsetTable":{"T@G":[1]}})",
        R"({"offsetTable":{"T@G":{x:1}}})", R"({"offsetTable":{"T@G":{"a":1}}})",
        R"({"offsetTable":{"T@G":{4294967296:1}}})", R"({"offsetTable":{"T@G":{0:"many"}}})",
        R"({"offsetTable":{"T@G":{0:1.5}}})", R"({"offsetTable":{{"a":1}:{0:1}}})"}) {
    mq::test::TempDir dir;
    const BrokerConfig config = config_in(dir.path());
    const std::string path = write_file(dir.file("config/consumerOffset.json"), text);
    ConsumerOffsetTable table(config);
    auto status = table.load();
    EXPECT_EQ(status.code(), sdk::StatusCode::kCorruption) << text;
    EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
    EXPECT_EQ(table.to_json(), R"({"offsetTable":{}})") << text;
    table.commit("G", "T", 0, 1);
    EXPECT_EQ(table.persist().code(), sdk::StatusCode::kUnavailable) << text;
    EXPECT_EQ(mq::test::read_file(path), text);

    // Once the operator fixes the file, a load succeeds and writes are allowed again.
    write_file(dir.file("config/consumerOffset.json"), R"({"offsetTable":{}})");
    ASSERT_TRUE(table.load().is_ok());
    table.commit("G", "T", 0, 1);
    EXPECT_TRUE(table.persist().is_ok());
  }
}

TEST(ConsumerOffsetTable, ReplaceFromJsonKeepsTheTableOnError) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  table.commit("G", "T", 0, 1);
  EXPECT_EQ(table.replace_from_json(R"({"offsetTable":{"X@Y":{0:"no"}}})").code(),
            sdk::StatusCode::kCorruption);
  EXPECT_EQ(table.query("G", "T", 0), 1);
  ASSERT_TRUE(table.replace_from_json(R"({"offsetTable":{"X@Y":{"3":30}}})").is_ok());
  EXPECT_FALSE(table.query("G", "T", 0).has_value());
  EXPECT_EQ(table.query("Y", "X", 3), 30);
}

TEST(ConsumerOffsetTable, FailedWriteIsRetriedByTheNextPersist) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path() + "/store");
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  write_file(dir.file("store/config"), "blocker");  // a file where the directory should be
  table.commit("G", "T", 0, 1);
  EXPECT_EQ(table.persist().code(), sdk::StatusCode::kIoError);
  std::filesystem::remove(dir.path() + "/store/config");
  ASSERT_TRUE(table.persist().is_ok());
  EXPECT_EQ(mq::test::read_file(table.file_path()), R"({"offsetTable":{"T@G":{0:1}}})");
}

TEST(ConsumerOffsetTable, ConcurrentCommitsQueriesAndPersists) {
  mq::test::TempDir dir;
  const BrokerConfig config = config_in(dir.path());
  ConsumerOffsetTable table(config);
  ASSERT_TRUE(table.load().is_ok());
  constexpr int kThreads = 4;
  constexpr int kCommits = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string group = "G" + std::to_string(t);
      for (int i = 1; i <= kCommits; ++i) {
        table.commit(group, "T", i % 8, i);
        table.commit("shared", "T", t, i);
        const auto seen = table.query(group, "T", i % 8);
        EXPECT_TRUE(seen.has_value());
        if (i % 100 == 0) {
          EXPECT_TRUE(table.persist().is_ok());
          (void)table.groups_of_topic("T");
          (void)table.topics_of_group(group);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(table.persist().is_ok());
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(table.query("shared", "T", t), kCommits);
    EXPECT_EQ(table.query("G" + std::to_string(t), "T", kCommits % 8), kCommits);
  }
  ConsumerOffsetTable reloaded(config);
  ASSERT_TRUE(reloaded.load().is_ok());
  EXPECT_EQ(reloaded.to_json(), table.to_json());
  EXPECT_EQ(reloaded.groups_of_topic("T").size(), kThreads + 1u);
}

}  // namespace
}  // namespace mq::core
