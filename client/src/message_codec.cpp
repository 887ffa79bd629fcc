#include "message_codec.h"

#include "mq/sdk/stored_record.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>

namespace mq::client {
namespace {

constexpr char kNameValueSeparator = '\x01';
constexpr char kPropertySeparator = '\x02';

// Appends "name\1value" to an encoded property list (an entry with an empty side is dropped).
void append_property(std::string& out, std::string_view name, std::string_view value) {
  if (name.empty() || value.empty()) return;
  if (!out.empty()) out.push_back(kPropertySeparator);
  out += name;
  out.push_back(kNameValueSeparator);
  out += value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

void append_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

std::string host_text(const sdk::HostAddress& host) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(host.ip_length == 16 ? AF_INET6 : AF_INET, host.ip, text, sizeof(text));
  return std::string(text) + ":" + std::to_string(host.port);
}

}  // namespace

std::string MessageQueue::to_string() const {
  return topic + "@" + broker_name + "#" + std::to_string(queue_id);
}

std::string_view send_status_name(SendStatus status) noexcept {
  switch (status) {
    case SendStatus::kSendOk:
      return "SEND_OK";
    case SendStatus::kFlushDiskTimeout:
      return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout:
      return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable:
      return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

std::string_view pull_status_name(PullStatus status) noexcept {
  switch (status) {
    case PullStatus::kFound:
      return "FOUND";
    case PullStatus::kNoNewMsg:
      return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMsg:
      return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal:
      return "OFFSET_ILLEGAL";
  }
  return "UNKNOWN";
}

std::string encode_properties(const std::map<std::string, std::string>& properties) {
  std::string out;
  for (const auto& [name, value] : properties) append_property(out, name, value);
  return out;
}

std::map<std::string, std::string> decode_properties(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find(kPropertySeparator);
    const std::string_view entry = text.substr(0, end);
    const std::size_t split = entry.find(kNameValueSeparator);
    if (split != std::string_view::npos && split > 0 && split + 1 < entry.size()) {
      out[std::string(entry.substr(0, split))] = std::string(entry.substr(split + 1));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::map<std::string, std::string> outgoing_properties(const Message& message,
                                                       const std::string& uniq_id) {
  std::map<std::string, std::string> out = message.properties;
  if (!message.tags.empty()) out[std::string(property::kTags)] = message.tags;
  if (!message.keys.empty()) out[std::string(property::kKeys)] = message.keys;
  if (message.delay_level > 0) {
    out[std::string(property::kDelay)] = std::to_string(message.delay_level);
  }
  out[std::string(property::kWait)] = "true";
  if (!uniq_id.empty()) out[std::string(property::kUniqKey)] = uniq_id;
  return out;
}

std::string encode_outgoing_properties(const Message& message, const std::string& uniq_id) {
  if (!message.properties.empty()) return encode_properties(outgoing_properties(message, uniq_id));
  // No user properties: the system ones, written straight in the order the map would give.
  const std::string delay = message.delay_level > 0 ? std::to_string(message.delay_level) : "";
  const std::pair<std::string_view, std::string_view> entries[] = {{property::kDelay, delay},
                                                                   {property::kKeys, message.keys},
                                                                   {property::kTags, message.tags},
                                                                   {property::kUniqKey, uniq_id},
                                                                   {property::kWait, "true"}};
  std::string out;
  out.reserve(64 + message.keys.size() + message.tags.size() + uniq_id.size());
  for (const auto& [name, value] : entries) append_property(out, name, value);
  return out;
}

sdk::Result<std::string> zlib_compress(std::string_view data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                           reinterpret_cast<const Bytef*>(data.data()),
                           static_cast<uLong>(data.size()), level);
  if (rc != Z_OK) {
    return sdk::Status(sdk::StatusCode::kInternal, "zlib compress2 failed: " + std::to_string(rc));
  }
  out.resize(size);
  return out;
}

sdk::Result<std::string> zlib_inflate(std::string_view data) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "zlib inflateInit failed");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc == Z_OK || rc == Z_STREAM_END) {
      out.append(chunk, sizeof(chunk) - stream.avail_out);
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      rc = Z_DATA_ERROR;  // input ended before the stream did
    }
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    return sdk::Status(sdk::StatusCode::kCorruption,
                       "body is not a complete zlib stream (zlib code " + std::to_string(rc) + ")");
  }
  return out;
}

