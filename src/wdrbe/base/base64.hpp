// Base64 (RFC 4648): base64url without padding (section 5), as JWTs and
// cursors use it, and standard base64 with padding (section 4), as API
// Gateway carries binary bodies.
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

// Standard alphabet (+ and /), padded with = to a multiple of 4.
std::string Base64Encode(std::string_view bytes);

// Strict: a multiple of 4 characters of the standard alphabet, with `=`
// padding only at the end (at most two), and zero bits after the last full
// byte. No whitespace.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace wdrbe
