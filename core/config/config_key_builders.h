// KeyBuilders: makes the KeyDecl entries of a key table for the usual value types, so each key
// is one call naming its text, its limits and the field it lands in:
//
//   t.add(K::integer({"listenPort", "10911", "remoting port"}, 1, 65535,
//                    [](auto& c) -> auto& { return c.identity.listen_port; }));
//
// `access` is a generic lambda returning a reference to the field; it is called with a
// `Config&` to store and a `const Config&` to print.
#pragma once

#include "config/config_key_table.h"
#include "config/config_values.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mq::core {

// The text every key declaration starts with.
struct KeyText {
  std::string_view name;
  std::string_view default_text;  // empty for a derived default (see KeyDecl::derived)
  std::string_view description;
};

// "1..65535", or "an integer >= 0" when there is no useful upper bound.
std::string integer_range_text(std::int64_t min, std::int64_t max);

// "ASYNC_MASTER, SYNC_MASTER, SLAVE"
std::string join_names(const std::vector<std::string_view>& names, std::string_view separator);

// Checks a text value; returns what is wrong (to follow the quoted value) or nullopt.
using TextCheck = std::optional<std::string> (*)(std::string_view text);

template <typename Config>
struct KeyBuilders {
  using Decl = KeyDecl<Config>;

  // An integer in [min, max]. The field holds value * scale (seconds stored as ms: scale 1000).
  template <typename Access>
  static Decl integer(KeyText text, std::int64_t min, std::int64_t max, Access access,
                      std::int64_t scale = 1) {
    Decl d = base(text, "int", integer_range_text(min, max));
    d.assign = [min, max, scale, access, allowed = d.allowed](
                   std::string_view value, Config& c, const ConfigEnvironment&) -> Assigned {
      const auto parsed = parse_int64(value);
      if (!parsed) return Assigned::refuse(value, "is not an integer", allowed);
      if (*parsed < min || *parsed > max)
        return Assigned::refuse(value, "is out of range", allowed);
      auto& field = access(c);
      field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed * scale);
      return Assigned::ok();
    };
    d.format = [access, scale](const Config& c) {
      return std::to_string(static_cast<std::int64_t>(access(c)) / scale);
    };
    return d;
  }

  // An integer that RocketMQ clamps into [min, max] rather than refusing: a value outside is
  // stored clamped, with a warning; a non-integer is refused.
  template <typename Access>
  static Decl clamped_integer(KeyText text, std::int64_t min, std::int64_t max, Access access) {
    Decl d = base(text, "int", integer_range_text(min, max));
    d.assign = [min, max, access, allowed = d.allowed](std::string_view value, Config& c,
                                                       const ConfigEnvironment&) -> Assigned {
      const auto parsed = parse_int64(value);
      if (!parsed) return Assigned::refuse(value, "is not an integer", allowed);
      const std::int64_t stored = *parsed < min ? min : *parsed > max ? max : *parsed;
      auto& field = access(c);
      field = static_cast<std::remove_reference_t<decltype(field)>>(stored);
      if (stored == *parsed) return Assigned::ok();
      return Assigned::adjusted(quote_value(value) + " is outside " + allowed + "; using " +
                                std::to_string(stored) + ", as RocketMQ does");
    };
    d.format = [access](const Config& c) { return std::to_string(access(c)); };
    return d;
  }

  // true or false, in any case.
  template <typename Access>
  static Decl boolean(KeyText text, Access access) {
    Decl d = base(text, "bool", "true, false");
    d.assign = [access](std::string_view value, Config& c, const ConfigEnvironment&) -> Assigned {
      const auto parsed = parse_bool(value);
      if (!parsed) return Assigned::refuse(value, "is not a boolean", "true, false");
      access(c) = *parsed;
      return Assigned::ok();
    };
    d.format = [access](const Config& c) -> std::string { return access(c) ? "true" : "false"; };
    return d;
  }

  // A string field stored as written once `check` accepts it (null check: anything goes).
  template <typename Access>
  static Decl text(KeyText text, std::string_view type, std::string allowed, TextCheck check,
                   Access access) {
    Decl d = base(text, type, std::move(allowed));
    d.assign = [check, access, allowed = d.allowed](std::string_view value, Config& c,
                                                    const ConfigEnvironment&) -> Assigned {
      if (check != nullptr) {
        if (auto what = check(value)) return Assigned::refuse(value, std::move(*what), allowed);
      }
      access(c) = std::string(value);
      return Assigned::ok();
    };
    d.format = [access](const Config& c) { return std::string(access(c)); };
    return d;
  }

  // One of a fixed set of names, matched exactly (RocketMQ's enums are case-sensitive).
  // `noun` completes "'X' is not ..." ("a broker role").
  template <typename E, typename Access>
  static Decl choice(KeyText text, std::string_view noun,
                     std::vector<std::pair<std::string_view, E>> options, Access access) {
    std::vector<std::string_view> names;
    for (const auto& option : options) names.push_back(option.first);
    Decl d = base(text, "enum", join_names(names, ", "));
    d.assign = [options, noun, access, allowed = d.allowed](std::string_view value, Config& c,
                                                            const ConfigEnvironment&) -> Assigned {
      for (const auto& [name, enumerator] : options) {
        if (name == value) {
          access(c) = enumerator;
          return Assigned::ok();
        }
      }
      return Assigned::refuse(value, "is not " + std::string(noun), allowed);
    };
    d.format = [options, access](const Config& c) {
      for (const auto& [name, enumerator] : options) {
        if (enumerator == access(c)) return std::string(name);
      }
      return std::string("?");
    };
    return d;
  }

  // Any other shape of value: the caller writes the parser and the printer.
  static Decl custom(KeyText text, std::string_view type, std::string allowed,
                     typename Decl::AssignFn assign, typename Decl::FormatFn format) {
    Decl d = base(text, type, std::move(allowed));
    d.assign = std::move(assign);
    d.format = std::move(format);
    return d;
  }

  // A RocketMQ key we accept and ignore, with the reason shown in an info note.
  static Decl ignored(std::string_view name, std::string_view reason) {
    Decl d = base({name, "", ""}, "ignored", "");
    d.ignore_reason = reason;
    return d;
  }

  // A RocketMQ boolean we ignore while it is false but must refuse when true: silently
  // dropping it would change what the broker promises (ACL, TLS, DLedger).
  static Decl ignored_unless_false(std::string_view name, std::string_view reason) {
    Decl d = ignored(name, reason);
    d.allowed = "false";
    d.assign = [reason](std::string_view value, Config&, const ConfigEnvironment&) -> Assigned {
      const auto parsed = parse_bool(value);
      if (!parsed) return Assigned::refuse(value, "is not a boolean", "false");
      if (*parsed)
        return Assigned::refuse(value, "is not supported: " + std::string(reason), "false");
      return Assigned::ok();
    };
    return d;
  }

 private:
  static Decl base(KeyText text, std::string_view type, std::string allowed) {
    Decl d;
    d.name = text.name;
    d.default_text = text.default_text;
    d.description = text.description;
    d.type = type;
    d.allowed = std::move(allowed);
    return d;
  }
};

}  // namespace mq::core
