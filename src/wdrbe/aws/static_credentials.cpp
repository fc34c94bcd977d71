#include "wdrbe/aws/static_credentials.hpp"

#include "wdrbe/aws/shared_config_files.hpp"

namespace wdrbe::aws {
namespace {

std::optional<std::string> Value(const IniSection& section, std::string_view key) {
  const auto it = section.find(key);
  if (it == section.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The keys of one profile section; nothing when it has neither key.
Result<std::optional<Credentials>> KeysOf(const IniSection& section, const std::string& where) {
  auto id = Value(section, "aws_access_key_id");
  auto secret = Value(section, "aws_secret_access_key");
  if (!id && !secret) return std::optional<Credentials>();
  if (!id || !secret) {
    return Error::BadRequest(where + " has " + (id ? "aws_access_key_id" : "aws_secret_access_key") +
                             " without " + (id ? "aws_secret_access_key" : "aws_access_key_id"));
  }
  return std::optional<Credentials>(
      Credentials{*id, *secret, Value(section, "aws_session_token").value_or(""), std::nullopt});
}

bool NamesAnotherSource(const IniSection& section) {
  for (const auto& [key, value] : section) {
    if (key == "role_arn" || key == "credential_process" || key.starts_with("sso_")) return true;
  }
  return false;
}

}  // namespace

Result<std::optional<Credentials>> EnvironmentCredentials(const Environment& env) {
  auto id = env.Get("AWS_ACCESS_KEY_ID");
  auto secret = env.Get("AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) return std::optional<Credentials>();
  if (!id || !secret) {
    return Error::BadRequest(std::string(id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                             " is set but " + (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                             " is not: set both, or neither to use another credential source");
  }
  return std::optional<Credentials>(
      Credentials{*id, *secret, env.Get("AWS_SESSION_TOKEN").value_or(""), std::nullopt});
}

Result<std::optional<Credentials>> ProfileCredentials(const Environment& env) {
  const std::string profile = ProfileName(env);
  const bool chosen = env.Get("AWS_PROFILE").has_value();
  bool found = false;
  std::vector<std::string> looked_in;

  const std::pair<std::optional<std::filesystem::path>, bool> files[] = {{CredentialsFilePath(env), true},
                                                                         {ConfigFilePath(env), false}};
  for (const auto& [path, is_credentials_file] : files) {
    if (!path) continue;
    looked_in.push_back(path->string());
    Result<std::optional<IniFile>> file = ReadIniFile(*path);
    if (!file.ok()) return Error::BadRequest("AWS credentials: " + file.error().message);
    if (!*file) continue;
    const IniSection* section = nullptr;
    if (is_credentials_file) {
      if (auto it = (*file)->find(profile); it != (*file)->end()) section = &it->second;
    } else {
      section = ConfigFileProfile(**file, profile);
    }
    if (section == nullptr) continue;
    found = true;
    const std::string where = "profile \"" + profile + "\" in " + path->string();
    Result<std::optional<Credentials>> keys = KeysOf(*section, where);
    if (!keys.ok() || *keys) return keys;
    if (chosen && NamesAnotherSource(*section)) {
      return Error::BadRequest(where +
                               " uses role_arn, sso_* or credential_process, which wdrbe does not support: "
                               "give it aws_access_key_id and aws_secret_access_key");
    }
  }
  if (!chosen) return std::optional<Credentials>();
  std::string files_text;
  for (const auto& file : looked_in) files_text += (files_text.empty() ? "" : ", ") + file;
  if (files_text.empty()) files_text = "no file (HOME is unset)";
  if (!found) {
    return Error::BadRequest("AWS_PROFILE=" + profile + ": no such profile in " + files_text);
  }
  return Error::BadRequest("AWS_PROFILE=" + profile + ": the profile has no aws_access_key_id in " +
                           files_text);
}

}  // namespace wdrbe::aws
