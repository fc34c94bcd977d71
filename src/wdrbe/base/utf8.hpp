// UTF-8 decoding for the validators of text that reaches us as bytes (item
// fields, token claims): one reading of RFC 3629 for all of them.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace wdrbe {

// Decodes the code point at `text[at]` (at < text.size()), advancing `at`
// past it; nullopt for anything RFC 3629 forbids: stray continuation bytes,
// truncated sequences, overlong forms, surrogates, values above U+10FFFF.
std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t& at);

// Whether `text` is UTF-8 throughout (by NextCodePoint's rules).
bool IsUtf8(std::string_view text);

// The C0 and C1 control characters (U+0000-U+001F, U+007F-U+009F).
inline bool IsControlCodePoint(char32_t c) { return c <= 0x1F || (c >= 0x7F && c <= 0x9F); }

}  // namespace wdrbe
