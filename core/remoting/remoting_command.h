// RemotingCommand: one RocketMQ remoting request or response, decoded (remoting-protocol.md §1).
//
// The codec (remoting_codec.h) turns frames into commands and back; processors only ever see
// commands. extFields are kept as text, exactly as a Java client would have sent them (numbers
// in plain decimal, booleans as true/false), whatever JSON type the sender used.
#pragma once

#include "mq/sdk/bytes.h"

#include "remoting/ext_fields.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mq::core {

enum class SerializeType : std::uint8_t { kJson = 0, kRocketMq = 1 };

// Java's LanguageCode, in ordinal order (the binary header carries the ordinal).
enum class LanguageCode : std::uint8_t {
  kJava = 0,
  kCpp,
  kDotnet,
  kPython,
  kDelphi,
  kErlang,
  kRuby,
  kOther,
  kHttp,
  kGo,
  kPhp,
  kOms,
  kRust,
};
std::string_view language_name(LanguageCode code) noexcept;
// Parses "JAVA", "CPP", ...; unknown names map to kOther.
LanguageCode language_from_name(std::string_view name) noexcept;

inline constexpr std::int32_t kFlagResponse = 1;     // bit 0
inline constexpr std::int32_t kFlagOneway = 2;       // bit 1
inline constexpr std::int32_t kServerVersion = 407;  // V4_9_7, what we report as our version


struct RemotingCommand {
  std::int32_t code = 0;
  LanguageCode language = LanguageCode::kJava;
  std::int32_t version = kServerVersion;
  std::int32_t opaque = 0;
  std::int32_t flag = 0;
  std::optional<std::string> remark;
  ExtFields ext_fields;
  SerializeType serialize_type = SerializeType::kJson;
  sdk::Bytes body;
  // More body, as views written after `body` without being copied (a pull's records, read in
  // place from the store); `body_keepalive` pins the memory they point into until the
  // transport has written them. Encoding only: decode_frame() never fills these.
  std::vector<sdk::ByteView> body_views;
  std::shared_ptr<const void> body_keepalive;

  bool is_response() const noexcept { return (flag & kFlagResponse) != 0; }
  bool is_oneway() const noexcept { return (flag & kFlagOneway) != 0; }

  // extFields access. Missing keys give nullopt; get_int parses a decimal int64 and gives
  // nullopt when the text is not one.
  std::optional<std::string_view> get(std::string_view key) const;
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;  // "true"/"false", any case
  void set(std::string_view key, std::string value);
  void set(std::string_view key, std::int64_t value);

  // A fresh request with this server's version and language, flag 0 and opaque 0: the
  // sender assigns the opaque (unique per connection) before it writes the request.
  static RemotingCommand request(std::int32_t code);
  // The response to `request`: same opaque and serialize type, flag = response, our version.
  static RemotingCommand response_to(const RemotingCommand& request, std::int32_t code,
                                     std::optional<std::string> remark = std::nullopt);
};

}  // namespace mq::core
