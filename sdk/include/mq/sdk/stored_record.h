// The RocketMQ 4.x stored message record (remoting-protocol.md §5.1): encoding, decoding and the
// small functions every party that touches stored bytes needs (body CRC, offset message id,
// properties lookup, tag hash code).
//
// Header-only, standard library only. Store plugins write records with encode_record(); the core
// and replication code read them with decode_record(). All multi-byte integers are big-endian.
// Every function is pure and thread-safe.
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/crc32.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mq::sdk {

// An IPv4 or IPv6 address with a port, as the record's BORNHOST/STOREHOST carry it.
struct HostAddress {
  std::uint8_t ip[16] = {};
  std::uint8_t ip_length = 4;  // 4 or 16
  std::int32_t port = 0;
};

namespace record {

inline constexpr std::uint32_t kMessageMagic = 0xDAA320A7u;  // MESSAGE_MAGIC_CODE
inline constexpr std::uint32_t kBlankMagic = 0xCBD43194u;    // BLANK_MAGIC_CODE (file tail)

// MessageSysFlag bits the record layout depends on (§5.2).
inline constexpr std::int32_t kSysFlagCompressed = 0x1;
inline constexpr std::int32_t kSysFlagBornHostV6 = 0x10;
inline constexpr std::int32_t kSysFlagStoreHostV6 = 0x20;

inline constexpr std::size_t kMaxTopicLength = 127;         // TOPICLENGTH is one signed byte
inline constexpr std::size_t kMaxPropertiesLength = 32767;  // PROPERTIESLENGTH is an int16

// Offsets of the fields that precede the first host address (the same for every sysFlag).
inline constexpr std::size_t kTotalSizeOffset = 0;
inline constexpr std::size_t kMagicOffset = 4;
inline constexpr std::size_t kBodyCrcOffset = 8;
inline constexpr std::size_t kQueueIdOffset = 12;
inline constexpr std::size_t kFlagOffset = 16;
inline constexpr std::size_t kQueueOffsetOffset = 20;
inline constexpr std::size_t kPhysicalOffsetOffset = 28;
inline constexpr std::size_t kSysFlagOffset = 36;
inline constexpr std::size_t kBornTimestampOffset = 40;
inline constexpr std::size_t kBornHostOffset = 48;

// Bytes of a host field (address + int32 port).
constexpr std::size_t host_field_size(bool ipv6) noexcept { return ipv6 ? 20 : 8; }
// Offset of STORETIMESTAMP, which moves when the born host is IPv6.
constexpr std::size_t store_timestamp_offset(std::int32_t sys_flag) noexcept {
  return kBornHostOffset + host_field_size((sys_flag & kSysFlagBornHostV6) != 0);
}
// Size of a record with an empty body, topic and properties (91 with two IPv4 hosts).
constexpr std::size_t fixed_size(std::int32_t sys_flag) noexcept {
  return 75 + host_field_size((sys_flag & kSysFlagBornHostV6) != 0) +
         host_field_size((sys_flag & kSysFlagStoreHostV6) != 0);
}
constexpr std::size_t encoded_size(std::int32_t sys_flag, std::size_t body_length,
                                   std::size_t topic_length,
                                   std::size_t properties_length) noexcept {
  return fixed_size(sys_flag) + body_length + topic_length + properties_length;
}

// ---- big-endian integers ---------------------------------------------------------------------
inline void put_u32(std::uint8_t* out, std::uint32_t v) noexcept {
  out[0] = static_cast<std::uint8_t>(v >> 24);
  out[1] = static_cast<std::uint8_t>(v >> 16);
  out[2] = static_cast<std::uint8_t>(v >> 8);
  out[3] = static_cast<std::uint8_t>(v);
}
inline void put_u64(std::uint8_t* out, std::uint64_t v) noexcept {
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
  put_u32(out + 4, static_cast<std::uint32_t>(v));
}
inline std::uint32_t get_u32(const std::uint8_t* in) noexcept {
  return (std::uint32_t{in[0]} << 24) | (std::uint32_t{in[1]} << 16) | (std::uint32_t{in[2]} << 8) |
         std::uint32_t{in[3]};
}
inline std::uint64_t get_u64(const std::uint8_t* in) noexcept {
  return (std::uint64_t{get_u32(in)} << 32) | get_u32(in + 4);
}
inline std::int32_t get_i32(const std::uint8_t* in) noexcept {
  return static_cast<std::int32_t>(get_u32(in));
}
inline std::int64_t get_i64(const std::uint8_t* in) noexcept {
  return static_cast<std::int64_t>(get_u64(in));
}

// ---- the record
// ----------------------------------------------------------------------------------

// One record's fields. Views point into the buffer that was decoded (or that will be encoded).
struct StoredRecord {
  std::int32_t total_size = 0;
  std::uint32_t magic = kMessageMagic;
  std::int32_t body_crc = 0;
  std::int32_t queue_id = 0;
  std::int32_t flag = 0;
  std::int64_t queue_offset = 0;
  std::int64_t physical_offset = 0;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp_ms = 0;
  HostAddress born_host;
  std::int64_t store_timestamp_ms = 0;
  HostAddress store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  ByteView body;
  std::string_view topic;
  std::string_view properties;
};

// The sysFlag as stored: `record.sys_flag` with bits 4/5 set from the host address lengths.
inline std::int32_t effective_sys_flag(const StoredRecord& record) noexcept {
  std::int32_t flag = record.sys_flag & ~(kSysFlagBornHostV6 | kSysFlagStoreHostV6);
  if (record.born_host.ip_length == 16) flag |= kSysFlagBornHostV6;
  if (record.store_host.ip_length == 16) flag |= kSysFlagStoreHostV6;
  return flag;
}

// Bytes encode_record() writes for `record`.
inline std::size_t encoded_size(const StoredRecord& record) noexcept {
  return encoded_size(effective_sys_flag(record), record.body.size(), record.topic.size(),
                      record.properties.size());
}

// Writes `record` at `out`. TOTALSIZE, MAGICCODE (kMessageMagic) and BODYCRC are computed and
// the corresponding fields of `record` ignored; SYSFLAG bits 4/5 follow the host lengths.
// Returns the bytes written, or 0 (nothing written) when `out` is too small, the topic is empty
// or longer than kMaxTopicLength, or the properties exceed kMaxPropertiesLength.
inline std::size_t encode_record(const StoredRecord& record, std::span<std::uint8_t> out) noexcept {
  const std::size_t size = encoded_size(record);
  if (record.topic.empty() || record.topic.size() > kMaxTopicLength ||
      record.properties.size() > kMaxPropertiesLength || size > out.size() || size > 0x7FFFFFFFu) {
    return 0;
  }
  const std::int32_t sys_flag = effective_sys_flag(record);
  std::uint8_t* p = out.data();
  auto u32 = [&p](std::uint32_t v) {
    put_u32(p, v);
    p += 4;
  };
  auto u64 = [&p](std::uint64_t v) {
    put_u64(p, v);
    p += 8;
  };
  auto host = [&p, &u32](const HostAddress& address) {
    const std::size_t length = address.ip_length == 16 ? 16 : 4;
    std::memcpy(p, address.ip, length);
    p += length;
    u32(static_cast<std::uint32_t>(address.port));
  };
  u32(static_cast<std::uint32_t>(size));
  u32(kMessageMagic);
  u32(static_cast<std::uint32_t>(body_crc(record.body)));
  u32(static_cast<std::uint32_t>(record.queue_id));
  u32(static_cast<std::uint32_t>(record.flag));
  u64(static_cast<std::uint64_t>(record.queue_offset));
  u64(static_cast<std::uint64_t>(record.physical_offset));
  u32(static_cast<std::uint32_t>(sys_flag));
  u64(static_cast<std::uint64_t>(record.born_timestamp_ms));
  host(record.born_host);
  u64(static_cast<std::uint64_t>(record.store_timestamp_ms));
  host(record.store_host);
  u32(static_cast<std::uint32_t>(record.reconsume_times));
  u64(static_cast<std::uint64_t>(record.prepared_transaction_offset));
  u32(static_cast<std::uint32_t>(record.body.size()));
  if (!record.body.empty()) std::memcpy(p, record.body.data(), record.body.size());
  p += record.body.size();
  *p++ = static_cast<std::uint8_t>(record.topic.size());
  std::memcpy(p, record.topic.data(), record.topic.size());
  p += record.topic.size();
  *p++ = static_cast<std::uint8_t>(record.properties.size() >> 8);
  *p++ = static_cast<std::uint8_t>(record.properties.size());
  if (!record.properties.empty()) {
    std::memcpy(p, record.properties.data(), record.properties.size());
  }
  return size;
}

enum class DecodeStatus : std::uint32_t {
  kOk = 0,
  kBlank = 1,      // an end-of-file filler: only total_size and magic are set
  kTruncated = 2,  // `in` ends before the record does
  kBadMagic = 3,   // neither message nor filler magic
  kBadSize = 4,    // TOTALSIZE disagrees with the field lengths, or a length is negative
  kBadCrc = 5,     // BODYCRC does not match the body
};

// Decodes the record at the start of `in` into `*out` (views point into `in`). With
// `verify_crc` the body CRC is checked. A filler needs 8 bytes and reports kBlank.
inline DecodeStatus decode_record(ByteView in, StoredRecord* out, bool verify_crc) noexcept {
  if (in.size() < 8) return DecodeStatus::kTruncated;
  const std::uint8_t* base = in.data();
  out->total_size = get_i32(base);
  out->magic = get_u32(base + kMagicOffset);
  if (out->magic == kBlankMagic)
    return out->total_size >= 8 ? DecodeStatus::kBlank : DecodeStatus::kBadSize;
  if (out->magic != kMessageMagic) return DecodeStatus::kBadMagic;
  if (in.size() < kBornHostOffset) return DecodeStatus::kTruncated;
  out->sys_flag = get_i32(base + kSysFlagOffset);
  const std::size_t fixed = fixed_size(out->sys_flag);
  if (out->total_size < 0 || static_cast<std::size_t>(out->total_size) < fixed) {
    return DecodeStatus::kBadSize;
  }
  const std::size_t total = static_cast<std::size_t>(out->total_size);
  if (total > in.size()) return DecodeStatus::kTruncated;
  out->body_crc = get_i32(base + kBodyCrcOffset);
  out->queue_id = get_i32(base + kQueueIdOffset);
  out->flag = get_i32(base + kFlagOffset);
  out->queue_offset = get_i64(base + kQueueOffsetOffset);
  out->physical_offset = get_i64(base + kPhysicalOffsetOffset);
  out->born_timestamp_ms = get_i64(base + kBornTimestampOffset);
  const std::uint8_t* p = base + kBornHostOffset;
  auto host = [&p](HostAddress& address, bool ipv6) {
    address = HostAddress{};
    address.ip_length = ipv6 ? 16 : 4;
    std::memcpy(address.ip, p, address.ip_length);
    p += address.ip_length;
    address.port = get_i32(p);
    p += 4;
  };
  host(out->born_host, (out->sys_flag & kSysFlagBornHostV6) != 0);
  out->store_timestamp_ms = get_i64(p);
  p += 8;
  host(out->store_host, (out->sys_flag & kSysFlagStoreHostV6) != 0);
  out->reconsume_times = get_i32(p);
  p += 4;
  out->prepared_transaction_offset = get_i64(p);
  p += 8;
  const std::uint8_t* end = base + total;
  const std::int32_t body_length = get_i32(p);
  p += 4;
  // Remaining fixed bytes after the body: topic length (1) + properties length (2).
  if (body_length < 0 ||
      static_cast<std::size_t>(end - p) < static_cast<std::size_t>(body_length) + 3) {
    return DecodeStatus::kBadSize;
  }
  out->body = ByteView(p, static_cast<std::size_t>(body_length));
  p += body_length;
  const auto topic_length = static_cast<std::int8_t>(*p++);
  if (topic_length < 0 || end - p < topic_length + 2) return DecodeStatus::kBadSize;
  out->topic =
      std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(topic_length));
  p += topic_length;
  const auto properties_length = static_cast<std::int16_t>((p[0] << 8) | p[1]);
  p += 2;
  if (properties_length < 0 || end - p != properties_length) return DecodeStatus::kBadSize;
  out->properties = std::string_view(reinterpret_cast<const char*>(p),
                                     static_cast<std::size_t>(properties_length));
  if (verify_crc && body_crc(out->body) != out->body_crc) return DecodeStatus::kBadCrc;
  return DecodeStatus::kOk;
}

// ---- offset message id (§5.4)
// ---------------------------------------------------------------------

// Upper-case hex of store IP + store port (int32) + physical offset (int64): 32 characters for
// IPv4, 56 for IPv6. Throws std::bad_alloc only.
inline std::string offset_message_id(const HostAddress& store_host, std::int64_t physical_offset) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::uint8_t raw[28];
  const std::size_t ip_length = store_host.ip_length == 16 ? 16 : 4;
  std::memcpy(raw, store_host.ip, ip_length);
  put_u32(raw + ip_length, static_cast<std::uint32_t>(store_host.port));
  put_u64(raw + ip_length + 4, static_cast<std::uint64_t>(physical_offset));
  const std::size_t length = ip_length + 12;
  std::string out(length * 2, '0');
  for (std::size_t i = 0; i < length; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xF];
  }
  return out;
}

