// ExtFields: a command's extFields, kept sorted by key (the order the encoders write them in)
// in one contiguous vector. A request carries about a dozen fields; a node-based map cost an
// allocation per field and a chain of key compares per lookup, on every request and response.
//
// The interface is the part of std::map the codec and processors use: find, insert_or_assign,
// erase, iteration in key order, equality.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mq::core {

class ExtFields {
 public:
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  ExtFields() = default;
  // As a std::map built from the list: for a repeated key the first value is kept.
  ExtFields(std::initializer_list<value_type> entries);

  const_iterator begin() const noexcept { return entries_.begin(); }
  const_iterator end() const noexcept { return entries_.end(); }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  void clear() noexcept { entries_.clear(); }
  void reserve(std::size_t n) { entries_.reserve(n); }

  // The entry of `key`, or end().
  const_iterator find(std::string_view key) const noexcept;
  // Sets `key` to `value`, adding the entry when it is missing.
  void insert_or_assign(std::string_view key, std::string value);
  // Removes the entry of `key`; returns how many were removed (0 or 1).
  std::size_t erase(std::string_view key) noexcept;
  // Calls visit(key, value) for every entry in key order, with the value open to change (a
  // reader may move it out); keys, and so the order, stay as they are.
  template <typename Visitor>
  void visit_values(Visitor&& visit) {
    for (auto& [key, value] : entries_) visit(std::string_view(key), value);
  }

  friend bool operator==(const ExtFields&, const ExtFields&) = default;

 private:
  // The first entry whose key is not less than `key`.
  const_iterator lower_bound(std::string_view key) const noexcept;

  static constexpr std::size_t kTypicalFields = 16;
  std::vector<value_type> entries_;  // sorted by key, keys unique
};

}  // namespace mq::core
