// Base64url without padding (RFC 4648 section 5), as JWTs and cursors use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wdrbe {

std::string Base64UrlEncode(std::string_view bytes);

// Strict: rejects padding, characters outside the alphabet, a length of
// 1 mod 4, and non-zero bits after the last full byte (so every byte string
// has exactly one accepted encoding).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace wdrbe
