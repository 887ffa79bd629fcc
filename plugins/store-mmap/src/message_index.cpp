#include "message_index.h"

#include "mapped_file.h"

#include "mq/sdk/stored_record.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace mq::store_mmap {

namespace fs = std::filesystem;

MessageIndex::MessageIndex(std::string directory, std::int32_t slot_count, std::int32_t entry_limit)
    : directory_(std::move(directory)), slot_count_(slot_count), entry_limit_(entry_limit) {}

sdk::Status MessageIndex::load(std::vector<std::string>* dropped) noexcept {
  try {
    std::error_code error;
    fs::create_directories(directory_, error);
    if (error) {
      return sdk::Status(sdk::StatusCode::kIoError,
                         "cannot create " + directory_ + ": " + error.message());
    }
    std::vector<std::int64_t> starts;
    for (const auto& entry : fs::directory_iterator(directory_, error)) {
      const std::string name = entry.path().filename().string();
      if (name.size() == 20 &&
          std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        starts.push_back(std::stoll(name));
      }
    }
    std::sort(starts.begin(), starts.end());
    std::lock_guard lock(mu_);
    files_.clear();
    for (std::int64_t start : starts) {
      const std::string path = (fs::path(directory_) / MappedFile::file_name(start)).string();
      auto file = IndexFile::open(path);
      if (!file.ok()) {
        dropped->push_back(file.status().to_string());
        fs::remove(path, error);
        continue;
      }
      files_.push_back(Named{start, std::move(file.value())});
    }
    return sdk::Status::ok();
  } catch (const std::exception& e) {
    return sdk::Status(sdk::StatusCode::kIoError, "cannot load " + directory_ + ": " + e.what());
  }
}

std::int64_t MessageIndex::end_offset() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty() ? 0 : files_.back().file->end_offset();
}

void MessageIndex::clamp_end_offset(std::int64_t log_end) noexcept {
  std::lock_guard lock(mu_);
  for (auto& named : files_) named.file->clamp_end_offset(log_end);
}

std::int32_t MessageIndex::key_hash(std::string_view topic, std::string_view key) noexcept {
  char stack[256];
  std::string heap;
  std::string_view joined;
  if (topic.size() + key.size() + 1 <= sizeof(stack)) {
    std::memcpy(stack, topic.data(), topic.size());
    stack[topic.size()] = '#';
    std::memcpy(stack + topic.size() + 1, key.data(), key.size());
    joined = std::string_view(stack, topic.size() + key.size() + 1);
  } else {
    try {
      heap.reserve(topic.size() + key.size() + 1);
      heap.append(topic).append(1, '#').append(key);
    } catch (...) {
      return 0;  // out of memory: every long key shares slot 0, lookups still re-check
    }
    joined = heap;
  }
  const std::int32_t hash = sdk::record::java_string_hash(joined);
  return hash == INT32_MIN ? 0 : (hash < 0 ? -hash : hash);
}

sdk::Status MessageIndex::add_key(std::string_view topic, std::string_view key,
                                  std::int64_t physical_offset, std::int64_t store_time_ms,
                                  std::int64_t record_end) {
  if (files_.empty() || files_.back().file->is_full()) {
    const std::string path =
        (fs::path(directory_) / MappedFile::file_name(physical_offset)).string();
    auto created = IndexFile::create(path, slot_count_, entry_limit_);
    if (!created.ok()) return created.status();
    files_.push_back(Named{physical_offset, std::move(created.value())});
  }
  files_.back().file->put(key_hash(topic, key), physical_offset, store_time_ms, record_end);
  return sdk::Status::ok();
}

sdk::Status MessageIndex::add(std::string_view topic, std::string_view keys,
                              std::string_view unique_key, std::int64_t physical_offset,
                              std::int32_t size, std::int64_t store_time_ms) noexcept {
  try {
    std::lock_guard lock(mu_);
    const std::int64_t record_end = physical_offset + size;
    if (!files_.empty() && record_end <= files_.back().file->end_offset()) {
      return sdk::Status::ok();
    }
    if (!unique_key.empty()) {
      auto status = add_key(topic, unique_key, physical_offset, store_time_ms, record_end);
      if (!status) return status;
    }
    while (!keys.empty()) {
      const std::size_t space = keys.find(' ');
      const std::string_view word = keys.substr(0, space);
      if (!word.empty()) {
        auto status = add_key(topic, word, physical_offset, store_time_ms, record_end);
        if (!status) return status;
      }
      if (space == std::string_view::npos) break;
      keys.remove_prefix(space + 1);
    }
    return sdk::Status::ok();
  } catch (const std::exception& e) {
    return sdk::Status(sdk::StatusCode::kIoError, std::string("index add failed: ") + e.what());
  }
}

std::vector<std::int64_t> MessageIndex::lookup(std::string_view topic, std::string_view key,
                                               std::size_t max, std::int64_t begin_ms,
                                               std::int64_t end_ms) const {
  std::vector<std::int64_t> out;
  const std::int32_t hash = key_hash(topic, key);
  std::lock_guard lock(mu_);
  // Entries keep whole seconds, so widen the range by one second (saturating).
  const std::int64_t low = begin_ms < INT64_MIN + 1000 ? INT64_MIN : begin_ms - 1000;
  const std::int64_t high = end_ms > INT64_MAX - 1000 ? INT64_MAX : end_ms + 1000;
  for (auto it = files_.rbegin(); it != files_.rend() && out.size() < max; ++it) {
    const IndexFile& file = *it->file;
    if (file.end_time_ms() < low || file.begin_time_ms() > high) continue;
    file.lookup(hash, low, high, max, &out);
  }
  return out;
}

sdk::Status MessageIndex::flush() noexcept {
  std::lock_guard lock(mu_);
  for (auto& named : files_) {
    auto status = named.file->flush();
    if (!status) return status;
  }
  return sdk::Status::ok();
}

int MessageIndex::delete_files_below(std::int64_t log_min) noexcept {
  std::lock_guard lock(mu_);
  int deleted = 0;
  while (files_.size() > 1 && files_.front().file->end_offset() <= log_min) {
    (void)files_.front().file->destroy();
    files_.erase(files_.begin());
    ++deleted;
  }
  return deleted;
}

}  // namespace mq::store_mmap
