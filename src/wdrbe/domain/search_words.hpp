// The words of a text as search sees them: compatibility-decomposed
// (NFKD), with the non-spacing marks that carry accents removed, and fully
// case-folded, so that "Été", "ete" and "ÉTÉ" are one word and "ß" is "ss".
// A word is a run of letters, digits and spacing marks; everything else
// (spaces, punctuation, apostrophes, symbols) separates words: "Robe d'été"
// is "robe", "d", "ete". Both backends and both sides of a search (the
// item's fields and the query) use this one definition, so they agree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wdrbe {

// `text` is UTF-8 (the API validates it); invalid sequences separate words.
std::vector<std::string> SearchWordsOf(std::string_view text);

// Appends the words of `text` to `words`.
void AppendSearchWords(std::string_view text, std::vector<std::string>& words);

}  // namespace wdrbe
