#include "remoting/remoting_command.h"

#include "remoting/json_reader.h"

#include <array>
#include <utility>

namespace mq::core {

namespace {

constexpr std::array<std::string_view, 13> kLanguageNames = {
    "JAVA",  "CPP",  "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO",     "PHP",    "OMS",    "RUST",
};

bool equals_ignore_case(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view language_name(LanguageCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kLanguageNames.size() ? kLanguageNames[index] : "OTHER";
}

LanguageCode language_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kLanguageNames.size(); ++i) {
    if (kLanguageNames[i] == name) return static_cast<LanguageCode>(i);
  }
  return LanguageCode::kOther;
}

std::optional<std::string_view> RemotingCommand::get(std::string_view key) const {
  const auto it = ext_fields.find(key);
  if (it == ext_fields.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::int64_t> RemotingCommand::get_int(std::string_view key) const {
  const auto text = get(key);
  if (!text) return std::nullopt;
  return parse_decimal_int64(*text);
}

std::optional<bool> RemotingCommand::get_bool(std::string_view key) const {
  const auto text = get(key);
  if (!text) return std::nullopt;
  if (equals_ignore_case(*text, "true")) return true;
  if (equals_ignore_case(*text, "false")) return false;
  return std::nullopt;
}

void RemotingCommand::set(std::string_view key, std::string value) {
  ext_fields.insert_or_assign(key, std::move(value));
}

void RemotingCommand::set(std::string_view key, std::int64_t value) {
  set(key, std::to_string(value));
}

RemotingCommand RemotingCommand::request(std::int32_t code) {
  RemotingCommand command;
  command.code = code;
  return command;
}

RemotingCommand RemotingCommand::response_to(const RemotingCommand& request, std::int32_t code,
                                             std::optional<std::string> remark) {
  RemotingCommand command;
  command.code = code;
  command.opaque = request.opaque;
  command.flag = kFlagResponse;
  command.serialize_type = request.serialize_type;
  command.remark = std::move(remark);
  return command;
}

}  // namespace mq::core
