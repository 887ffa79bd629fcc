// Reading and durably replacing the small JSON files under <storePathRootDir>/config/
// (subscriptionGroup.json, consumerOffset.json): the whole file is read or written at once.
//
// replace_file_durably() writes "<path>.tmp", fsyncs it, renames it over `path` and fsyncs the
// directory, so after an OK return the new contents survive a crash, and at every moment the
// file holds either the complete old or the complete new contents. A failure leaves the old
// file in place (a stale "<path>.tmp" may remain; the next write truncates it).
// Thread-safety: the functions share no state, but two concurrent writers of the same path
// race on the temp file: each caller serializes its own writes to a path.
#pragma once

#include "mq/sdk/status.h"

#include <optional>
#include <string>
#include <string_view>

namespace mq::core {

// The whole file, or nullopt when it does not exist. kIoError (naming the path) when it exists
// but cannot be read.
sdk::Result<std::optional<std::string>> read_file_if_exists(const std::string& path);

// Creates the parent directory if needed, then replaces `path` as described above.
// kIoError naming the path and the OS error on any failure.
sdk::Status replace_file_durably(const std::string& path, std::string_view text);

}  // namespace mq::core
