// mq/sdk/stored_record.h: the §5.1 layout, CRC32, message ids, properties and tag codes.
#include "mq/sdk/stored_record.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

namespace record = mq::sdk::record;
using mq::sdk::ByteView;

namespace {

ByteView bytes_of(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

record::StoredRecord sample(std::string_view body, std::string_view topic,
                            std::string_view properties) {
  record::StoredRecord r;
  r.queue_id = 3;
  r.flag = 9;
  r.queue_offset = 42;
  r.physical_offset = 4096;
  r.sys_flag = record::kSysFlagCompressed;
  r.born_timestamp_ms = 1700000000123;
  r.born_host.ip[0] = 192;
  r.born_host.ip[1] = 168;
  r.born_host.ip[3] = 7;
  r.born_host.port = 51000;
  r.store_timestamp_ms = 1700000000456;
  r.store_host.ip[0] = 127;
  r.store_host.ip[3] = 1;
  r.store_host.port = 10911;
  r.reconsume_times = 2;
  r.prepared_transaction_offset = 77;
  r.body = bytes_of(body);
  r.topic = topic;
  r.properties = properties;
  return r;
}

}  // namespace

TEST(StoredRecord, Crc32MatchesZlib) {
  EXPECT_EQ(record::crc32(bytes_of("123456789")), 0xCBF43926u);
  EXPECT_EQ(record::crc32(bytes_of("")), 0u);
  // Continuing a CRC over two parts equals the CRC of the whole.
  EXPECT_EQ(record::crc32(bytes_of("6789"), record::crc32(bytes_of("12345"))), 0xCBF43926u);
  EXPECT_EQ(record::body_crc(bytes_of("123456789")), static_cast<std::int32_t>(0x4BF43926));
}

// Every path (carry-less multiplication, slicing-by-8, byte at a time) against zlib, at every
// length up to a few blocks past each path's threshold and at unaligned starts.
TEST(StoredRecord, Crc32FastPathsMatchZlibAtEveryLengthAndAlignment) {
  std::vector<std::uint8_t> data(4096 + 16);
  std::uint32_t seed = 12345;
  for (auto& byte : data) {
    seed = seed * 1103515245u + 12345u;
    byte = static_cast<std::uint8_t>(seed >> 16);
  }
  for (std::size_t offset = 0; offset < 16; offset += 3) {
    for (std::size_t length = 0; length <= 700; ++length) {
      const std::uint8_t* p = data.data() + offset;
      const auto expected = static_cast<std::uint32_t>(::crc32(0L, p, static_cast<uInt>(length)));
      ASSERT_EQ(record::crc32(mq::sdk::ByteView(p, length)), expected)
          << "length " << length << " offset " << offset;
      ASSERT_EQ(~record::detail::crc32_slice8(p, length, ~0u), expected) << "length " << length;
    }
  }
  for (std::size_t length : {1024u, 1025u, 1039u, 4095u, 4096u}) {
    const auto expected =
        static_cast<std::uint32_t>(::crc32(0L, data.data(), static_cast<uInt>(length)));
    EXPECT_EQ(record::crc32(mq::sdk::ByteView(data.data(), length)), expected) << length;
    // Continuing over a split at any point gives the CRC of the whole.
    const std::size_t split = length / 3;
    EXPECT_EQ(record::crc32(mq::sdk::ByteView(data.data() + split, length - split),
                            record::crc32(mq::sdk::ByteView(data.data(), split))),
              expected);
  }
}

TEST(StoredRecord, TagHashVectors) {
  EXPECT_EQ(record::java_string_hash("TagA"), 2598919);
  EXPECT_EQ(record::java_string_hash("null"), 3392903);
  EXPECT_EQ(record::java_string_hash("\xE8\xAE\xA2\xE5\x8D\x95"), 1129459);  // 订单
  EXPECT_EQ(record::tags_code(""), 0);
  // Java: "polygenelubricants".hashCode() == Integer.MIN_VALUE, stored sign-extended.
  EXPECT_EQ(record::tags_code("polygenelubricants"), -2147483648LL);
  // A supplementary character counts as two UTF-16 units: U+1F600 is D83D DE00.
  EXPECT_EQ(record::java_string_hash("\xF0\x9F\x98\x80"), 0xD83D * 31 + 0xDE00);
}

TEST(StoredRecord, EncodeIpv4MatchesTheDocumentedOffsets) {
  const std::string props = std::string("TAGS\x01TagA", 9);
  const auto r = sample("body!", "TopicX", props);
  std::vector<std::uint8_t> buffer(256, 0xEE);
  const std::size_t size = record::encode_record(r, buffer);
  ASSERT_EQ(size, 91u + 5 + 6 + props.size());
  const std::uint8_t* p = buffer.data();
  EXPECT_EQ(record::get_i32(p + 0), static_cast<std::int32_t>(size));
  EXPECT_EQ(record::get_u32(p + 4), 0xDAA320A7u);
  EXPECT_EQ(record::get_i32(p + 8), record::body_crc(bytes_of("body!")));
  EXPECT_EQ(record::get_i32(p + 12), 3);
  EXPECT_EQ(record::get_i32(p + 16), 9);
  EXPECT_EQ(record::get_i64(p + 20), 42);
  EXPECT_EQ(record::get_i64(p + 28), 4096);
  EXPECT_EQ(record::get_i32(p + 36), record::kSysFlagCompressed);
  EXPECT_EQ(record::get_i64(p + 40), 1700000000123);
  EXPECT_EQ(p[48], 192);
  EXPECT_EQ(p[49], 168);
  EXPECT_EQ(record::get_i32(p + 52), 51000);
  EXPECT_EQ(record::get_i64(p + 56), 1700000000456);
  EXPECT_EQ(p[64], 127);
  EXPECT_EQ(record::get_i32(p + 68), 10911);
  EXPECT_EQ(record::get_i32(p + 72), 2);
  EXPECT_EQ(record::get_i64(p + 76), 77);
  EXPECT_EQ(record::get_i32(p + 84), 5);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p + 88), 5), "body!");
  EXPECT_EQ(p[93], 6);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p + 94), 6), "TopicX");
  EXPECT_EQ((p[100] << 8) | p[101], static_cast<int>(props.size()));
  EXPECT_EQ(buffer[size], 0xEE) << "nothing written past the record";

  record::StoredRecord back;
  ASSERT_EQ(record::decode_record(ByteView(buffer.data(), size), &back, true),
            record::DecodeStatus::kOk);
  EXPECT_EQ(back.queue_offset, 42);
  EXPECT_EQ(back.store_timestamp_ms, 1700000000456);
  EXPECT_EQ(back.store_host.port, 10911);
  EXPECT_EQ(back.topic, "TopicX");
  EXPECT_EQ(back.properties, props);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(back.body.data()), back.body.size()),
            "body!");
}

