#include "mapped_file_queue.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace mq::store_mmap {

namespace fs = std::filesystem;

MappedFileQueue::MappedFileQueue(std::string directory, std::int64_t file_size, bool warm)
    : directory_(std::move(directory)), file_size_(file_size), warm_(warm) {}

sdk::Status MappedFileQueue::load() noexcept {
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
      if (name.size() != 20 ||
          !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        continue;
      }
      starts.push_back(std::stoll(name));
    }
    if (error) {
      return sdk::Status(sdk::StatusCode::kIoError,
                         "cannot list " + directory_ + ": " + error.message());
    }
    std::sort(starts.begin(), starts.end());
    std::vector<std::shared_ptr<MappedFile>> loaded;
    for (std::size_t i = 0; i < starts.size(); ++i) {
      if (starts[i] % file_size_ != 0 || (i > 0 && starts[i] != starts[i - 1] + file_size_)) {
        return sdk::Status(sdk::StatusCode::kCorruption,
                           "files in " + directory_ + " are not contiguous at " +
                               MappedFile::file_name(starts[i]) + " (file size " +
                               std::to_string(file_size_) + ")");
      }
      auto file =
          MappedFile::open((fs::path(directory_) / MappedFile::file_name(starts[i])).string(),
                           starts[i], file_size_, false, false);
      if (!file.ok()) return file.status();
      file.value()->reset_positions(file_size_);
      loaded.push_back(std::move(file.value()));
    }
    std::lock_guard lock(mu_);
    files_ = std::move(loaded);
    flushed_end_.store(files_.empty() ? 0 : files_.back()->end_offset());
    return sdk::Status::ok();
  } catch (const std::exception& e) {
    return sdk::Status(sdk::StatusCode::kIoError, "cannot load " + directory_ + ": " + e.what());
  }
}

sdk::Result<std::shared_ptr<MappedFile>> MappedFileQueue::create_file(
    std::int64_t start_offset) noexcept {
  try {
    std::error_code error;
    fs::create_directories(directory_, error);
    auto file =
        MappedFile::open((fs::path(directory_) / MappedFile::file_name(start_offset)).string(),
                         start_offset, file_size_, true, warm_);
    if (!file.ok()) return file.status();
    std::lock_guard lock(mu_);
    if (files_.empty()) flushed_end_.store(start_offset, std::memory_order_release);
    files_.push_back(file.value());
    return file;
  } catch (const std::bad_alloc&) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory");
  }
}

std::vector<std::shared_ptr<MappedFile>> MappedFileQueue::files() const {
  std::lock_guard lock(mu_);
  return files_;
}

std::shared_ptr<MappedFile> MappedFileQueue::first_file() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty() ? nullptr : files_.front();
}

std::shared_ptr<MappedFile> MappedFileQueue::last_file() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty() ? nullptr : files_.back();
}

std::shared_ptr<MappedFile> MappedFileQueue::find(std::int64_t offset) const noexcept {
  std::lock_guard lock(mu_);
  if (files_.empty() || offset < files_.front()->start_offset()) return nullptr;
  const auto index =
      static_cast<std::size_t>((offset - files_.front()->start_offset()) / file_size_);
  return index < files_.size() ? files_[index] : nullptr;
}

bool MappedFileQueue::empty() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty();
}

std::int64_t MappedFileQueue::min_offset() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty() ? 0 : files_.front()->start_offset();
}

std::int64_t MappedFileQueue::max_offset() const noexcept {
  std::lock_guard lock(mu_);
  return files_.empty() ? 0 : files_.back()->start_offset() + files_.back()->wrote_position();
}

sdk::Result<std::int64_t> MappedFileQueue::flush() noexcept {
  std::vector<std::shared_ptr<MappedFile>> snapshot;
  try {
    snapshot = files();
  } catch (const std::bad_alloc&) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, "out of memory");
  }
  std::int64_t end = flushed_end();
  for (const auto& file : snapshot) {
    if (file->end_offset() <= end && file->flushed_position() >= file->wrote_position()) continue;
    auto flushed = file->flush();
    if (!flushed.ok()) return flushed.status();
    end = file->start_offset() + flushed.value();
  }
  if (end > flushed_end()) flushed_end_.store(end, std::memory_order_release);
  return flushed_end();
}

std::int64_t MappedFileQueue::dirty_bytes() const noexcept { return max_offset() - flushed_end(); }

sdk::Status MappedFileQueue::truncate_to(std::int64_t end) noexcept {
  std::vector<std::shared_ptr<MappedFile>> doomed;
  {
    std::lock_guard lock(mu_);
    while (!files_.empty() && files_.back()->start_offset() >= end &&
           !(files_.size() == 1 && files_.back()->start_offset() == end)) {
      doomed.push_back(files_.back());
      files_.pop_back();
    }
    for (auto& file : files_) {
      if (file->end_offset() <= end) {
        file->reset_positions(file->size());
      } else {
        const std::int64_t position = end - file->start_offset();
        file->zero_from(position);
        file->reset_positions(position);
      }
    }
    flushed_end_.store(end, std::memory_order_release);
  }
  for (auto& file : doomed) {
    auto status = file->destroy();
    if (!status) return status;
  }
  return sdk::Status::ok();
}

sdk::Status MappedFileQueue::start_at(std::int64_t offset) noexcept {
  const std::int64_t start = offset / file_size_ * file_size_;
  auto file = create_file(start);
  if (!file.ok()) return file.status();
  file.value()->reset_positions(offset - start);
  flushed_end_.store(offset, std::memory_order_release);
  return sdk::Status::ok();
}

int MappedFileQueue::delete_front_while(const std::function<bool(const MappedFile&)>& expired,
                                        int max_files) noexcept {
  int deleted = 0;
  while (deleted < max_files) {
    std::shared_ptr<MappedFile> front;
    {
      std::lock_guard lock(mu_);
      if (files_.size() <= 1 || !expired(*files_.front())) break;
      front = files_.front();
      files_.erase(files_.begin());
    }
    (void)front->destroy();
    ++deleted;
  }
  return deleted;
}

void MappedFileQueue::destroy_all() noexcept {
  std::vector<std::shared_ptr<MappedFile>> doomed;
  {
    std::lock_guard lock(mu_);
    doomed.swap(files_);
  }
  for (auto& file : doomed) (void)file->destroy();
  std::error_code error;
  fs::remove(directory_, error);
}

}  // namespace mq::store_mmap
