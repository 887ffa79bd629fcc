// The client's message formats, allocation and filters, without any network.
#include "message_codec.h"

#include "client_instance.h"
#include "mq/client/message.h"

#include "mq/sdk/stored_record.h"

#include <gtest/gtest.h>

#include <vector>

namespace mq::client {
namespace {

TEST(Properties, EncodeHasNoTrailingSeparatorAndRoundTrips) {
  const std::map<std::string, std::string> in{{"KEYS", "k1 k2"}, {"TAGS", "TagA"}};
  const std::string text = encode_properties(in);
  EXPECT_EQ(text, std::string("KEYS\x01k1 k2\x02TAGS\x01TagA"));
  EXPECT_EQ(decode_properties(text), in);
}

TEST(Properties, DecodeAcceptsTrailingSeparatorAndDropsEmptyEntries) {
  const auto out =
      decode_properties(std::string("A\x01"
                                    "1\x02\x02=\x01\x02"
                                    "B\x01\x02"
                                    "C\x01x\x01y\x02"));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(out.at("A"), "1");
  EXPECT_EQ(out.at("C"), std::string("x\x01y"));
}

TEST(Properties, OutgoingCarriesSystemKeys) {
  Message message{.topic = "T",
                  .tags = "TagA",
                  .keys = "k",
                  .body = "b",
                  .properties = {{"u", "v"}},
                  .delay_level = 3};
  const auto out = outgoing_properties(message, "ID");
  EXPECT_EQ(out.at("TAGS"), "TagA");
  EXPECT_EQ(out.at("KEYS"), "k");
  EXPECT_EQ(out.at("DELAY"), "3");
  EXPECT_EQ(out.at("WAIT"), "true");
  EXPECT_EQ(out.at("UNIQ_KEY"), "ID");
  EXPECT_EQ(out.at("u"), "v");
}

TEST(Properties, DirectEncodingEqualsTheMapEncoding) {
  const std::vector<Message> messages{
      {.topic = "T", .body = "b"},
      {.topic = "T", .tags = "TagA", .body = "b"},
      {.topic = "T", .tags = "A", .keys = "k1 k2", .body = "b", .delay_level = 3},
      {.topic = "T", .keys = "only-keys", .body = "b"},
      {.topic = "T", .tags = "A", .body = "b", .properties = {{"user", "v"}, {"ZED", "z"}}},
  };
  for (const auto& message : messages) {
    for (const std::string id : {"", "7F0000010001ABCD"}) {
      EXPECT_EQ(encode_outgoing_properties(message, id),
                encode_properties(outgoing_properties(message, id)));
    }
  }
}

TEST(Zlib, RoundTripIsAZlibStream) {
  const std::string data(10000, 'x');
  auto packed = zlib_compress(data, 5);
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(static_cast<unsigned char>(packed.value()[0]), 0x78);
  auto unpacked = zlib_inflate(packed.value());
  ASSERT_TRUE(unpacked.ok());
  EXPECT_EQ(unpacked.value(), data);
}

TEST(Zlib, TruncatedStreamIsCorruption) {
  auto packed = zlib_compress(std::string(5000, 'y'), 5);
  ASSERT_TRUE(packed.ok());
  auto unpacked = zlib_inflate(std::string_view(packed.value()).substr(0, 6));
  EXPECT_EQ(unpacked.status().code(), sdk::StatusCode::kCorruption);
  EXPECT_EQ(zlib_inflate("not zlib").status().code(), sdk::StatusCode::kCorruption);
}

TEST(UniqueId, Is32UpperHexAndDistinct) {
  const std::string a = next_unique_message_id();
  const std::string b = next_unique_message_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << a;
}

TEST(BatchBody, RecordLayout) {
  std::vector<Message> messages{{.topic = "T", .body = "abc"},
                                {.topic = "T", .body = "de", .flag = 7}};
  auto body = encode_batch_body(messages, {"U1", "U2"});
  ASSERT_TRUE(body.ok());
  const auto* p = reinterpret_cast<const std::uint8_t*>(body.value().data());
  const std::string props1 = encode_properties(outgoing_properties(messages[0], "U1"));
  const auto total1 = static_cast<std::size_t>(sdk::record::get_i32(p));
  EXPECT_EQ(total1, 22 + 3 + props1.size());
  EXPECT_EQ(sdk::record::get_i32(p + 4), 0);  // magic
  EXPECT_EQ(sdk::record::get_i32(p + 8), 0);  // crc
  EXPECT_EQ(sdk::record::get_i32(p + 16), 3);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p + 20), 3), "abc");
  EXPECT_EQ(sdk::record::get_i32(p + total1 + 12), 7);  // flag of the second
  EXPECT_EQ(body.value().size(),
            total1 + 22 + 2 + encode_properties(outgoing_properties(messages[1], "U2")).size());
}

