// apply_key_table: turns a properties file plus command-line overrides into a configuration
// struct, using that struct's KeyTable. The one place where keys are matched by name.
//
// Order of work: syntax warnings and duplicated keys are reported; every entry is matched to
// its key (unknown keys warned about with the closest known key, legacy spellings warned
// about, ignored RocketMQ keys noted, keys with a '.' set aside for plugins); explicit values
// are validated and stored in file order, overrides last (the first bad one fails the parse);
// then every key without a value gets its default, in table order.
#pragma once

#include "mq/sdk/status.h"

#include "config/closest_key.h"
#include "config/config_diagnostics.h"
#include "config/config_environment.h"
#include "config/config_key_info.h"
#include "config/config_key_table.h"
#include "config/config_values.h"
#include "config/properties_file.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mq::core {

inline constexpr std::string_view kCommandLineFile = "<command line>";
inline constexpr std::string_view kDefaultOrigin = "<default>";

// Where each key's effective value came from: the entry (with the key as written) for keys set
// in the file or on the command line; nothing for defaults.
class KeySources {
 public:
  void set(std::string_view canonical_name, PropertyEntry entry);
  const PropertyEntry* find(std::string_view canonical_name) const;
  bool contains(std::string_view canonical_name) const { return find(canonical_name) != nullptr; }
  // "broker-a.properties:12", "<command line>", or "<default>" for a key left at its default.
  std::string location(std::string_view canonical_name) const;
  // The spelling the operator used, or `canonical_name` for a default.
  std::string_view written_key(std::string_view canonical_name) const;

 private:
  std::unordered_map<std::string_view, PropertyEntry> entries_;
};

// The one-line error: `LOCATION: KEY: 'VALUE'[ (NOTE)] WHAT; allowed: ALLOWED`.
std::string format_config_error(std::string_view location, std::string_view key,
                                const ValueProblem& problem, std::string_view value_note = {});
// The same line as an kInvalidArgument status.
sdk::Status config_error(std::string_view location, std::string_view key,
                         const ValueProblem& problem, std::string_view value_note = {});

// One entry to apply, in order.
struct ConfigInput {
  PropertyEntry entry;
  bool from_command_line = false;
};

// The entries of `file` (may be null) followed by `overrides` (whose blank file names become
// "<command line>"). Appends the file's syntax warnings and one warning per duplicated key
// naming both lines.
std::vector<ConfigInput> gather_config_input(const PropertiesFile* file,
                                             const std::vector<PropertyEntry>& overrides,
                                             ConfigDiagnostics& diagnostics);

// "FILE:LINE: unknown key 'brokerNmae' ignored; did you mean 'brokerName'?" (without the
// question when there is no suggestion).
std::string unknown_key_warning(const PropertyEntry& entry,
                                std::optional<std::string_view> suggestion);

// Sets or replaces entry.key in `plugin_entries` (keys with a '.'). A command-line value that
// replaces a file value is noted.
void put_plugin_entry(std::vector<PropertyEntry>& plugin_entries, const ConfigInput& input,
                      ConfigDiagnostics& diagnostics);

