// FrameSplitter in isolation: one test per way a length-prefixed stream can arrive or be wrong.
#include "frame_splitter.h"

#include "mq/sdk/bytes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mq::transport_tcp {
namespace {

constexpr std::uint64_t kMax = 1024;

// Built by copying into a sized vector: vector::insert trips GCC 12's -Warray-bounds at -O2.
std::vector<std::uint8_t> wire(std::string_view body) {
  const LengthPrefix prefix = encode_length_prefix(static_cast<std::uint32_t>(body.size()));
  std::vector<std::uint8_t> out(prefix.size() + body.size());
  std::copy(prefix.begin(), prefix.end(), out.begin());
  std::copy(body.begin(), body.end(), out.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return out;
}

std::vector<std::uint8_t> concat(const std::vector<std::uint8_t>& a,
                                 const std::vector<std::uint8_t>& b) {
  std::vector<std::uint8_t> out(a.size() + b.size());
  std::copy(a.begin(), a.end(), out.begin());
  std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(a.size()));
  return out;
}

std::vector<std::uint8_t> prefix_only(std::uint32_t length) {
  const LengthPrefix prefix = encode_length_prefix(length);
  return {prefix.begin(), prefix.end()};
}

std::string text(const sdk::Bytes& bytes) { return std::string(bytes.as_string_view()); }

// Feeds everything, collecting frames; stops at the first rejection.
struct Collected {
  std::vector<std::string> frames;
  SplitResult last = SplitResult::kNeedMore;
};

Collected feed_all(FrameSplitter& splitter, const std::vector<std::uint8_t>& bytes) {
  Collected out;
  sdk::ByteView input(bytes.data(), bytes.size());
  for (;;) {
    out.last = splitter.feed(input);
    if (out.last == SplitResult::kFrameReady) {
      out.frames.push_back(text(splitter.take_frame()));
      continue;
    }
    if (out.last != SplitResult::kNeedMore || input.empty()) return out;
  }
}

TEST(FrameSplitterTest, PrefixIsBigEndian) {
  const LengthPrefix prefix = encode_length_prefix(0x01020304);
  EXPECT_EQ(prefix[0], 0x01);
  EXPECT_EQ(prefix[3], 0x04);
  EXPECT_EQ(decode_length_prefix(prefix), 0x01020304u);
}

TEST(FrameSplitterTest, SplitsFramesArrivingTogether) {
  FrameSplitter splitter(kMax);
  const std::vector<std::uint8_t> bytes = concat(wire("abcd"), wire("0123456789"));
  const Collected got = feed_all(splitter, bytes);
  EXPECT_EQ(got.frames, (std::vector<std::string>{"abcd", "0123456789"}));
  EXPECT_EQ(got.last, SplitResult::kNeedMore);
  EXPECT_FALSE(splitter.mid_frame());
}

TEST(FrameSplitterTest, ReassemblesAFrameFedOneByteAtATime) {
  FrameSplitter splitter(kMax);
  const std::vector<std::uint8_t> bytes = wire("header+body");
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    sdk::ByteView one(&bytes[i], 1);
    const SplitResult result = splitter.feed(one);
    EXPECT_TRUE(one.empty());
    if (i + 1 < bytes.size()) {
      EXPECT_EQ(result, SplitResult::kNeedMore) << "at byte " << i;
      EXPECT_TRUE(splitter.mid_frame());
    } else {
      ASSERT_EQ(result, SplitResult::kFrameReady);
      frames.push_back(text(splitter.take_frame()));
    }
  }
  EXPECT_EQ(frames, std::vector<std::string>{"header+body"});
}

TEST(FrameSplitterTest, ReadsABodyStraightIntoTheFrame) {
  FrameSplitter splitter(kMax);
  const std::vector<std::uint8_t> head = prefix_only(8);
  sdk::ByteView input(head.data(), head.size());
  EXPECT_EQ(splitter.feed(input), SplitResult::kNeedMore);
  std::span<std::uint8_t> space = splitter.body_space();
  ASSERT_EQ(space.size(), 8u);  // allocated at exactly the frame size
  std::memcpy(space.data(), "0123", 4);
  splitter.commit_body(4);
  EXPECT_FALSE(splitter.frame_ready());
  space = splitter.body_space();
  ASSERT_EQ(space.size(), 4u);
  std::memcpy(space.data(), "4567", 4);
  splitter.commit_body(4);
  ASSERT_TRUE(splitter.frame_ready());
  EXPECT_TRUE(splitter.body_space().empty());
  sdk::Bytes frame = splitter.take_frame();
  EXPECT_EQ(frame.size(), 8u);
  EXPECT_EQ(text(frame), "01234567");
}

