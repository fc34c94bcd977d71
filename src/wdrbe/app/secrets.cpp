#include "wdrbe/app/secrets.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "wdrbe/app/aws_secret.hpp"
#include "wdrbe/app/data_dir_layout.hpp"
#include "wdrbe/auth/jwk.hpp"
#include "wdrbe/storage/private_files.hpp"

namespace wdrbe::app {
namespace {

// The size of a generated <data_dir>/cursor.key.
constexpr std::size_t kCursorKeyBytes = kMinCursorKeyBytes;

std::string Errno() { return std::strerror(errno); }

// Printed before the logger exists, and meant for whoever starts the
// server: a warning, since refusing to start over a mode would turn a
// hardening hint into an outage.
void WarnIfExposed(const std::filesystem::path& path) {
  if (auto warning = ExposedSecretFileWarning(path)) std::cerr << "wdrbe: warning: " << *warning << std::endl;
}

// The contents of an operator's key file named by `flag`, trailing newlines
// dropped (editors and `echo` add them; they are never part of the key).
Result<std::string> ReadKeyFile(std::string_view flag, const std::string& path) {
  const std::string named = std::string(flag) + " " + path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::BadRequest("cannot read " + named + ": " + Errno());
  std::string key(kMaxKeyFileBytes + 1, '\0');
  in.read(key.data(), static_cast<std::streamsize>(key.size()));
  if (in.bad()) return Error::BadRequest("cannot read " + named + ": " + Errno());
  key.resize(static_cast<std::size_t>(in.gcount()));
  if (key.size() > kMaxKeyFileBytes) {
    return Error::BadRequest(named + " is larger than " + std::to_string(kMaxKeyFileBytes) +
                             " bytes; it should hold only the key");
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

Result<std::string> LoadOrCreateDataDirCursorKey(const std::filesystem::path& data_dir,
                                                 RandomSource& random) {
  const auto path = data_dir / kCursorKeyFile;
  if (!std::filesystem::exists(path)) {
    std::array<std::uint8_t, kCursorKeyBytes> key{};
    random.Fill(key);
    const std::string bytes(reinterpret_cast<const char*>(key.data()), key.size());
    // Atomically, so a crash can never leave a short key behind: a damaged
    // key below is then someone else's doing, and is not replaced silently
    // (a new key would invalidate every cursor clients hold).
    Status created = WriteNewFileAtomically(path, bytes);
    // Another process may have won the race to create it; then read theirs.
    if (!created.ok() && created.error().code != ErrorCode::kConflict) return created.error();
  } else {
    WarnIfExposed(path);
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() != kCursorKeyBytes) {
    return Error::Internal(path.string() + " is damaged (expected " + std::to_string(kCursorKeyBytes) +
                           " bytes); delete it to make a new one (outstanding cursors become invalid)");
  }
  return key;
}

}  // namespace

Result<std::string> LoadJwtSecret(const std::optional<std::string>& secret_file,
                                  const std::optional<std::string>& secret_arn) {
  std::string secret;
  if (secret_file && secret_arn) {
    return Error::BadRequest("--jwt-secret-file and --jwt-secret-arn name two secrets; give one");
  }
  if (secret_arn) {
    auto fetched = FetchAwsSecret("--jwt-secret-arn", *secret_arn);
    if (!fetched.ok()) return fetched.error();
    secret = std::move(*fetched);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  } else if (secret_file) {
    auto contents = ReadKeyFile("--jwt-secret-file", *secret_file);
    if (!contents.ok()) return contents.error();
    WarnIfExposed(*secret_file);
    secret = std::move(*contents);
  } else if (const char* env = std::getenv("WDRBE_JWT_SECRET"); env != nullptr) {
    secret = env;
  } else {
    return Error::BadRequest(
        "no JWT secret configured: set WDRBE_JWT_SECRET (for example: export WDRBE_JWT_SECRET=$(openssl rand "
        "-hex "
        "32)), pass --jwt-secret-file PATH, or --jwt-secret-arn ARN (AWS Secrets Manager)");
  }
  if (secret.size() < kMinJwtSecretBytes) {
    return Error::BadRequest("the JWT secret is " + std::to_string(secret.size()) + " bytes; at least " +
                             std::to_string(kMinJwtSecretBytes) +
                             " are required (try: openssl rand -hex 32)");
  }
  return secret;
}

bool JwtSecretConfigured(const std::optional<std::string>& secret_file,
                         const std::optional<std::string>& secret_arn) {
  return secret_file.has_value() || secret_arn.has_value() || std::getenv("WDRBE_JWT_SECRET") != nullptr;
}

Result<std::string> ReadJwksFile(const std::string& path) {
  const std::string named = "--jwks-file " + path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::BadRequest("cannot read " + named + ": " + Errno());
  std::string document(kMaxJwksBytes + 1, '\0');
  in.read(document.data(), static_cast<std::streamsize>(document.size()));
  if (in.bad()) return Error::BadRequest("cannot read " + named + ": " + Errno());
  document.resize(static_cast<std::size_t>(in.gcount()));
  if (document.size() > kMaxJwksBytes) {
    return Error::BadRequest(named + " is larger than " + std::to_string(kMaxJwksBytes) + " bytes");
  }
  return document;
}

Status PrepareDataDir(const std::filesystem::path& data_dir) {
  if (Status s = CreatePrivateDirectory(data_dir); !s.ok())
    return Error::Unavailable("cannot create data directory: " + s.error().message);
  if (::access(data_dir.c_str(), W_OK | X_OK) != 0) {
    return Error::Unavailable("data directory " + data_dir.string() + " is not writable: " + Errno());
  }
  return Status::Ok();
}

Result<std::string> LoadCursorKey(const std::optional<std::string>& key_file,
                                  const std::filesystem::path& data_dir, RandomSource& random) {
  if (!key_file) return LoadOrCreateDataDirCursorKey(data_dir, random);
  auto key = ReadKeyFile("--cursor-key-file", *key_file);
  if (!key.ok()) return key.error();
  WarnIfExposed(*key_file);
  if (key->size() < kMinCursorKeyBytes) {
    return Error::BadRequest("--cursor-key-file " + *key_file + " holds " + std::to_string(key->size()) +
                             " bytes; at least " + std::to_string(kMinCursorKeyBytes) +
                             " are required (try: openssl rand -hex 32 > " + *key_file + ")");
  }
  return key;
}

}  // namespace wdrbe::app
