#include "broker/message_properties.h"

#include <algorithm>
#include <array>

namespace mq::core {

MessageProperties MessageProperties::parse(std::string_view text) {
  MessageProperties out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\x02', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(start, end - start);
    auto separator = entry.find('\x01');
    if (separator != std::string_view::npos && separator > 0 && separator + 1 < entry.size()) {
      out.set(entry.substr(0, separator), entry.substr(separator + 1));
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::string_view> MessageProperties::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

void MessageProperties::set(std::string_view name, std::string_view value) {
  for (auto& [key, existing] : entries_) {
    if (key == name) {
      existing = std::string(value);
      return;
    }
  }
  entries_.emplace_back(std::string(name), std::string(value));
}

void MessageProperties::remove(std::string_view name) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const auto& entry) { return entry.first == name; }),
                 entries_.end());
}

std::optional<std::string> MessageProperties::rewrite(std::string_view text, std::string_view drop,
                                                      std::string_view name,
                                                      std::string_view value) {
  constexpr std::size_t kMaxEntries = 32;
  std::array<std::string_view, kMaxEntries> names;
  std::array<std::string_view, kMaxEntries> values;
  std::size_t count = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\x02', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = text.substr(start, end - start);
    const auto separator = entry.find('\x01');
    if (separator != std::string_view::npos && separator > 0 && separator + 1 < entry.size()) {
      if (count == kMaxEntries) return std::nullopt;
      names[count] = entry.substr(0, separator);
      for (std::size_t i = 0; i < count; ++i) {
        if (names[i] == names[count]) return std::nullopt;
      }
      values[count] = entry.substr(separator + 1);
      ++count;
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(text.size() + name.size() + value.size() + 2);
  bool set = false;
  auto write = [&out](std::string_view n, std::string_view v) {
    if (!out.empty()) out += '\x02';
    out += n;
    out += '\x01';
    out += v;
  };
  for (std::size_t i = 0; i < count; ++i) {
    if (names[i] == name) {
      set = true;
      if (name != drop) write(name, value);
    } else if (names[i] != drop) {
      write(names[i], values[i]);
    }
  }
  if (!set && name != drop) write(name, value);
  return out;
}

std::string MessageProperties::to_string() const {
  std::string out;
  for (const auto& [key, value] : entries_) {
    if (!out.empty()) out += '\x02';
    out += key;
    out += '\x01';
    out += value;
  }
  return out;
}

}  // namespace mq::core
