// The few primitives the service needs, over OpenSSL 3.
#pragma once

#include <string>
#include <string_view>

namespace wdrbe {

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);

// Lowercase hex of arbitrary bytes.
std::string ToHex(std::string_view bytes);

// Compares in time that depends only on the lengths, never on the contents,
// so a MAC check leaks nothing about where the first difference is.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace wdrbe
