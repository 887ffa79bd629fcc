// resolve_plugin_keys and warn_undeclared_plugin_keys: the plugin half of the config layer.
// Plugin keys are declared by each plugin's descriptor (sdk::ConfigKey lists), so they are
// checked here, after the plugins are loaded, and before any plugin object is created.
#include "config/broker_config.h"
#include "config/closest_key.h"
#include "config/config_key_parser.h"
#include "config/config_values.h"

#include <string>
#include <string_view>
#include <vector>

namespace mq::core {
namespace {

constexpr std::string_view kPluginDefaultOrigin = "<plugin default>";
// A descriptor's key list is ended by a null name; stop at this many in case it is not.
constexpr std::size_t kMaxDeclaredKeys = 4096;

// Parses `text` as `type` into `out`; nullopt on success, else the problem.
std::optional<ValueProblem> parse_typed(sdk::ConfigType type, std::string_view text,
                                        sdk::ConfigValue& out) {
  out.type = type;
  out.text = std::string(text);
  switch (type) {
    case sdk::ConfigType::kString:
      return std::nullopt;
    case sdk::ConfigType::kInt: {
      const auto value = parse_int64(text);
      if (!value) return ValueProblem{std::string(text), "is not an integer", "a 64-bit integer"};
      out.int_value = *value;
      return std::nullopt;
    }
    case sdk::ConfigType::kBool: {
      const auto value = parse_bool(text);
      if (!value) return ValueProblem{std::string(text), "is not a boolean", "true, false"};
      out.bool_value = *value;
      return std::nullopt;
    }
    case sdk::ConfigType::kDouble: {
      const auto value = parse_double(text);
      if (!value) {
        return ValueProblem{std::string(text), "is not a number", "a decimal number such as 0.5"};
      }
      out.double_value = *value;
      return std::nullopt;
    }
  }
  return ValueProblem{
      std::nullopt,
      "is declared with an unknown type " + std::to_string(static_cast<std::uint32_t>(type)),
      "string, int, bool, double"};
}

// Every declared name of one key list.
void collect_names(const sdk::ConfigKey* declared, std::vector<std::string_view>& names) {
  for (std::size_t i = 0; declared != nullptr && i < kMaxDeclaredKeys; ++i, ++declared) {
    if (declared->name == nullptr) break;
    names.emplace_back(declared->name);
  }
}

}  // namespace

sdk::Result<std::map<std::string, sdk::ConfigValue, std::less<>>> resolve_plugin_keys(
    const sdk::ConfigKey* declared, const std::vector<PropertyEntry>& entries) {
  std::map<std::string, sdk::ConfigValue, std::less<>> values;
  for (std::size_t i = 0; declared != nullptr && i < kMaxDeclaredKeys; ++i) {
    const sdk::ConfigKey& key = declared[i];
    if (key.name == nullptr) break;
    const std::string_view name(key.name);
    if (values.find(name) != values.end()) continue;  // declared twice: the first one counts
    const PropertyEntry* entry = nullptr;
    for (const auto& candidate : entries) {
      if (candidate.key == name) entry = &candidate;  // the last one wins
    }
    const std::string_view text =
        entry != nullptr ? std::string_view(entry->value)
                         : std::string_view(key.default_value != nullptr ? key.default_value : "");
    sdk::ConfigValue value;
    if (auto problem = parse_typed(key.type, text, value)) {
      const std::string where =
          entry != nullptr ? entry_location(*entry) : std::string(kPluginDefaultOrigin);
      return config_error(where, name, *problem);
    }
    values.emplace(std::string(name), std::move(value));
  }
  return values;
}

void warn_undeclared_plugin_keys(const std::vector<const sdk::ConfigKey*>& declared,
                                 const std::vector<PropertyEntry>& entries,
                                 std::vector<std::string>& warnings) {
  std::vector<std::string_view> names;
  for (const sdk::ConfigKey* list : declared) collect_names(list, names);
  for (const auto& entry : entries) {
    bool known = false;
    for (const std::string_view name : names) known = known || name == entry.key;
    if (known) continue;
    std::string text =
        entry_location(entry) + ": unknown plugin key " + quote_value(entry.key) + " ignored";
    if (auto closest = closest_key(entry.key, names)) {
      text += "; did you mean '" + std::string(*closest) + "'?";
    } else {
      text += "; no loaded plugin declares it";
    }
    warnings.push_back(std::move(text));
  }
}

}  // namespace mq::core