TEST(StoredRecord, EncodeIpv6HostsSetsTheSysFlagBits) {
  auto r = sample("b", "T", "");
  r.born_host.ip_length = 16;
  r.born_host.ip[15] = 1;
  r.store_host.ip_length = 16;
  r.store_host.ip[15] = 2;
  std::vector<std::uint8_t> buffer(256);
  const std::size_t size = record::encode_record(r, buffer);
  ASSERT_EQ(size, 91u + 24 + 1 + 1);
  const std::int32_t sys_flag = record::get_i32(buffer.data() + 36);
  EXPECT_EQ(sys_flag,
            record::kSysFlagCompressed | record::kSysFlagBornHostV6 | record::kSysFlagStoreHostV6);
  EXPECT_EQ(record::store_timestamp_offset(sys_flag), 68u);
  EXPECT_EQ(record::get_i64(buffer.data() + 68), 1700000000456);
  record::StoredRecord back;
  ASSERT_EQ(record::decode_record(ByteView(buffer.data(), size), &back, true),
            record::DecodeStatus::kOk);
  EXPECT_EQ(back.born_host.ip_length, 16);
  EXPECT_EQ(back.born_host.ip[15], 1);
  EXPECT_EQ(back.store_host.ip[15], 2);
  EXPECT_EQ(back.store_host.port, 10911);
}