// Parses an offset message id (either case). Returns false, leaving the outputs unspecified,
// unless `id` has 32 or 56 hex digits.
inline bool parse_offset_message_id(std::string_view id, HostAddress* store_host,
                                    std::int64_t* physical_offset) noexcept {
  if (id.size() != 32 && id.size() != 56) return false;
  std::uint8_t raw[28];
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    int nibble;
    if (c >= '0' && c <= '9') {
      nibble = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      nibble = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      nibble = c - 'a' + 10;
    } else {
      return false;
    }
    if (i % 2 == 0) {
      raw[i / 2] = static_cast<std::uint8_t>(nibble << 4);
    } else {
      raw[i / 2] = static_cast<std::uint8_t>(raw[i / 2] | nibble);
    }
  }
  const std::size_t ip_length = id.size() == 32 ? 4 : 16;
  *store_host = HostAddress{};
  store_host->ip_length = static_cast<std::uint8_t>(ip_length);
  std::memcpy(store_host->ip, raw, ip_length);
  store_host->port = get_i32(raw + ip_length);
  *physical_offset = get_i64(raw + ip_length + 4);
  return true;
}

// ---- properties (§5.3) --------------------------------------------------------------------------

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';

// The value of property `name`, or nothing. Entries with an empty name or value are ignored,
// as Java does; the first entry of a duplicated name wins.
inline std::optional<std::string_view> find_property(std::string_view properties,
                                                     std::string_view name) noexcept {
  while (!properties.empty()) {
    const std::size_t end = properties.find(kPropertySeparator);
    const std::string_view entry = properties.substr(0, end);
    const std::size_t split = entry.find(kNameValueSeparator);
    if (split != std::string_view::npos && split > 0 && split + 1 < entry.size() &&
        entry.substr(0, split) == name) {
      return entry.substr(split + 1);
    }
    if (end == std::string_view::npos) break;
    properties.remove_prefix(end + 1);
  }
  return std::nullopt;
}

