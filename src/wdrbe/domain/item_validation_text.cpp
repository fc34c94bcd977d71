#include "wdrbe/domain/item_validation_text.hpp"

#include <array>

#include "wdrbe/base/utf8.hpp"

namespace wdrbe {
namespace {

bool IsBidiControl(char32_t c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

struct Range {
  char32_t first;
  char32_t last;
};

// Unicode White_Space, the format characters (Cf, Unicode 15), and
// characters that are drawn as nothing though they are letters or marks
// (the combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
// Mongolian and other variation selectors, the Braille blank): all of them
// have been used to make names that look empty. Sorted by code point.
constexpr std::array<Range, 35> kInvisible = {{
    {0x0009, 0x000D},   {0x0020, 0x0020},   {0x0085, 0x0085},   {0x00A0, 0x00A0},   {0x00AD, 0x00AD},
    {0x034F, 0x034F},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x115F, 0x1160},   {0x1680, 0x1680},   {0x17B4, 0x17B5},
    {0x180B, 0x180F},   {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},
    {0x2800, 0x2800},   {0x3000, 0x3000},   {0x3164, 0x3164},   {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F},
    {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
}};

}  // namespace

bool IsInvisibleCodePoint(char32_t c) {
  for (const Range& range : kInvisible) {
    if (c >= range.first && c <= range.last) return true;
  }
  return false;
}

std::optional<std::string> TextProblem(std::string_view trimmed) {
  bool all_invisible = true;
  for (std::size_t at = 0; at < trimmed.size();) {
    const std::optional<char32_t> c = NextCodePoint(trimmed, at);
    if (!c) return "must be valid UTF-8";
    if (IsControlCodePoint(*c)) return "must not contain control characters (U+0000-U+001F, U+007F-U+009F)";
    if (IsBidiControl(*c))
      return "must not contain bidirectional embedding, override or isolate characters "
             "(U+202A-U+202E, U+2066-U+2069)";
    if (!IsInvisibleCodePoint(*c)) all_invisible = false;
  }
  if (!trimmed.empty() && all_invisible) return "must not be made only of whitespace or invisible characters";
  return std::nullopt;
}

}  // namespace wdrbe