// Applies `table` to the input and fills `config` (which starts value-initialised) and
// `sources`. Config must have a `std::vector<PropertyEntry> plugin_entries` member.
// Fails with kInvalidArgument whose message is the one line to show the operator, or kInternal
// when a built-in default does not pass its own validator (a bug in the table).
template <typename Config>
sdk::Status apply_key_table(const KeyTable<Config>& table, const PropertiesFile* file,
                            const std::vector<PropertyEntry>& overrides,
                            const ConfigEnvironment& env, Config& config, KeySources& sources,
                            ConfigDiagnostics& diagnostics) {
  const std::vector<ConfigInput> inputs = gather_config_input(file, overrides, diagnostics);
  const auto& keys = table.keys();
  std::vector<std::optional<std::size_t>> winner(keys.size());  // key -> position in inputs

  for (std::size_t pos = 0; pos < inputs.size(); ++pos) {
    const ConfigInput& input = inputs[pos];
    const PropertyEntry& entry = input.entry;
    const std::string where = entry_location(entry);
    if (entry.key.empty()) {
      diagnostics.warnings.push_back(where + ": line has no key (value " +
                                     quote_value(entry.value) + "); ignored");
      continue;
    }
    if (entry.key.find('.') != std::string::npos) {
      put_plugin_entry(config.plugin_entries, input, diagnostics);
      continue;
    }
    const auto match = table.find(entry.key);
    if (!match) {
      std::optional<std::string_view> suggestion;
      if (auto closest = closest_key(entry.key, table.names())) {
        suggestion = keys[table.find(*closest)->index].name;  // a legacy spelling's canonical
      }
      diagnostics.warnings.push_back(unknown_key_warning(entry, suggestion));
      continue;
    }
    const KeyDecl<Config>& decl = keys[match->index];
    if (match->spelling == KeySpelling::kLegacyAlias) {
      diagnostics.warnings.push_back(where + ": " + quote_value(entry.key) +
                                     " is a legacy spelling of '" + std::string(decl.name) +
                                     "'; accepted, but please write '" + std::string(decl.name) +
                                     "'");
    }
    if (decl.ignored()) {
      if (decl.assign) {
        const Assigned checked = decl.assign(entry.value, config, env);
        if (checked.problem) return config_error(where, entry.key, *checked.problem);
      }
      diagnostics.notes.push_back(where + ": " + entry.key +
                                  " is accepted for RocketMQ compatibility and ignored: " +
                                  std::string(decl.ignore_reason));
      continue;
    }
    if (winner[match->index]) {
      const ConfigInput& earlier = inputs[*winner[match->index]];
      if (input.from_command_line) {
        if (!earlier.from_command_line) {
          diagnostics.notes.push_back(where + ": " + entry.key + "=" +
                                      escape_property_text(entry.value, false) + " overrides " +
                                      entry_location(earlier.entry));
        }
      } else {
        // The same key under two spellings (exact repeats were merged by PropertiesFile).
        diagnostics.warnings.push_back(where + ": " + quote_value(entry.key) + " sets '" +
                                       std::string(decl.name) + "' again (also set as " +
                                       quote_value(earlier.entry.key) + " at " +
                                       entry_location(earlier.entry) + "); this line wins");
      }
    }
    winner[match->index] = pos;
  }

  // Explicit values, in the order they were written.
  std::vector<std::pair<std::size_t, std::size_t>> order;  // (input position, key index)
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (winner[i]) order.emplace_back(*winner[i], i);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [pos, index] : order) {
    const PropertyEntry& entry = inputs[pos].entry;
    const Assigned result = keys[index].assign(entry.value, config, env);
    if (result.problem) return config_error(entry_location(entry), entry.key, *result.problem);
    if (!result.adjustment.empty()) {
      diagnostics.warnings.push_back(entry_location(entry) + ": " + entry.key + ": " +
                                     result.adjustment);
    }
    sources.set(keys[index].name, entry);
  }

  // Defaults, in declaration order (a derived default may read keys declared before it).
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const KeyDecl<Config>& decl = keys[i];
    if (winner[i] || decl.ignored()) continue;
    if (!decl.derive) {
      const Assigned result = decl.assign(decl.default_text, config, env);
      if (result.problem) {
        return sdk::Status(
            sdk::StatusCode::kInternal,
            format_config_error(kDefaultOrigin, decl.name, *result.problem, "built-in default"));
      }
      continue;
    }
    const DerivedDefault derived = decl.derive(config, env);
    const Assigned result = decl.assign(derived.text, config, env);
    std::string where = !derived.from_key.empty() ? sources.location(derived.from_key)
                        : !derived.origin.empty() ? derived.origin
                                                  : std::string(kDefaultOrigin);
    if (result.problem) {
      return config_error(where, decl.name, *result.problem,
                          "default: " + std::string(decl.default_doc));
    }
    if (!result.adjustment.empty()) {
      diagnostics.warnings.push_back(where + ": " + std::string(decl.name) + ": " +
                                     result.adjustment);
    }
  }
  return sdk::Status::ok();
}

// The `key=value` lines -p prints: every declared key with its effective value, sorted by key,
// then the plugin entries (keys with a '.') as written, sorted. Values are escaped so the
// output reads back as a properties file.
template <typename Config>
std::string format_key_table(const KeyTable<Config>& table, const Config& config) {
  std::vector<std::string> lines;
  for (const auto& decl : table.keys()) {
    if (decl.ignored()) continue;
    lines.push_back(std::string(decl.name) + "=" +
                    escape_property_text(decl.format(config), false));
  }
  std::sort(lines.begin(), lines.end());
  std::vector<std::string> plugin_lines;
  for (const auto& entry : config.plugin_entries) {
    plugin_lines.push_back(escape_property_text(entry.key, true) + "=" +
                           escape_property_text(entry.value, false));
  }
  std::sort(plugin_lines.begin(), plugin_lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  for (const auto& line : plugin_lines) out += line + "\n";
  return out;
}

// Every key of `table` in declaration order, as documentation shows it.
template <typename Config>
std::vector<ConfigKeyInfo> describe_key_table(const KeyTable<Config>& table) {
  std::vector<ConfigKeyInfo> out;
  for (const auto& decl : table.keys()) {
    ConfigKeyInfo info;
    info.name = std::string(decl.name);
    for (auto alias : decl.legacy_aliases) info.legacy_aliases.emplace_back(alias);
    for (auto other : decl.synonyms) info.synonyms.emplace_back(other);
    info.type = std::string(decl.type);
    info.default_value = std::string(decl.shown_default());
    info.allowed = decl.allowed;
    info.description = std::string(decl.description);
    info.ignored_reason = std::string(decl.ignore_reason);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace mq::core