TEST(StoredRecord, EncodeRejectsWhatTheLayoutCannotHold) {
  std::vector<std::uint8_t> buffer(70000);
  const std::string long_topic(128, 't');
  EXPECT_EQ(record::encode_record(sample("b", long_topic, ""), buffer), 0u);
  EXPECT_EQ(record::encode_record(sample("b", "", ""), buffer), 0u);
  const std::string long_properties(32768, 'p');
  EXPECT_EQ(record::encode_record(sample("b", "T", long_properties), buffer), 0u);
  std::vector<std::uint8_t> small(50);
  EXPECT_EQ(record::encode_record(sample("b", "T", ""), small), 0u);
}

TEST(StoredRecord, DecodeReportsEachKindOfDamage) {
  std::vector<std::uint8_t> buffer(256);
  const std::size_t size = record::encode_record(sample("payload", "T", ""), buffer);
  record::StoredRecord out;
  EXPECT_EQ(record::decode_record(ByteView(buffer.data(), size - 1), &out, true),
            record::DecodeStatus::kTruncated);
  auto corrupt = buffer;
  corrupt[90] ^= 0x01;  // a body byte
  EXPECT_EQ(record::decode_record(ByteView(corrupt.data(), size), &out, true),
            record::DecodeStatus::kBadCrc);
  EXPECT_EQ(record::decode_record(ByteView(corrupt.data(), size), &out, false),
            record::DecodeStatus::kOk);
  corrupt = buffer;
  corrupt[4] = 0;
  EXPECT_EQ(record::decode_record(ByteView(corrupt.data(), size), &out, true),
            record::DecodeStatus::kBadMagic);
  corrupt = buffer;
  record::put_u32(corrupt.data(), static_cast<std::uint32_t>(size + 1));
  EXPECT_EQ(record::decode_record(ByteView(corrupt.data(), size + 1), &out, true),
            record::DecodeStatus::kBadSize);
  std::uint8_t filler[8];
  record::put_u32(filler, 100);
  record::put_u32(filler + 4, record::kBlankMagic);
  EXPECT_EQ(record::decode_record(ByteView(filler, 8), &out, true), record::DecodeStatus::kBlank);
  EXPECT_EQ(out.total_size, 100);
}

TEST(StoredRecord, OffsetMessageId) {
  mq::sdk::HostAddress host;
  host.ip[0] = 127;
  host.ip[3] = 1;
  host.port = 20911;
  EXPECT_EQ(record::offset_message_id(host, 0x97), "7F000001000051AF0000000000000097");
  mq::sdk::HostAddress parsed;
  std::int64_t offset = 0;
  ASSERT_TRUE(
      record::parse_offset_message_id("7f000001000051AF0000000000000097", &parsed, &offset));
  EXPECT_EQ(offset, 0x97);
  EXPECT_EQ(parsed.port, 20911);
  EXPECT_EQ(parsed.ip[0], 127);
  EXPECT_EQ(parsed.ip_length, 4);
  host.ip_length = 16;
  const std::string v6 = record::offset_message_id(host, 5);
  EXPECT_EQ(v6.size(), 56u);
  ASSERT_TRUE(record::parse_offset_message_id(v6, &parsed, &offset));
  EXPECT_EQ(parsed.ip_length, 16);
  EXPECT_EQ(offset, 5);
  EXPECT_FALSE(record::parse_offset_message_id("XYZ", &parsed, &offset));
  EXPECT_FALSE(record::parse_offset_message_id(std::string(32, 'G'), &parsed, &offset));
}

TEST(StoredRecord, FindProperty) {
  const std::string props(
      "TAGS\x01TagA\x02KEYS\x01k1 k2\x02"
      "EMPTY\x01\x02UNIQ_KEY\x01U1\x02");
  EXPECT_EQ(record::find_property(props, "TAGS"), "TagA");
  EXPECT_EQ(record::find_property(props, "KEYS"), "k1 k2");
  EXPECT_EQ(record::find_property(props, "UNIQ_KEY"), "U1");
  EXPECT_FALSE(record::find_property(props, "EMPTY").has_value());
  EXPECT_FALSE(record::find_property(props, "TAG").has_value());
  EXPECT_FALSE(record::find_property("", "TAGS").has_value());
}
