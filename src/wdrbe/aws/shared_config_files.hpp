// The AWS CLI's shared files: ~/.aws/credentials and ~/.aws/config (or
// AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), INI text with one section
// per profile. The credentials file names a section "[name]"; the config
// file "[profile name]", except "[default]".
//
// Parsing rules (those of the SDKs, as far as wdrbe reads them): a line
// whose first non-blank character is '#' or ';' is a comment; "[ name ]"
// starts a section (names trimmed); "key = value" sets a key (key
// lowercased, both trimmed; a value keeps any '#' or ';' inside it); an
// indented line after a key with an empty value is a nested setting
// (e.g. "s3 =" sub-settings) and is ignored; a later duplicate key or
// section adds to / replaces the earlier one. Anything else is an error that
// names the file and line.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/aws/environment.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::aws {

// A shared file larger than this is the wrong file, not a configuration.
inline constexpr std::size_t kMaxSharedFileBytes = 1024 * 1024;

using IniSection = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, IniSection, std::less<>>;

// Errors (kBadRequest) name `file_name` and the line.
Result<IniFile> ParseIni(std::string_view text, std::string_view file_name);

// The file, parsed; nothing when it does not exist. An unreadable or
// oversized file, or one that does not parse, is an error.
Result<std::optional<IniFile>> ReadIniFile(const std::filesystem::path& path);

// AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials (nothing when
// neither is set).
std::optional<std::filesystem::path> CredentialsFilePath(const Environment& env);
// AWS_CONFIG_FILE, else $HOME/.aws/config.
std::optional<std::filesystem::path> ConfigFilePath(const Environment& env);
// AWS_PROFILE, else "default".
std::string ProfileName(const Environment& env);

// The profile's section of a config file: "[profile name]", or for
// "default" "[default]" (then "[profile default]").
const IniSection* ConfigFileProfile(const IniFile& config, std::string_view profile);

}  // namespace wdrbe::aws
