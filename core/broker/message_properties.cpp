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

namespace {

// The entries of a properties text as views, split as parse() does. False when a name repeats or
// there are more than the arrays hold.
constexpr std::size_t kMaxViewedEntries = 32;
struct ViewedEntries {
  std::array<std::string_view, kMaxViewedEntries> names;
  std::array<std::string_view, kMaxViewedEntries> values;
  std::size_t count = 0;

  bool split(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\x02', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view entry = text.substr(start, end - start);
      const auto separator = entry.find('\x01');
      if (separator != std::string_view::npos && separator > 0 && separator + 1 < entry.size()) {
        if (count == kMaxViewedEntries) return false;
        names[count] = entry.substr(0, separator);
        if (contains(names[count])) return false;
        values[count] = entry.substr(separator + 1);
        ++count;
      }
      start = end + 1;
    }
    return true;
  }
  bool contains(std::string_view name) const {
    for (std::size_t i = 0; i < count; ++i) {
      if (names[i] == name) return true;
    }
    return false;
  }
};

void append_entry(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += '\x02';
  out += name;
  out += '\x01';
  out += value;
}

}  // namespace

std::optional<std::string> MessageProperties::rewrite(std::string_view text, std::string_view drop,
                                                      std::string_view name,
                                                      std::string_view value) {
  ViewedEntries entries;
  if (!entries.split(text)) return std::nullopt;
  std::string out;
  out.reserve(text.size() + name.size() + value.size() + 2);
  bool set = false;
  for (std::size_t i = 0; i < entries.count; ++i) {
    if (entries.names[i] == name) {
      set = true;
      if (name != drop) append_entry(out, name, value);
    } else if (entries.names[i] != drop) {
      append_entry(out, entries.names[i], entries.values[i]);
    }
  }
  if (!set && name != drop) append_entry(out, name, value);
  return out;
}

std::string MessageProperties::merged_with(std::string_view text,
                                           const MessageProperties& defaults) {
  ViewedEntries entries;
  if (!entries.split(text)) {
    MessageProperties merged = parse(text);
    for (const auto& [name, value] : defaults.entries_) {
      if (!merged.get(name)) merged.set(name, value);
    }
    return merged.to_string();
  }
  std::string out;
  std::size_t size = text.size();
  for (const auto& [name, value] : defaults.entries_) size += name.size() + value.size() + 2;
  out.reserve(size);
  for (std::size_t i = 0; i < entries.count; ++i) {
    append_entry(out, entries.names[i], entries.values[i]);
  }
  for (const auto& [name, value] : defaults.entries_) {
    if (!entries.contains(name)) append_entry(out, name, value);
  }
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
