// KeyTable: the declaration of every key of one configuration struct (BrokerConfig,
// NamesrvConfig), each declared exactly once with its RocketMQ name, legacy spellings, type,
// default, description, validator and the field it lands in. The table drives parsing,
// validation, defaults, `-p` printing and unknown-key suggestions; no other code looks a key
// up by its name.
//
// Tables are built once (config_key_builders.h makes the entries) and are immutable after
// seal(); a sealed table may be read from any thread.
#pragma once

#include "config/config_environment.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mq::core {

// Why a value was refused. The operator sees
// `FILE:LINE: KEY: 'VALUE' WHAT; allowed: ALLOWED` (without the quoted value when `value` is
// unset, without "; allowed" when `allowed` is empty).
struct ValueProblem {
  std::optional<std::string> value;  // the offending text; unset when not one value's fault
  std::string what;                  // "is not an integer", "is out of range"
  std::string allowed;               // "1..65535"
};

// The outcome of assigning one value to its field.
struct Assigned {
  std::optional<ValueProblem> problem;  // set: refused, the field is unchanged
  std::string adjustment;               // non-empty: stored, but changed in a way worth a warning

  static Assigned ok() { return {}; }
  static Assigned refuse(std::string_view value, std::string what, std::string allowed) {
    Assigned out;
    out.problem = ValueProblem{std::string(value), std::move(what), std::move(allowed)};
    return out;
  }
  static Assigned adjusted(std::string note) {
    Assigned out;
    out.adjustment = std::move(note);
    return out;
  }
};

// A default computed at start-up (brokerName: the host name; storePathCommitLog:
// <storePathRootDir>/commitlog). Its text is validated exactly like a value from the file.
struct DerivedDefault {
  std::string text;
  // The key this default follows; an error in it is reported at that key's line.
  std::string_view from_key;
  // Where the text came from when not from a key ("<environment NAMESRV_ADDR>").
  std::string origin;
};

template <typename Config>
struct KeyDecl {
  using AssignFn =
      std::function<Assigned(std::string_view text, Config& config, const ConfigEnvironment& env)>;
  using FormatFn = std::function<std::string(const Config& config)>;
  using DeriveFn =
      std::function<DerivedDefault(const Config& config, const ConfigEnvironment& env)>;

  std::string_view name;                         // the RocketMQ 4.9 spelling
  std::vector<std::string_view> legacy_aliases;  // accepted with a warning naming `name`
  std::vector<std::string_view> synonyms;  // other RocketMQ versions' names, accepted silently
  std::string_view type;                   // int, bool, string, enum, list, path
  std::string allowed;                     // the accepted values, as errors say them
  std::string_view default_text;   // parsed like a value from the file when the key is absent
  std::string_view default_doc;    // how a derived default is found, for documentation
  std::string_view description;    // one line
  std::string_view ignore_reason;  // non-empty: accepted for compatibility and ignored
  AssignFn assign;  // validates and stores; for an ignored key only validates (may be null)
  FormatFn format;  // the effective value as -p prints it (null for ignored keys)
  DeriveFn derive;  // null: the default is default_text

  bool ignored() const noexcept { return !ignore_reason.empty(); }
  // The default as documentation shows it.
  std::string_view shown_default() const noexcept { return derive ? default_doc : default_text; }

  KeyDecl& alias(std::string_view legacy) {
    legacy_aliases.push_back(legacy);
    return *this;
  }
  KeyDecl& synonym(std::string_view other) {
    synonyms.push_back(other);
    return *this;
  }
  KeyDecl& derived(std::string_view doc, DeriveFn fn) {
    default_doc = doc;
    derive = std::move(fn);
    return *this;
  }
};

enum class KeySpelling { kCanonical, kLegacyAlias, kSynonym };

template <typename Config>
class KeyTable {
 public:
  struct Match {
    std::size_t index;
    KeySpelling spelling;
  };

  // Appends a key. The returned reference is valid until the next add().
  // REQUIRES: not sealed.
  KeyDecl<Config>& add(KeyDecl<Config> decl) {
    keys_.push_back(std::move(decl));
    return keys_.back();
  }

  // Builds the name index. A name declared twice (a bug in the table) is remembered in
  // duplicate_name(); the first declaration keeps it.
  void seal() {
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      put(keys_[i].name, i, KeySpelling::kCanonical);
      for (auto alias : keys_[i].legacy_aliases) put(alias, i, KeySpelling::kLegacyAlias);
      for (auto other : keys_[i].synonyms) put(other, i, KeySpelling::kSynonym);
    }
  }

  // The first name declared twice, or nullopt when every name, alias and synonym is unique.
  std::optional<std::string_view> duplicate_name() const noexcept { return duplicate_; }

  // The key spelt `name` (canonically, as a legacy alias or as a synonym).
  std::optional<Match> find(std::string_view name) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
  }

  // Every key in declaration order. Derived defaults are computed in this order, so a key that
  // derives from another is declared after it.
  const std::vector<KeyDecl<Config>>& keys() const noexcept { return keys_; }
  const KeyDecl<Config>& at(std::size_t index) const { return keys_.at(index); }
  // Every spelling, canonical names first within each key, for "did you mean".
  const std::vector<std::string_view>& names() const noexcept { return names_; }

 private:
  std::vector<KeyDecl<Config>> keys_;
  std::unordered_map<std::string_view, Match> by_name_;
  std::vector<std::string_view> names_;
  std::optional<std::string_view> duplicate_;

  void put(std::string_view name, std::size_t index, KeySpelling spelling) {
    if (!by_name_.emplace(name, Match{index, spelling}).second && !duplicate_) duplicate_ = name;
    names_.push_back(name);
  }
};

}  // namespace mq::core
