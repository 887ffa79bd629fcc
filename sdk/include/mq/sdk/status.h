// Status and Result: how every seam method reports success or failure.
//
// No exception ever crosses the plugin boundary: seam methods are noexcept and return a
// Status, a Result<T>, or complete a callback with a Status. The core maps StatusCode to
// RocketMQ response codes in one table (core/remoting/status_mapping.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mq::sdk {

enum class StatusCode : std::uint32_t {
  kOk = 0,
  kInvalidArgument = 1,     // the caller passed something malformed; do not retry as is
  kNotFound = 2,            // the thing asked for does not exist
  kAlreadyExists = 3,       // a create found the thing already there
  kResourceExhausted = 4,   // a bounded queue or buffer is full: back off and retry
  kUnavailable = 5,         // not ready, stopped, or the peer is gone
  kTimeout = 6,             // the deadline passed before the operation completed
  kIoError = 7,             // the operating system refused a read, write or sync
  kCorruption = 8,          // data on disk or on the wire fails its checks
  kDiskFull = 9,            // writes refused because the disk is above its limit
  kFlushDiskTimeout = 10,   // stored, but SYNC_FLUSH did not complete in time
  kFlushSlaveTimeout = 11,  // stored, but the slave did not confirm in time
  kSlaveNotAvailable = 12,  // stored, but no slave is attached (SYNC_MASTER)
  kMessageIllegal = 13,     // message too large or malformed
  kClosed = 14,             // the connection or object was closed
  kNotSupported = 15,       // the plugin does not implement this
  kInternal = 16,           // a bug: an invariant did not hold
};

// Returns the enumerator's name without the leading 'k' ("Timeout").
constexpr std::string_view status_code_name(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk:
      return "Ok";
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case StatusCode::kResourceExhausted:
      return "ResourceExhausted";
    case StatusCode::kUnavailable:
      return "Unavailable";
    case StatusCode::kTimeout:
      return "Timeout";
    case StatusCode::kIoError:
      return "IoError";
    case StatusCode::kCorruption:
      return "Corruption";
    case StatusCode::kDiskFull:
      return "DiskFull";
    case StatusCode::kFlushDiskTimeout:
      return "FlushDiskTimeout";
    case StatusCode::kFlushSlaveTimeout:
      return "FlushSlaveTimeout";
    case StatusCode::kSlaveNotAvailable:
      return "SlaveNotAvailable";
    case StatusCode::kMessageIllegal:
      return "MessageIllegal";
    case StatusCode::kClosed:
      return "Closed";
    case StatusCode::kNotSupported:
      return "NotSupported";
    case StatusCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

// A code plus a message that tells the reader what to do. An OK status carries no message
// and allocates nothing.
class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() noexcept { return Status(); }

  bool is_ok() const noexcept { return code_ == StatusCode::kOk; }
  explicit operator bool() const noexcept { return is_ok(); }
  StatusCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  // "Timeout: no reply from 127.0.0.1:9876 within 3000 ms"
  std::string to_string() const {
    if (is_ok()) return "Ok";
    std::string out(status_code_name(code_));
    if (!message_.empty()) {
      out += ": ";
      out += message_;
    }
    return out;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
// REQUIRES: value() only when ok(); status() is OK exactly when a value is present.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.is_ok()) status_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const noexcept { return value_.has_value(); }
  const Status& status() const noexcept { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mq::sdk
