// PropertiesFile: java.util.Properties syntax, one test per rule, plus junk that must not crash.
#include "config/properties_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace mq::core {
namespace {

PropertiesFile parse(std::string_view text) { return PropertiesFile::parse(text, "t.properties"); }

std::string value_of(const PropertiesFile& file, std::string_view key) {
  const PropertyEntry* entry = file.find(key);
  return entry == nullptr ? "<missing>" : entry->value;
}

int line_of(const PropertiesFile& file, std::string_view key) {
  const PropertyEntry* entry = file.find(key);
  return entry == nullptr ? -1 : entry->line;
}

TEST(PropertiesFile, AcceptsEqualsColonAndBlankSeparators) {
  auto f = parse("a=1\nb: 2\nc 3\nd=\ne\nf = = x\ng:=x\nh  =  v\n\tindented=yes\n");
  EXPECT_EQ(value_of(f, "a"), "1");
  EXPECT_EQ(value_of(f, "b"), "2");
  EXPECT_EQ(value_of(f, "c"), "3");
  EXPECT_EQ(value_of(f, "d"), "");
  EXPECT_EQ(value_of(f, "e"), "");
  EXPECT_EQ(value_of(f, "f"), "= x");  // only the first separator is one
  EXPECT_EQ(value_of(f, "g"), "=x");
  EXPECT_EQ(value_of(f, "h"), "v");
  EXPECT_EQ(value_of(f, "indented"), "yes");
  EXPECT_EQ(f.entries().size(), 9u);
}

TEST(PropertiesFile, SkipsCommentsAndBlankLinesButCountsThem) {
  auto f = parse("# comment\n! also a comment\n\n   # indented comment\n   \nkey=value\n");
  ASSERT_EQ(f.entries().size(), 1u);
  EXPECT_EQ(f.entries()[0].key, "key");
  EXPECT_EQ(f.entries()[0].line, 6);
  EXPECT_EQ(f.entries()[0].file, "t.properties");
}

TEST(PropertiesFile, HashInsideValueIsNotAComment) {
  auto f = parse("k=a#b\n");
  EXPECT_EQ(value_of(f, "k"), "a#b");
}

TEST(PropertiesFile, TrimsUnescapedTrailingBlanksOnly) {
  auto f = parse("role=SLAVE  \t\nkept=value\\ \nmid=a  b\n");
  EXPECT_EQ(value_of(f, "role"), "SLAVE");
  EXPECT_EQ(value_of(f, "kept"), "value ");
  EXPECT_EQ(value_of(f, "mid"), "a  b");
}

TEST(PropertiesFile, JoinsContinuedLinesAndDropsTheirIndentation) {
  auto f = parse("list=a;\\\n    b;\\\n\tc\nnext=1\n");
  EXPECT_EQ(value_of(f, "list"), "a;b;c");
  EXPECT_EQ(line_of(f, "list"), 1);
  EXPECT_EQ(line_of(f, "next"), 4);
}

TEST(PropertiesFile, EvenNumberOfBackslashesDoesNotContinue) {
  auto f = parse("path=C:\\\\\nnext=1\n");
  EXPECT_EQ(value_of(f, "path"), "C:\\");
  EXPECT_EQ(line_of(f, "next"), 2);
}

TEST(PropertiesFile, ContinuationAtEndOfFileIsDropped) {
  auto f = parse("k=abc\\");
  EXPECT_EQ(value_of(f, "k"), "abc");
}

TEST(PropertiesFile, ContinuationOntoBlankLineEndsTheEntry) {
  auto f = parse("k=abc\\\n\nnext=1\n");
  EXPECT_EQ(value_of(f, "k"), "abc");
  EXPECT_EQ(line_of(f, "next"), 3);
}

TEST(PropertiesFile, CommentLinesNeverContinue) {
  auto f = parse("# a comment ending in a backslash \\\nkey=v\n");
  ASSERT_EQ(f.entries().size(), 1u);
  EXPECT_EQ(f.entries()[0].line, 2);
}

TEST(PropertiesFile, ContinuedLineStartingWithHashIsContent) {
  auto f = parse("k=a\\\n#b\n");
  EXPECT_EQ(value_of(f, "k"), "a#b");
}

TEST(PropertiesFile, ResolvesEscapes) {
  auto f = parse(
      "tab=a\\tb\nnl=a\\nb\ncr=a\\rb\nff=a\\fb\nother=\\q\\\\\\#\n"
      "cjk=\\u4e2d\\u6587\nupper=\\u00E9\nemoji=\\uD83D\\uDE00\nlone=\\uD800x\n");
  EXPECT_EQ(value_of(f, "tab"), "a\tb");
  EXPECT_EQ(value_of(f, "nl"), "a\nb");
  EXPECT_EQ(value_of(f, "cr"), "a\rb");
  EXPECT_EQ(value_of(f, "ff"), "a\fb");
  EXPECT_EQ(value_of(f, "other"), "q\\#");
  EXPECT_EQ(value_of(f, "cjk"), "\xE4\xB8\xAD\xE6\x96\x87");
  EXPECT_EQ(value_of(f, "upper"), "\xC3\xA9");
  EXPECT_EQ(value_of(f, "emoji"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(value_of(f, "lone"), "\xEF\xBF\xBDx");
  EXPECT_TRUE(f.warnings().empty());
}

TEST(PropertiesFile, EscapedSeparatorsBelongToTheKey) {
  auto f = parse("a\\=b=c\nx\\:y:z\nsp\\ ace=1\n");
  EXPECT_EQ(value_of(f, "a=b"), "c");
  EXPECT_EQ(value_of(f, "x:y"), "z");
  EXPECT_EQ(value_of(f, "sp ace"), "1");
}

TEST(PropertiesFile, MalformedUnicodeEscapeIsKeptWithAWarning) {
  auto f = parse("ok=1\nk=\\u12G4\n");
  EXPECT_EQ(value_of(f, "k"), "\\u12G4");
  ASSERT_EQ(f.warnings().size(), 1u);
  EXPECT_EQ(f.warnings()[0],
            "t.properties:2: malformed \\uXXXX escape (four hex digits expected); kept as written");
  auto short_escape = parse("k=\\u12");
  EXPECT_EQ(value_of(short_escape, "k"), "\\u12");
}

TEST(PropertiesFile, AcceptsCrlfAndCrLineEndings) {
  auto f = parse("a=1\r\nb=2\rc=3\n\r\nd=4");
  EXPECT_EQ(value_of(f, "a"), "1");
  EXPECT_EQ(value_of(f, "b"), "2");
  EXPECT_EQ(value_of(f, "c"), "3");
  EXPECT_EQ(line_of(f, "a"), 1);
  EXPECT_EQ(line_of(f, "b"), 2);
  EXPECT_EQ(line_of(f, "c"), 3);
  EXPECT_EQ(line_of(f, "d"), 5);
  auto continued = parse("k=a\\\r\n  b\r\n");
  EXPECT_EQ(value_of(continued, "k"), "ab");
}

TEST(PropertiesFile, SkipsUtf8ByteOrderMark) {
  auto f = parse(
      "\xEF\xBB\xBF"
      "brokerName=x\n");
  EXPECT_EQ(value_of(f, "brokerName"), "x");
}

TEST(PropertiesFile, LastDuplicateWinsAndEarlierOnesAreReported) {
  auto f = parse("a=1\nb=2\na=3\na=4\n");
  ASSERT_EQ(f.entries().size(), 2u);
  EXPECT_EQ(f.entries()[0].key, "a");  // position of first appearance
  EXPECT_EQ(f.entries()[0].value, "4");
  EXPECT_EQ(f.entries()[0].line, 4);
  ASSERT_EQ(f.duplicates().size(), 2u);
  EXPECT_EQ(f.duplicates()[0].line, 1);
  EXPECT_EQ(f.duplicates()[0].value, "1");
  EXPECT_EQ(f.duplicates()[1].line, 3);
}

TEST(PropertiesFile, SetReplacesWithoutReportingADuplicate) {
  auto f = parse("a=1\n");
  f.set(PropertyEntry{"a", "2", "<command line>", 0});
  f.set(PropertyEntry{"b", "3", "<command line>", 0});
  EXPECT_EQ(value_of(f, "a"), "2");
  EXPECT_EQ(value_of(f, "b"), "3");
  EXPECT_TRUE(f.duplicates().empty());
  EXPECT_EQ(f.entries().size(), 2u);
}

TEST(PropertiesFile, EntryLocationOmitsLineZero) {
  EXPECT_EQ(entry_location(PropertyEntry{"k", "v", "f.properties", 7}), "f.properties:7");
  EXPECT_EQ(entry_location(PropertyEntry{"k", "v", "<command line>", 0}), "<command line>");
}

TEST(PropertiesFile, EscapedTextReadsBackUnchanged) {
  const std::string values[] = {" leading",  "trailing ", "back\\slash", "tab\there",
                                "new\nline", "=:#!",      "ctl\x01",     "\xE4\xB8\xAD"};
  for (const auto& value : values) {
    const std::string key = "we:ird key=" + value.substr(0, 2);
    const std::string text =
        escape_property_text(key, true) + "=" + escape_property_text(value, false) + "\n";
    auto f = parse(text);
    ASSERT_EQ(f.entries().size(), 1u) << text;
    EXPECT_EQ(f.entries()[0].key, key) << text;
    EXPECT_EQ(f.entries()[0].value, value) << text;
  }
  auto leading_hash = parse(escape_property_text("#key", true) + "=v");
  EXPECT_EQ(value_of(leading_hash, "#key"), "v");
}

TEST(PropertiesFile, BinaryJunkParsesWithoutCrashing) {
  std::mt19937 rng(20240611);
  const std::string alphabet = std::string("\\u=: \t\f\r\n#!aZ09\xFF\x80") + std::string(1, '\0');
  for (int round = 0; round < 3000; ++round) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) {
      c = (rng() % 3 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    auto f = parse(junk);
    for (const auto& entry : f.entries()) {
      EXPECT_GE(entry.line, 1);
      EXPECT_EQ(f.find(entry.key), &entry);
    }
  }
}

TEST(PropertiesFile, LoadReportsMissingFileAndDirectory) {
  auto missing = PropertiesFile::load("/nonexistent-dir/broker.properties");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), sdk::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "cannot read /nonexistent-dir/broker.properties: No such file or directory");

  auto directory = PropertiesFile::load(MQ_TEST_DATA_DIR);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), sdk::StatusCode::kIoError);
  EXPECT_NE(directory.status().message().find("is a directory"), std::string::npos);
}

TEST(PropertiesFile, LoadReadsAFileAndKeepsItsName) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mq-config-test-" + std::to_string(::getpid()) + ".properties");
  {
    std::ofstream out(path, std::ios::binary);
    out << "# header\r\nbrokerName=broker-a\r\n";
  }
  auto loaded = PropertiesFile::load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->file_name(), path.string());
  ASSERT_EQ(loaded->entries().size(), 1u);
  EXPECT_EQ(loaded->entries()[0].value, "broker-a");
  EXPECT_EQ(loaded->entries()[0].line, 2);
  EXPECT_EQ(loaded->entries()[0].file, path.string());
}

TEST(PropertiesFile, LoadsTheUserGuideFileWithChineseComments) {
  auto loaded =
      PropertiesFile::load(std::string(MQ_TEST_DATA_DIR) + "/user-guide/broker-a.properties");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(value_of(*loaded, "brokerRole"), "SYNC_MASTER");
  EXPECT_EQ(line_of(*loaded, "brokerRole"), 51);
  EXPECT_EQ(loaded->entries().size(), 22u);
  EXPECT_TRUE(loaded->duplicates().empty());
}

}  // namespace
}  // namespace mq::core
