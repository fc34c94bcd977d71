#include "wdrbe/aws/shared_config_files.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

namespace wdrbe::aws {
namespace {

std::string_view Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<IniFile> ParseIni(std::string_view text, std::string_view file_name) {
  IniFile file;
  IniSection* section = nullptr;
  bool last_key_empty = false;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto where = [&] { return std::string(file_name) + " line " + std::to_string(line_number); };
    if (line.front() == '[') {
      if (line.back() != ']') return Error::BadRequest(where() + ": a section header must end with ']'");
      const std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (name.empty()) return Error::BadRequest(where() + ": empty section name");
      section = &file[std::string(name)];
      last_key_empty = false;
      continue;
    }
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && last_key_empty) continue;  // a nested setting of the key above
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return Error::BadRequest(where() + ": expected \"key = value\" or \"[section]\"");
    }
    if (section == nullptr) return Error::BadRequest(where() + ": a setting before any [section]");
    const std::string_view key = Trim(line.substr(0, equals));
    if (key.empty()) return Error::BadRequest(where() + ": a setting without a name");
    const std::string_view value = Trim(line.substr(equals + 1));
    (*section)[Lowercase(key)] = std::string(value);
    last_key_empty = value.empty();
  }
  return file;
}

Result<std::optional<IniFile>> ReadIniFile(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return Error::Unavailable("cannot check " + path.string() + ": " + ec.message());
  if (!exists) return std::optional<IniFile>();
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::Unavailable("cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxSharedFileBytes) {
    return Error::BadRequest(path.string() + " is larger than " + std::to_string(kMaxSharedFileBytes) +
                             " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Error::Unavailable("cannot read " + path.string());
  Result<IniFile> parsed = ParseIni(text.str(), path.string());
  if (!parsed.ok()) return parsed.error();
  return std::optional<IniFile>(std::move(*parsed));
}

std::optional<std::filesystem::path> CredentialsFilePath(const Environment& env) {
  if (auto file = env.Get("AWS_SHARED_CREDENTIALS_FILE")) return std::filesystem::path(*file);
  if (auto home = env.Home()) return std::filesystem::path(*home) / ".aws" / "credentials";
  return std::nullopt;
}

std::optional<std::filesystem::path> ConfigFilePath(const Environment& env) {
  if (auto file = env.Get("AWS_CONFIG_FILE")) return std::filesystem::path(*file);
  if (auto home = env.Home()) return std::filesystem::path(*home) / ".aws" / "config";
  return std::nullopt;
}

std::string ProfileName(const Environment& env) { return env.Get("AWS_PROFILE").value_or("default"); }

const IniSection* ConfigFileProfile(const IniFile& config, std::string_view profile) {
  if (profile == "default") {
    if (auto it = config.find("default"); it != config.end()) return &it->second;
  }
  if (auto it = config.find("profile " + std::string(profile)); it != config.end()) return &it->second;
  return nullptr;
}

}  // namespace wdrbe::aws