TEST(FrameSplitterTest, AFinishedFrameBlocksFurtherInputUntilTaken) {
  FrameSplitter splitter(kMax);
  const std::vector<std::uint8_t> bytes = concat(wire("aaaa"), wire("bbbb"));
  sdk::ByteView input(bytes.data(), bytes.size());
  ASSERT_EQ(splitter.feed(input), SplitResult::kFrameReady);
  const std::size_t left = input.size();
  EXPECT_EQ(splitter.feed(input), SplitResult::kFrameReady);
  EXPECT_EQ(input.size(), left);
  EXPECT_EQ(text(splitter.take_frame()), "aaaa");
  ASSERT_EQ(splitter.feed(input), SplitResult::kFrameReady);
  EXPECT_EQ(text(splitter.take_frame()), "bbbb");
}

TEST(FrameSplitterTest, AcceptsTheSmallestAndLargestLengths) {
  FrameSplitter splitter(kMax);
  const std::string largest(kMax - kLengthPrefixBytes, 'x');
  const std::vector<std::uint8_t> bytes = concat(wire("1234"), wire(largest));
  const Collected got = feed_all(splitter, bytes);
  ASSERT_EQ(got.frames.size(), 2u);
  EXPECT_EQ(got.frames[0], "1234");
  EXPECT_EQ(got.frames[1], largest);
}

TEST(FrameSplitterTest, RejectsALengthOverTheLimitCountingThePrefix) {
  FrameSplitter splitter(kMax);
  const Collected got = feed_all(splitter, prefix_only(kMax - kLengthPrefixBytes + 1));
  EXPECT_EQ(got.last, SplitResult::kLengthTooLarge);
  EXPECT_EQ(splitter.declared_length(), kMax - kLengthPrefixBytes + 1);
  EXPECT_TRUE(splitter.body_space().empty());
}

TEST(FrameSplitterTest, RejectsTheLargestPrefixWithoutAllocating) {
  FrameSplitter splitter(16 * 1024 * 1024);
  const Collected got = feed_all(splitter, prefix_only(0xFFFFFFFFu));
  EXPECT_EQ(got.last, SplitResult::kLengthTooLarge);
  EXPECT_EQ(splitter.declared_length(), 0xFFFFFFFFu);
}

TEST(FrameSplitterTest, RejectsALengthBelowTheHeaderWord) {
  for (std::uint32_t length = 0; length < kMinFrameLength; ++length) {
    FrameSplitter splitter(kMax);
    const Collected got = feed_all(splitter, prefix_only(length));
    EXPECT_EQ(got.last, SplitResult::kLengthTooSmall) << "length " << length;
  }
}

TEST(FrameSplitterTest, StaysRejectedAfterABadPrefix) {
  FrameSplitter splitter(kMax);
  const std::vector<std::uint8_t> bytes = concat(prefix_only(1), wire("good"));
  sdk::ByteView input(bytes.data(), bytes.size());
  EXPECT_EQ(splitter.feed(input), SplitResult::kLengthTooSmall);
  EXPECT_EQ(splitter.feed(input), SplitResult::kLengthTooSmall);
}

TEST(FrameSplitterTest, ReportsAPartialFrame) {
  FrameSplitter splitter(kMax);
  EXPECT_FALSE(splitter.mid_frame());
  std::vector<std::uint8_t> bytes = wire("0123456789");
  bytes.resize(7);  // prefix + 3 body bytes
  const Collected got = feed_all(splitter, bytes);
  EXPECT_EQ(got.last, SplitResult::kNeedMore);
  EXPECT_TRUE(got.frames.empty());
  EXPECT_TRUE(splitter.mid_frame());
  EXPECT_EQ(splitter.bytes_received(), 7u);
}

}  // namespace
}  // namespace mq::transport_tcp
