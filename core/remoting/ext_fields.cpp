#include "remoting/ext_fields.h"

#include <algorithm>

namespace mq::core {

ExtFields::ExtFields(std::initializer_list<value_type> entries) {
  entries_.reserve(entries.size());
  for (const auto& [key, value] : entries) {
    if (find(key) == end()) insert_or_assign(key, value);
  }
}

ExtFields::const_iterator ExtFields::lower_bound(std::string_view key) const noexcept {
  // Fields mostly arrive in key order: check the end before searching.
  if (entries_.empty() || std::string_view(entries_.back().first) < key) return entries_.end();
  return std::lower_bound(entries_.begin(), entries_.end(), key,
                          [](const value_type& entry, std::string_view k) {
                            return std::string_view(entry.first) < k;
                          });
}

ExtFields::const_iterator ExtFields::find(std::string_view key) const noexcept {
  const auto it = lower_bound(key);
  return it != entries_.end() && it->first == key ? it : entries_.end();
}

void ExtFields::insert_or_assign(std::string_view key, std::string value) {
  // One allocation for a whole request's fields (a send carries 13) instead of a growth step
  // every few fields, each moving the strings already there.
  if (entries_.capacity() == 0) entries_.reserve(kTypicalFields);
  const auto at = lower_bound(key);
  if (at != entries_.end() && at->first == key) {
    entries_[static_cast<std::size_t>(at - entries_.begin())].second = std::move(value);
    return;
  }
  entries_.emplace(at, std::string(key), std::move(value));
}

std::size_t ExtFields::erase(std::string_view key) noexcept {
  const auto it = find(key);
  if (it == entries_.end()) return 0;
  entries_.erase(it);
  return 1;
}

}  // namespace mq::core