std::string next_unique_message_id() {
  static const std::string prefix = [] {
    std::string raw;
    in_addr address{};
    if (inet_pton(AF_INET, local_ipv4().c_str(), &address) != 1) address.s_addr = htonl(0x7F000001);
    const auto* ip = reinterpret_cast<const std::uint8_t*>(&address.s_addr);
    raw.append(reinterpret_cast<const char*>(ip), 4);
    const auto pid = static_cast<std::uint16_t>(getpid());
    raw.push_back(static_cast<char>(pid >> 8));
    raw.push_back(static_cast<char>(pid));
    std::random_device random;
    append_u32(raw, random());
    return raw;
  }();
  static std::atomic<std::uint16_t> counter{0};
  using namespace std::chrono;
  // The start of the current month (local time), recomputed only when a month ends:
  // mktime() reads the time zone file on every call, far too slow for every message.
  static std::mutex month_mu;
  static std::atomic<std::int64_t> month_start_ms{0};
  static std::atomic<std::int64_t> next_month_ms{0};
  const auto now = system_clock::now();
  const std::int64_t now_ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  if (now_ms >= next_month_ms.load(std::memory_order_acquire)) {
    std::lock_guard lock(month_mu);
    if (now_ms >= next_month_ms.load(std::memory_order_relaxed)) {
      const std::time_t seconds = system_clock::to_time_t(now);
      std::tm local{};
      localtime_r(&seconds, &local);
      local.tm_mday = 1;
      local.tm_hour = 0;
      local.tm_min = 0;
      local.tm_sec = 0;
      local.tm_isdst = -1;
      const std::time_t start = std::mktime(&local);
      local.tm_mon += 1;
      local.tm_isdst = -1;
      const std::time_t next = std::mktime(&local);
      month_start_ms.store(static_cast<std::int64_t>(start) * 1000, std::memory_order_relaxed);
      next_month_ms.store(static_cast<std::int64_t>(next) * 1000, std::memory_order_release);
    }
  }
  const auto since_month = now_ms - month_start_ms.load(std::memory_order_relaxed);
  std::string raw = prefix;
  append_u32(raw, static_cast<std::uint32_t>(since_month));
  const std::uint16_t n = counter.fetch_add(1, std::memory_order_relaxed);
  raw.push_back(static_cast<char>(n >> 8));
  raw.push_back(static_cast<char>(n));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    const auto byte = static_cast<std::uint8_t>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return out;
}

sdk::Result<std::string> encode_batch_body(const std::vector<Message>& messages,
                                           const std::vector<std::string>& uniq_ids) {
  std::string out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Message& message = messages[i];
    const std::string properties =
        encode_outgoing_properties(message, i < uniq_ids.size() ? uniq_ids[i] : "");
    if (properties.size() > sdk::record::kMaxPropertiesLength) {
      return sdk::Status(sdk::StatusCode::kInvalidArgument,
                         "message " + std::to_string(i) + " of the batch has " +
                             std::to_string(properties.size()) +
                             " bytes of properties; the limit is 32767");
    }
    const std::size_t total = 4 + 4 + 4 + 4 + 4 + message.body.size() + 2 + properties.size();
    append_u32(out, static_cast<std::uint32_t>(total));
    append_u32(out, 0);  // MAGICCODE
    append_u32(out, 0);  // BODYCRC
    append_u32(out, static_cast<std::uint32_t>(message.flag));
    append_u32(out, static_cast<std::uint32_t>(message.body.size()));
    out += message.body;
    out.push_back(static_cast<char>(properties.size() >> 8));
    out.push_back(static_cast<char>(properties.size()));
    out += properties;
  }
  return out;
}

TagFilter TagFilter::parse(std::string_view expression) {
  TagFilter filter;
  const std::string_view trimmed = trim(expression);
  if (trimmed.empty() || trimmed == "*") {
    filter.expression = "*";
    return filter;
  }
  filter.expression = std::string(trimmed);
  filter.all = false;
  std::string_view rest = trimmed;
  while (true) {
    const std::size_t end = rest.find("||");
    const std::string_view tag = trim(rest.substr(0, end));
    if (!tag.empty()) {
      filter.tags.emplace_back(tag);
      filter.codes.push_back(sdk::record::java_string_hash(tag));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 2);
  }
  if (filter.tags.empty()) {
    filter.all = true;
    filter.expression = "*";
  }
  return filter;
}

