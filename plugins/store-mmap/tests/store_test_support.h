// Helpers shared by the store-mmap tests: a fresh temp directory per test, small store options,
// owned messages, and a blocking wrapper around append().
#pragma once

#include "mq/sdk/config.h"
#include "mq/sdk/store.h"
#include "mq/sdk/stored_record.h"

#include <stdlib.h>

#include <filesystem>
#include <future>
#include <string>
#include <vector>

namespace mq::store_mmap::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "store-mmap-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& leaf) const {
    return (std::filesystem::path(path_) / leaf).string();
  }

 private:
  std::string path_;
};

// Tiny files so tests cross segment boundaries quickly.
inline sdk::StoreOptions small_options(const TempDir& dir) {
  sdk::StoreOptions options;
  options.store_path_root_dir = dir.path();
  options.store_path_commit_log = dir.sub("commitlog");
  options.store_path_consume_queue = dir.sub("consumequeue");
  options.store_path_index = dir.sub("index");
  options.store_checkpoint = dir.sub("checkpoint");
  options.abort_file = dir.sub("abort");
  options.mapped_file_size_commit_log = 4096;
  options.mapped_file_size_consume_queue = 20 * 16;
  options.flush_interval_commit_log_ms = 20;
  options.flush_interval_consume_queue_ms = 20;
  options.max_hash_slot_num = 64;
  options.max_index_num = 256;
  options.max_message_size = 2048;
  options.sync_flush_timeout_ms = 2000;
  return options;
}

// A message that owns its bytes; message() views them.
struct OwnedMessage {
  std::string topic = "TopicTest";
  std::int32_t queue_id = 0;
  std::string body = "hello";
  std::string tags;
  std::string keys;
  std::string unique_key;
  std::string properties;
  std::int64_t born_ms = 1700000000000;

  OwnedMessage() = default;
  OwnedMessage(std::string t, std::int32_t q, std::string b, std::string tag = "",
               std::string k = "", std::string uniq = "")
      : topic(std::move(t)),
        queue_id(q),
        body(std::move(b)),
        tags(std::move(tag)),
        keys(std::move(k)),
        unique_key(std::move(uniq)) {
    auto add = [this](const char* name, const std::string& value) {
      if (value.empty()) return;
      if (!properties.empty()) properties += '\x02';
      properties += name;
      properties += '\x01';
      properties += value;
    };
    add("TAGS", tags);
    add("KEYS", keys);
    add("UNIQ_KEY", unique_key);
  }

  sdk::MessageToAppend message() const {
    sdk::MessageToAppend m;
    m.topic = topic;
    m.queue_id = queue_id;
    m.flag = 7;
    m.born_timestamp_ms = born_ms;
    m.born_host.ip[0] = 10;
    m.born_host.ip[3] = 2;
    m.born_host.port = 50000;
    m.store_host.ip[0] = 127;
    m.store_host.ip[3] = 1;
    m.store_host.port = 10911;
    m.body = sdk::ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    m.properties = properties;
    m.tags_code = sdk::record::tags_code(tags);
    m.keys = keys;
    m.unique_key = unique_key;
    return m;
  }
};

struct Appended {
  sdk::Status status;
  sdk::AppendResult result;
};

// Appends and waits for the callback.
inline Appended append_and_wait(sdk::MessageStore& store, const OwnedMessage& message) {
  auto promise = std::make_shared<std::promise<Appended>>();
  auto future = promise->get_future();
  store.append(message.message(), [promise](const sdk::Status& s, const sdk::AppendResult& r) {
    promise->set_value(Appended{s, r});
  });
  return future.get();
}

inline std::string body_of(sdk::ByteView record) {
  sdk::record::StoredRecord decoded;
  if (sdk::record::decode_record(record, &decoded, true) != sdk::record::DecodeStatus::kOk) {
    return "<bad record>";
  }
  return std::string(reinterpret_cast<const char*>(decoded.body.data()), decoded.body.size());
}

}  // namespace mq::store_mmap::testing
