// What the text of an item's free-text fields (name, category, color, brand)
// may hold, beyond its length: well-formed UTF-8, no control characters
// (Unicode Cc: U+0000-U+001F, U+007F-U+009F), no bidirectional embedding,
// override or isolate characters (U+202A-U+202E, U+2066-U+2069: they reorder
// how the text around them is displayed, so a name could show as something
// else than it is), and not made only of whitespace and invisible
// characters (format characters, Unicode Cf, such as U+200B or U+FEFF, and
// other characters that render as nothing).
//
// The checks apply to the text after trimming: whitespace at either end
// (tabs and line breaks included) is removed first, as it always was.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wdrbe {

// Why `trimmed` is not acceptable text, in words for the client, or nullopt.
// An empty text passes (whether it may be empty is the length rule's call).
std::optional<std::string> TextProblem(std::string_view trimmed);

// True for Unicode White_Space characters and the invisible ones above.
bool IsInvisibleCodePoint(char32_t c);

}  // namespace wdrbe