TEST(TagFilter, ParsesJavaStyleExpressions) {
  auto all = TagFilter::parse(" * ");
  EXPECT_TRUE(all.all);
  EXPECT_EQ(all.expression, "*");
  EXPECT_TRUE(TagFilter::parse("").all);
  auto some = TagFilter::parse("TagA || TagB ||  ");
  EXPECT_FALSE(some.all);
  EXPECT_EQ(some.tags, (std::vector<std::string>{"TagA", "TagB"}));
  EXPECT_EQ(some.codes[0], 2598919);
  EXPECT_TRUE(some.matches("TagB"));
  EXPECT_FALSE(some.matches("TagC"));
  EXPECT_FALSE(some.matches(""));
}

std::vector<MessageQueue> queues(int n) {
  std::vector<MessageQueue> out;
  for (int i = 0; i < n; ++i) out.push_back({"T", "b", i});
  return out;
}

TEST(Allocate, AverageRangesWithRemainderFirst) {
  const std::vector<std::string> ids{"a", "b", "c"};
  auto a = allocate_averagely(queues(8), ids, "a");
  auto b = allocate_averagely(queues(8), ids, "b");
  auto c = allocate_averagely(queues(8), ids, "c");
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(a.front().queue_id, 0);
  EXPECT_EQ(b.front().queue_id, 3);
  EXPECT_EQ(c.front().queue_id, 6);
  EXPECT_EQ(c.back().queue_id, 7);
}

TEST(Allocate, MoreConsumersThanQueuesAndUnknownSelf) {
  const std::vector<std::string> ids{"a", "b", "c"};
  EXPECT_EQ(allocate_averagely(queues(2), ids, "a").size(), 1u);
  EXPECT_EQ(allocate_averagely(queues(2), ids, "b").front().queue_id, 1);
  EXPECT_TRUE(allocate_averagely(queues(2), ids, "c").empty());
  EXPECT_TRUE(allocate_averagely(queues(2), ids, "zzz").empty());
}

TEST(DecodeMessages, InflatesAndFillsIds) {
  auto packed = zlib_compress(std::string(5000, 'z'), 5);
  ASSERT_TRUE(packed.ok());
  sdk::record::StoredRecord record;
  record.queue_id = 2;
  record.queue_offset = 9;
  record.physical_offset = 0x97;
  record.sys_flag = kSysFlagCompressed;
  record.store_host.ip[0] = 127;
  record.store_host.ip[3] = 1;
  record.store_host.port = 20911;
  record.reconsume_times = 1;
  record.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(packed.value().data()),
                              packed.value().size());
  record.topic = "TopicTest";
  const std::string properties = std::string("TAGS\x01TagA\x02UNIQ_KEY\x01U1");
  record.properties = properties;
  std::vector<std::uint8_t> buffer(sdk::record::encoded_size(record) * 2);
  const std::size_t one = sdk::record::encode_record(record, buffer);
  ASSERT_GT(one, 0u);
  record.sys_flag = 0;
  record.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>("raw"), 3);
  record.properties = "";
  const std::size_t two =
      sdk::record::encode_record(record, std::span<std::uint8_t>(buffer).subspan(one));
  ASSERT_GT(two, 0u);
  auto decoded = decode_messages(std::span<const std::uint8_t>(buffer.data(), one + two), "b");
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), 2u);
  const auto& first = decoded.value()[0];
  EXPECT_EQ(first.body, std::string(5000, 'z'));
  EXPECT_EQ(first.tags, "TagA");
  EXPECT_EQ(first.msg_id, "U1");
  EXPECT_EQ(first.offset_msg_id, "7F000001000051AF0000000000000097");
  EXPECT_EQ(first.store_host, "127.0.0.1:20911");
  EXPECT_EQ(first.queue_id, 2);
  EXPECT_EQ(first.queue_offset, 9);
  EXPECT_EQ(first.reconsume_times, 1);
  EXPECT_EQ(first.broker_name, "b");
  EXPECT_EQ(decoded.value()[1].body, "raw");
  EXPECT_EQ(decoded.value()[1].msg_id, decoded.value()[1].offset_msg_id);
}

TEST(DecodeMessages, GarbageIsCorruption) {
  const std::uint8_t junk[12] = {0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(decode_messages(junk).status().code(), sdk::StatusCode::kCorruption);
}

}  // namespace
}  // namespace mq::client