// ---- tag hash code (§5.7)
// -------------------------------------------------------------------------

// Java String.hashCode of the UTF-8 text `utf8`: h = 31*h + c over its UTF-16 code units,
// wrapping at 32 bits. Malformed UTF-8 bytes count as U+FFFD each, as Java's decoder does.
inline std::int32_t java_string_hash(std::string_view utf8) noexcept {
  std::uint32_t h = 0;
  auto unit = [&h](std::uint32_t code_unit) { h = 31u * h + code_unit; };
  const auto* p = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    const std::uint8_t lead = *p;
    std::uint32_t cp = 0xFFFD;
    std::size_t length = 1;
    if (lead < 0x80) {
      cp = lead;
    } else if (lead >= 0xC2 && lead <= 0xF4) {
      const std::size_t need = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      bool valid = static_cast<std::size_t>(end - p) >= need;
      std::uint32_t value = lead & (need == 2 ? 0x1Fu : need == 3 ? 0x0Fu : 0x07u);
      for (std::size_t i = 1; valid && i < need; ++i) {
        if ((p[i] & 0xC0) != 0x80) valid = false;
        value = (value << 6) | (p[i] & 0x3Fu);
      }
      const std::uint32_t minimum = need == 2 ? 0x80 : need == 3 ? 0x800 : 0x10000;
      if (valid && value >= minimum && value <= 0x10FFFF && (value < 0xD800 || value > 0xDFFF)) {
        cp = value;
        length = need;
      }
    }
    if (cp >= 0x10000) {
      unit(0xD800u + ((cp - 0x10000u) >> 10));
      unit(0xDC00u + ((cp - 0x10000u) & 0x3FFu));
    } else {
      unit(cp);
    }
    p += length;
  }
  return static_cast<std::int32_t>(h);
}

// The consume-queue tags code of a TAGS value: its hash sign-extended, 0 for no tag.
inline std::int64_t tags_code(std::string_view tags) noexcept {
  return tags.empty() ? 0 : static_cast<std::int64_t>(java_string_hash(tags));
}

}  // namespace record
}  // namespace mq::sdk
