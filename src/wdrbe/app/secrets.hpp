// The service's secrets: the JWT signing secret (from the operator) and the
// cursor key (made once, kept in the data directory).
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

// From `secret_file` (trailing newlines dropped) or else the environment
// variable WDRBE_JWT_SECRET. The error says how to set one.
Result<std::string> LoadJwtSecret(const std::optional<std::string>& secret_file);

// Creates the data directory if needed and checks that it is writable.
Status PrepareDataDir(const std::filesystem::path& data_dir);

// The key that signs list cursors: <data_dir>/cursor.key (32 random bytes,
// mode 0600), created on first start. Cursors stay valid across restarts.
Result<std::string> LoadOrCreateCursorKey(const std::filesystem::path& data_dir, RandomSource& random);

}  // namespace wdrbe::app
