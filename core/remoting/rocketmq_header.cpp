#include "remoting/rocketmq_header.h"

#include "remoting/byte_order.h"
#include "remoting/byte_reader.h"

#include <cstdint>
#include <string_view>

namespace mq::core {

namespace {

sdk::Status corrupt(std::string message) {
  return sdk::Status(sdk::StatusCode::kCorruption, "binary header: " + std::move(message));
}

std::string sizes(std::int64_t length, std::size_t available) {
  return std::to_string(length) + " with " + std::to_string(available) + " bytes left";
}

sdk::Status decode_ext_fields(sdk::ByteView block, ExtFields& out) {
  ByteReader reader(block);
  while (reader.remaining() > 0) {
    const std::size_t entry_offset = reader.offset();
    std::uint16_t key_length_bits = 0;
    if (!reader.read_be16(key_length_bits)) {
      return corrupt("extFields entry at " + std::to_string(entry_offset) +
                     " is cut inside its key length");
    }
    const auto key_length = static_cast<std::int16_t>(key_length_bits);
    std::string_view key;
    if (key_length < 0 || !reader.read_text(static_cast<std::size_t>(key_length), key)) {
      return corrupt("extFields key length " + sizes(key_length, reader.remaining()));
    }
    std::uint32_t value_length_bits = 0;
    if (!reader.read_be32(value_length_bits)) {
      return corrupt("extFields entry at " + std::to_string(entry_offset) +
                     " is cut inside its value length");
    }
    const auto value_length = static_cast<std::int32_t>(value_length_bits);
    std::string_view value;
    if (value_length < 0 || !reader.read_text(static_cast<std::size_t>(value_length), value)) {
      return corrupt("extFields value length " + sizes(value_length, reader.remaining()));
    }
    if (key.empty() || value.empty()) continue;  // null key or value: no entry
    out.insert_or_assign(key, std::string(value));
  }
  return sdk::Status::ok();
}

}  // namespace

sdk::Status decode_rocketmq_header(sdk::ByteView header, RemotingCommand& command) {
  if (header.size() < kRocketMqHeaderFixedBytes) {
    return corrupt("is " + std::to_string(header.size()) + " bytes, shorter than the " +
                   std::to_string(kRocketMqHeaderFixedBytes) + "-byte fixed part");
  }
  ByteReader reader(header);
  std::uint16_t code = 0;
  std::uint8_t language = 0;
  std::uint16_t version = 0;
  std::uint32_t opaque = 0;
  std::uint32_t flag = 0;
  std::uint32_t remark_length_bits = 0;
  // The size check above covers these six reads.
  (void)reader.read_be16(code);
  (void)reader.read_u8(language);
  (void)reader.read_be16(version);
  (void)reader.read_be32(opaque);
  (void)reader.read_be32(flag);
  (void)reader.read_be32(remark_length_bits);
  command.code = static_cast<std::int16_t>(code);
  command.language = language <= static_cast<std::uint8_t>(LanguageCode::kRust)
                         ? static_cast<LanguageCode>(language)
                         : LanguageCode::kOther;
  command.version = static_cast<std::int16_t>(version);
  command.opaque = static_cast<std::int32_t>(opaque);
  command.flag = static_cast<std::int32_t>(flag);

  const auto remark_length = static_cast<std::int32_t>(remark_length_bits);
  command.remark.reset();
  if (remark_length != 0) {
    std::string_view remark;
    if (remark_length < 0 || static_cast<std::size_t>(remark_length) > header.size() ||
        !reader.read_text(static_cast<std::size_t>(remark_length), remark)) {
      return corrupt("remarkLen " + sizes(remark_length, reader.remaining()));
    }
    command.remark = std::string(remark);
  }

  std::uint32_t ext_length_bits = 0;
  if (!reader.read_be32(ext_length_bits)) return corrupt("is cut inside extLen");
  const auto ext_length = static_cast<std::int32_t>(ext_length_bits);
  command.ext_fields.clear();
  if (ext_length == 0) return sdk::Status::ok();
  sdk::ByteView block;
  if (ext_length < 0 || static_cast<std::size_t>(ext_length) > header.size() ||
      !reader.read_bytes(static_cast<std::size_t>(ext_length), block)) {
    return corrupt("extLen " + sizes(ext_length, reader.remaining()));
  }
  return decode_ext_fields(block, command.ext_fields);
}

void encode_rocketmq_header(const RemotingCommand& command, std::string& out) {
  append_be16(out, static_cast<std::uint16_t>(command.code));
  out.push_back(static_cast<char>(command.language));
  append_be16(out, static_cast<std::uint16_t>(command.version));
  append_be32(out, static_cast<std::uint32_t>(command.opaque));
  append_be32(out, static_cast<std::uint32_t>(command.flag));
  if (command.remark && !command.remark->empty()) {
    append_be32(out, static_cast<std::uint32_t>(command.remark->size()));
    out += *command.remark;
  } else {
    append_be32(out, 0);
  }
  const std::size_t ext_length_at = out.size();
  append_be32(out, 0);  // patched below
  for (const auto& [key, value] : command.ext_fields) {
    if (key.empty() || key.size() > 0x7FFF) continue;
    append_be16(out, static_cast<std::uint16_t>(key.size()));
    out += key;
    append_be32(out, static_cast<std::uint32_t>(value.size()));
    out += value;
  }
  const std::size_t ext_length = out.size() - ext_length_at - 4;
  store_be32(reinterpret_cast<std::uint8_t*>(out.data() + ext_length_at),
             static_cast<std::uint32_t>(ext_length));
}

}  // namespace mq::core
