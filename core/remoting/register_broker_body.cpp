#include "remoting/register_broker_body.h"

#include "remoting/byte_order.h"
#include "remoting/byte_reader.h"
#include "remoting/json_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace mq::core {

namespace {

sdk::Status corrupt(std::string what) {
  return sdk::Status(sdk::StatusCode::kCorruption,
                     "compressed RegisterBrokerBody: " + std::move(what));
}

JsonValue string_array(const std::vector<std::string>& items) {
  JsonValue out = JsonValue::array();
  for (const auto& item : items) out.push_back(JsonValue::string(item));
  return out;
}

// Inflates a zlib stream; stops at its end (ignoring anything after it) or at the end of
// the input. A stream cut short is not an error here: the parts reader reports it.
sdk::Result<std::string> inflate_stream(sdk::ByteView data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "zlib inflateInit failed");
  }
  std::string out;
  std::size_t input_left = data.size();
  stream.next_in = const_cast<Bytef*>(data.data());
  int rc = Z_OK;
  constexpr std::size_t kChunk = std::size_t{64} * 1024;
  constexpr auto kMaxUInt = static_cast<std::size_t>(std::numeric_limits<uInt>::max());
  while (rc != Z_STREAM_END) {
    if (out.size() >= max_bytes) {
      inflateEnd(&stream);
      return corrupt("inflates to more than " + std::to_string(max_bytes) + " bytes");
    }
    if (stream.avail_in == 0) {
      if (input_left == 0) break;
      const std::size_t take = input_left < kMaxUInt ? input_left : kMaxUInt;
      stream.avail_in = static_cast<uInt>(take);
      input_left -= take;
    }
    const std::size_t used = out.size();
    const std::size_t room = std::min(kChunk, max_bytes - used);
    out.resize(used + room);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(room);
    rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(used + room - stream.avail_out);
    if (rc == Z_BUF_ERROR && stream.avail_in == 0 && input_left == 0) break;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      const std::string reason = stream.msg != nullptr ? stream.msg : "zlib error";
      inflateEnd(&stream);
      return corrupt(reason + " (zlib " + std::to_string(rc) + ")");
    }
  }
  inflateEnd(&stream);
  return out;
}

// Reads one length-prefixed part of the inflated stream.
bool read_part(ByteReader& reader, std::string_view& out) {
  std::uint32_t length_bits = 0;
  if (!reader.read_be32(length_bits)) return false;
  const auto length = static_cast<std::int32_t>(length_bits);
  if (length < 0) return false;
  return reader.read_text(static_cast<std::size_t>(length), out);
}

}  // namespace

JsonValue RegisterBrokerBody::to_json_value() const {
  JsonValue out = JsonValue::object();
  out.add("filterServerList", string_array(filter_server_list));
  out.add("topicConfigSerializeWrapper", topic_config_serialize_wrapper.to_json_value());
  return out;
}

std::string RegisterBrokerBody::to_json() const { return write_json(to_json_value()); }

sdk::Result<RegisterBrokerBody> RegisterBrokerBody::from_json_value(const JsonValue& value) {
  RegisterBrokerBody out;
  JsonFieldReader reader(value, "RegisterBrokerBody");
  if (const JsonValue* wrapper = reader.member("topicConfigSerializeWrapper")) {
    auto parsed = TopicConfigSerializeWrapper::from_json_value(*wrapper);
    if (!parsed.ok()) return parsed.status();
    out.topic_config_serialize_wrapper = std::move(*parsed);
  }
  reader.read("filterServerList", out.filter_server_list);
  if (!reader.ok()) return reader.status();
  return out;
}

sdk::Result<RegisterBrokerBody> RegisterBrokerBody::from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return parsed.status();
  return from_json_value(*parsed);
}

sdk::Result<sdk::Bytes> RegisterBrokerBody::encode_compressed() const {
  std::string plain;
  auto append_part = [&plain](std::string_view part) {
    append_be32(plain, static_cast<std::uint32_t>(part.size()));
    plain += part;
  };
  append_part(topic_config_serialize_wrapper.data_version.to_json());
  const auto& table = topic_config_serialize_wrapper.topic_config_table;
  append_be32(plain, static_cast<std::uint32_t>(table.size()));
  for (const auto& entry : table) append_part(entry.second.encode_compact());
  append_part(write_json(string_array(filter_server_list)));

  uLongf compressed_size = compressBound(static_cast<uLong>(plain.size()));
  sdk::Bytes out(compressed_size);
  const int rc =
      compress2(out.data(), &compressed_size, reinterpret_cast<const Bytef*>(plain.data()),
                static_cast<uLong>(plain.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted,
                       "zlib compress2 failed with " + std::to_string(rc));
  }
  out.shrink(compressed_size);
  return out;
}

sdk::Result<RegisterBrokerBody> RegisterBrokerBody::decode_compressed(
    sdk::ByteView data, std::size_t max_inflated_bytes) {
  auto inflated = inflate_stream(data, max_inflated_bytes);
  if (!inflated.ok()) return inflated.status();
  const std::string& plain = *inflated;
  ByteReader reader(
      sdk::ByteView(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()));

  RegisterBrokerBody out;
  std::string_view part;
  if (!read_part(reader, part)) return corrupt("DataVersion part is missing or cut short");
  auto version = DataVersion::from_json(part);
  if (!version.ok()) return corrupt(version.status().message());
  out.topic_config_serialize_wrapper.data_version = *version;

  std::uint32_t count_bits = 0;
  if (!reader.read_be32(count_bits)) return corrupt("topic count is missing");
  const auto count = static_cast<std::int32_t>(count_bits);
  // Each topic takes at least its 4-byte length, so a count beyond that cannot be honest.
  if (count < 0 || static_cast<std::size_t>(count) > reader.remaining() / 4) {
    return corrupt("topic count " + std::to_string(count) + " does not fit the data");
  }
  for (std::int32_t i = 0; i < count; ++i) {
    if (!read_part(reader, part)) {
      return corrupt("topic " + std::to_string(i) + " is missing or cut short");
    }
    auto config = TopicConfig::decode_compact(part);
    if (!config.ok()) return corrupt(config.status().message());
    auto& table = out.topic_config_serialize_wrapper.topic_config_table;
    table.insert_or_assign(config->topic_name, std::move(*config));
  }

  if (!read_part(reader, part)) return corrupt("filterServerList part is missing or cut short");
  auto list = parse_json(part);
  if (!list.ok()) return corrupt("filterServerList: " + list.status().message());
  if (!list->is_null() && !json_to_string_list(*list, out.filter_server_list)) {
    return corrupt("filterServerList is not an array of strings");
  }
  return out;
}

sdk::Result<sdk::Bytes> RegisterBrokerBody::encode(bool compressed) const {
  if (compressed) return encode_compressed();
  return sdk::Bytes::copy_of(std::string_view(to_json()));
}

sdk::Result<RegisterBrokerBody> RegisterBrokerBody::decode(sdk::ByteView data, bool compressed) {
  if (compressed) return decode_compressed(data);
  return from_json(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

}  // namespace mq::core
