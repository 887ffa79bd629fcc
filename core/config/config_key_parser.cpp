#include "config/config_key_parser.h"

#include "config/config_values.h"

#include <map>

namespace mq::core {

void KeySources::set(std::string_view canonical_name, PropertyEntry entry) {
  entries_[canonical_name] = std::move(entry);
}

const PropertyEntry* KeySources::find(std::string_view canonical_name) const {
  auto it = entries_.find(canonical_name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string KeySources::location(std::string_view canonical_name) const {
  const PropertyEntry* entry = find(canonical_name);
  return entry == nullptr ? std::string(kDefaultOrigin) : entry_location(*entry);
}

std::string_view KeySources::written_key(std::string_view canonical_name) const {
  const PropertyEntry* entry = find(canonical_name);
  return entry == nullptr ? canonical_name : std::string_view(entry->key);
}

std::string format_config_error(std::string_view location, std::string_view key,
                                const ValueProblem& problem, std::string_view value_note) {
  std::string line(location);
  line += ": ";
  line += key;
  line += ": ";
  if (problem.value) {
    line += quote_value(*problem.value);
    if (!value_note.empty()) {
      line += " (";
      line += value_note;
      line += ")";
    }
    line += ' ';
  }
  line += problem.what;
  if (!problem.allowed.empty()) {
    line += "; allowed: ";
    line += problem.allowed;
  }
  return line;
}

sdk::Status config_error(std::string_view location, std::string_view key,
                         const ValueProblem& problem, std::string_view value_note) {
  return sdk::Status(sdk::StatusCode::kInvalidArgument,
                     format_config_error(location, key, problem, value_note));
}

std::vector<ConfigInput> gather_config_input(const PropertiesFile* file,
                                             const std::vector<PropertyEntry>& overrides,
                                             ConfigDiagnostics& diagnostics) {
  std::vector<ConfigInput> inputs;
  if (file != nullptr) {
    for (const auto& warning : file->warnings()) diagnostics.warnings.push_back(warning);

    // Every occurrence of each repeated key, so each repeat names the line it overrides.
    std::map<std::string, std::vector<const PropertyEntry*>> occurrences;
    for (const auto& dup : file->duplicates()) occurrences[dup.key].push_back(&dup);
    std::vector<std::pair<int, std::string>> duplicate_warnings;
    for (auto& [key, list] : occurrences) {
      list.push_back(file->find(key));
      std::sort(list.begin(), list.end(),
                [](const PropertyEntry* a, const PropertyEntry* b) { return a->line < b->line; });
      for (std::size_t i = 1; i < list.size(); ++i) {
        const PropertyEntry& before = *list[i - 1];
        const PropertyEntry& after = *list[i];
        std::string text = entry_location(after) + ": duplicate key " + quote_value(key) +
                           " overrides line " + std::to_string(before.line);
        if (before.value == after.value) {
          text += " (same value)";
        } else {
          text += " (was " + quote_value(before.value) + ", now " + quote_value(after.value) + ")";
        }
        duplicate_warnings.emplace_back(after.line, std::move(text));
      }
    }
    std::stable_sort(duplicate_warnings.begin(), duplicate_warnings.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [line, text] : duplicate_warnings) diagnostics.warnings.push_back(std::move(text));

    for (const auto& entry : file->entries()) inputs.push_back({entry, false});
  }
  for (const auto& entry : overrides) {
    ConfigInput input{entry, true};
    if (input.entry.file.empty()) input.entry.file = std::string(kCommandLineFile);
    inputs.push_back(std::move(input));
  }
  return inputs;
}

std::string unknown_key_warning(const PropertyEntry& entry,
                                std::optional<std::string_view> suggestion) {
  std::string text = entry_location(entry) + ": unknown key " + quote_value(entry.key) + " ignored";
  if (suggestion) text += "; did you mean '" + std::string(*suggestion) + "'?";
  return text;
}

void put_plugin_entry(std::vector<PropertyEntry>& plugin_entries, const ConfigInput& input,
                      ConfigDiagnostics& diagnostics) {
  for (auto& existing : plugin_entries) {
    if (existing.key != input.entry.key) continue;
    if (input.from_command_line) {
      diagnostics.notes.push_back(entry_location(input.entry) + ": " +
                                  escape_property_text(input.entry.key, true) + "=" +
                                  escape_property_text(input.entry.value, false) + " overrides " +
                                  entry_location(existing));
    }
    existing = input.entry;
    return;
  }
  plugin_entries.push_back(input.entry);
}

}  // namespace mq::core
