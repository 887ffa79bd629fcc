// libFuzzer harness for the remoting layer (docs/FUZZING.md).
//
// For any input bytes:
//  1. decode_frame() must return a command or an error, never crash or read out of bounds.
//     Inputs that start with a matching 4-byte length prefix (the seed corpus files are whole
//     frames as captured on the wire) have it stripped first.
//  2. A decoded command, encoded again as JSON and as the binary header, must decode to the
//     same command (up to what the binary form cannot carry: int16 code/version, empty
//     remark, empty keys/values).
//  3. parse_json() on the raw input; whatever it accepts must write and re-parse to the same
//     text, and the body types must read it and survive their own writers.
//  4. The compressed RegisterBrokerBody reader on the raw input.
// A broken invariant aborts, which libFuzzer reports as a crash with the input saved.
#include "mq/sdk/bytes.h"

#include "remoting/cluster_info.h"
#include "remoting/heartbeat_data.h"
#include "remoting/json.h"
#include "remoting/kv_table.h"
#include "remoting/register_broker_body.h"
#include "remoting/remoting_codec.h"
#include "remoting/topic_list.h"
#include "remoting/topic_route_data.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace {

using mq::core::RemotingCommand;
using mq::core::SerializeType;
namespace sdk = mq::sdk;

[[noreturn]] void broken(const char* invariant) {
  std::fprintf(stderr, "fuzz_remoting_decoder: invariant broken: %s\n", invariant);
  std::abort();
}

void require(bool condition, const char* invariant) {
  if (!condition) broken(invariant);
}

sdk::Bytes flatten(const sdk::OutboundFrame& frame) {
  sdk::Bytes out(frame.size());
  std::size_t offset = 0;
  auto append = [&](sdk::ByteView view) {
    for (const std::uint8_t byte : view) out.data()[offset++] = byte;
  };
  append(frame.head.view());
  for (const auto& span : frame.tail) append(span);
  return out;
}

// What the binary header can carry of `fields` (rocketmq_header.h).
mq::core::ExtFields binary_subset(const mq::core::ExtFields& fields) {
  mq::core::ExtFields out;
  for (const auto& [key, value] : fields) {
    if (!key.empty() && key.size() <= 0x7FFF && !value.empty()) out.emplace(key, value);
  }
  return out;
}

void check_reencoding(const RemotingCommand& command, SerializeType type) {
  RemotingCommand copy;
  copy.code = command.code;
  copy.language = command.language;
  copy.version = command.version;
  copy.opaque = command.opaque;
  copy.flag = command.flag;
  copy.remark = command.remark;
  copy.ext_fields = command.ext_fields;
  copy.serialize_type = type;
  copy.body = sdk::Bytes::copy_of(command.body.view());
  auto again = mq::core::decode_frame(flatten(mq::core::encode_frame(std::move(copy))));
  require(again.ok(), "a re-encoded command decodes");
  require(again->serialize_type == type, "serialize type survives");
  require(again->opaque == command.opaque, "opaque survives");
  require(again->flag == command.flag, "flag survives");
  require(again->language == command.language, "language survives");
  require(again->body.as_string_view() == command.body.as_string_view(), "body survives");
  if (type == SerializeType::kJson) {
    require(again->code == command.code, "code survives JSON");
    require(again->version == command.version, "version survives JSON");
    require(again->remark == command.remark, "remark survives JSON");
    require(again->ext_fields == command.ext_fields, "extFields survive JSON");
  } else {
    require(again->code == static_cast<std::int16_t>(command.code), "code survives binary");
    require(again->version == static_cast<std::int16_t>(command.version),
            "version survives binary");
    const bool has_remark = command.remark && !command.remark->empty();
    require(has_remark ? again->remark == command.remark : !again->remark,
            "remark survives binary");
    require(again->ext_fields == binary_subset(command.ext_fields), "extFields survive binary");
  }
}

void check_frame(const std::uint8_t* data, std::size_t size) {
  if (size >= 4) {
    const std::uint32_t prefix = (std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) |
                                 (std::uint32_t{data[2]} << 8) | std::uint32_t{data[3]};
    if (prefix == size - 4) {
      data += 4;
      size -= 4;
    }
  }
  auto decoded = mq::core::decode_frame(sdk::Bytes::copy_of(sdk::ByteView(data, size)));
  if (!decoded.ok()) return;
  check_reencoding(*decoded, SerializeType::kJson);
  check_reencoding(*decoded, SerializeType::kRocketMq);
}

// A body type read from `value` must read back the same from its own JSON.
template <typename Body, typename Write>
void check_body(const mq::core::JsonValue& value, Write write) {
  auto body = Body::from_json_value(value);
  if (!body.ok()) return;
  auto again = Body::from_json(write(*body));
  require(again.ok(), "a body type reads its own JSON");
  require(*again == *body, "a body type survives its own JSON");
}

void check_json(std::string_view text) {
  auto parsed = mq::core::parse_json(text);
  if (!parsed.ok()) return;
  for (const auto style : {mq::core::IntKeyStyle::kQuoted, mq::core::IntKeyStyle::kUnquoted}) {
    const std::string written = mq::core::write_json(*parsed, {style});
    auto again = mq::core::parse_json(written);
    require(again.ok(), "written JSON parses");
    require(mq::core::write_json(*again, {style}) == written, "written JSON is stable");
  }
  const auto& value = *parsed;
  check_body<mq::core::TopicRouteData>(
      value, [](const auto& b) { return b.to_json(mq::core::IntKeyStyle::kUnquoted); });
  check_body<mq::core::ClusterInfo>(value, [](const auto& b) { return b.to_json(); });
  check_body<mq::core::HeartbeatData>(value, [](const auto& b) { return b.to_json(); });
  check_body<mq::core::RegisterBrokerBody>(value, [](const auto& b) { return b.to_json(); });
  (void)mq::core::TopicList::from_json(text);
  (void)mq::core::KvTable::from_json(text);
}

void check_compressed_register_body(const std::uint8_t* data, std::size_t size) {
  auto body = mq::core::RegisterBrokerBody::decode_compressed(sdk::ByteView(data, size), 1 << 20);
  if (!body.ok()) return;
  auto encoded = body->encode_compressed();
  require(encoded.ok(), "a decoded RegisterBrokerBody compresses");
  auto again = mq::core::RegisterBrokerBody::decode_compressed(encoded->view());
  require(again.ok(), "a compressed RegisterBrokerBody decodes");
  require(*again == *body, "a RegisterBrokerBody survives compression");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_frame(data, size);
  check_json(std::string_view(reinterpret_cast<const char*>(data), size));
  check_compressed_register_body(data, size);
  return 0;
}