bool TagFilter::matches(std::string_view tag) const {
  if (all) return true;
  for (const auto& t : tags) {
    if (t == tag) return true;
  }
  return false;
}

std::string local_ipv4() {
  ifaddrs* list = nullptr;
  std::string found = "127.0.0.1";
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_UP) == 0 || (it->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* address = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (inet_ntop(AF_INET, &address->sin_addr, text, sizeof(text)) != nullptr) {
      found = text;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

sdk::Result<std::vector<MessageExt>> decode_messages(std::span<const std::uint8_t> body,
                                                     std::string_view broker_name) {
  std::vector<MessageExt> out;
  out.reserve(32);  // a pull returns up to 32 by default
  // The records of one pull nearly always share their store host and often their born host:
  // each address is formatted once.
  struct HostMemo {
    sdk::HostAddress host{};
    std::string text;
    bool valid = false;
    const std::string& of(const sdk::HostAddress& address) {
      if (!valid || address.ip_length != host.ip_length || address.port != host.port ||
          std::memcmp(address.ip, host.ip, address.ip_length) != 0) {
        host = address;
        text = host_text(address);
        valid = true;
      }
      return text;
    }
  } born_hosts, store_hosts;
  std::size_t position = 0;
  while (position < body.size()) {
    sdk::record::StoredRecord record;
    const auto status = sdk::record::decode_record(body.subspan(position), &record, false);
    if (status != sdk::record::DecodeStatus::kOk) {
      return sdk::Status(sdk::StatusCode::kCorruption,
                         "stored record " + std::to_string(out.size()) + " at byte " +
                             std::to_string(position) + " does not decode (status " +
                             std::to_string(static_cast<std::uint32_t>(status)) + ")");
    }
    MessageExt message;
    message.topic = std::string(record.topic);
    std::string_view raw_body(reinterpret_cast<const char*>(record.body.data()),
                              record.body.size());
    if ((record.sys_flag & kSysFlagCompressed) != 0) {
      auto inflated = zlib_inflate(raw_body);
      if (!inflated.ok()) {
        return sdk::Status(sdk::StatusCode::kCorruption,
                           "stored record " + std::to_string(out.size()) +
                               ": compressed body: " + inflated.status().message());
      }
      message.body = std::move(inflated).value();
    } else {
      message.body = std::string(raw_body);
    }
    message.properties = decode_properties(record.properties);
    if (auto it = message.properties.find(std::string(property::kTags));
        it != message.properties.end()) {
      message.tags = it->second;
    }
    if (auto it = message.properties.find(std::string(property::kKeys));
        it != message.properties.end()) {
      message.keys = it->second;
    }
    if (auto it = message.properties.find(std::string(property::kDelay));
        it != message.properties.end()) {
      message.delay_level = std::atoi(it->second.c_str());
    }
    message.flag = record.flag;
    message.broker_name = std::string(broker_name);
    message.queue_id = record.queue_id;
    message.queue_offset = record.queue_offset;
    message.commit_log_offset = record.physical_offset;
    message.sys_flag = record.sys_flag;
    message.body_crc = record.body_crc;
    message.reconsume_times = record.reconsume_times;
    message.born_timestamp_ms = record.born_timestamp_ms;
    message.store_timestamp_ms = record.store_timestamp_ms;
    message.prepared_transaction_offset = record.prepared_transaction_offset;
    message.born_host = born_hosts.of(record.born_host);
    message.store_host = store_hosts.of(record.store_host);
    message.offset_msg_id =
        sdk::record::offset_message_id(record.store_host, record.physical_offset);
    auto uniq = message.properties.find(std::string(property::kUniqKey));
    message.msg_id = uniq != message.properties.end() ? uniq->second : message.offset_msg_id;
    out.push_back(std::move(message));
    position += static_cast<std::size_t>(record.total_size);
  }
  return out;
}

}  // namespace mq::client
