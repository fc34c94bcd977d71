// The service's secrets: the JWT signing secret (from the operator) and the
// cursor key (from the operator, or made once and kept in the data directory).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::app {

// Shorter HS256 secrets are refused: RFC 7518 asks for a key at least as
// long as the hash output.
inline constexpr std::size_t kMinJwtSecretBytes = 32;

// A --cursor-key-file must hold at least this many bytes: the strength of
// the HMAC-SHA256 that signs cursors, and the size of a generated key.
inline constexpr std::size_t kMinCursorKeyBytes = 32;

// Key files are read whole; anything larger is the wrong file (a device, a
// log), not a key.
inline constexpr std::size_t kMaxKeyFileBytes = 4096;

// From `secret_file` (trailing newlines dropped), or else the Secrets
// Manager secret `secret_arn` (its SecretString, read now), or else the
// environment variable WDRBE_JWT_SECRET; a file and an ARN together are an
// error. The error says how to set one. A secret file that group or others
// may read or write gets a warning on stderr.
Result<std::string> LoadJwtSecret(const std::optional<std::string>& secret_file,
                                  const std::optional<std::string>& secret_arn = std::nullopt);

// Whether an HS256 secret is configured at all (`secret_file`, `secret_arn`
// or WDRBE_JWT_SECRET): with a JWKS, HS256 is optional; without one, required.
bool JwtSecretConfigured(const std::optional<std::string>& secret_file,
                         const std::optional<std::string>& secret_arn = std::nullopt);

// The bytes of a --jwks-file (a JWKS document: public keys, not a secret,
// but read here with the other key material). Errors name the flag and the
// file: unreadable, or larger than kMaxJwksBytes.
Result<std::string> ReadJwksFile(const std::string& path);

// Creates the data directory if needed (mode 0700) and checks that it is
// writable.
Status PrepareDataDir(const std::filesystem::path& data_dir);

// The key that signs list cursors. With `key_file` (--cursor-key-file): its
// bytes, trailing newlines dropped, at least kMinCursorKeyBytes; a missing
// file is an error and is never created, so that every process sharing the
// file signs with the same key. Without it: <data_dir>/cursor.key (32 random
// bytes, mode 0600), created atomically on first start; one of another
// length is a start error, never replaced (that would invalidate cursors).
// Either way cursors stay valid across restarts; a new key invalidates the
// cursors clients hold. An existing key file that group or others may read
// or write gets a warning on stderr.
Result<std::string> LoadCursorKey(const std::optional<std::string>& key_file,
                                  const std::filesystem::path& data_dir, RandomSource& random);

}  // namespace wdrbe::app
