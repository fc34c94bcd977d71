#include "wdrbe/domain/item_search.hpp"

#include <algorithm>

#include "wdrbe/base/utf8.hpp"
#include "wdrbe/domain/item_validation.hpp"
#include "wdrbe/domain/search_words.hpp"

namespace wdrbe {
namespace {

bool BeginsWith(std::string_view word, std::string_view prefix) {
  return word.size() >= prefix.size() && word.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Result<std::vector<std::string>> ParseSearchTerms(std::string_view q) {
  std::size_t characters = 0;
  for (std::size_t at = 0; at < q.size();) {
    const std::optional<char32_t> c = NextCodePoint(q, at);
    if (!c) return Error::BadRequest("q must be UTF-8");
    if (IsControlCodePoint(*c)) return Error::BadRequest("q must not contain control characters");
    ++characters;
  }
  if (characters == 0 || characters > kMaxSearchQueryCharacters) {
    return Error::BadRequest("q is required and must be 1-" + std::to_string(kMaxSearchQueryCharacters) +
                             " characters");
  }
  std::vector<std::string> words = SearchWordsOf(q);
  if (words.empty()) return Error::BadRequest("q must contain at least one letter or digit");

  std::vector<std::string> terms;
  for (std::size_t i = 0; i < words.size(); ++i) {
    // A term that begins another (or repeats it) adds nothing: the word the
    // longer one begins, it begins too.
    const auto implied = [&](std::size_t j) { return j != i && BeginsWith(words[j], words[i]); };
    bool redundant = false;
    for (std::size_t j = 0; j < words.size() && !redundant; ++j) {
      // Of two equal words only the first is kept.
      redundant = implied(j) && (words[j].size() > words[i].size() || j < i);
    }
    if (!redundant) terms.push_back(words[i]);
  }
  if (terms.size() > kMaxSearchTerms) {
    return Error::BadRequest("q has more than " + std::to_string(kMaxSearchTerms) + " distinct words");
  }
  return terms;
}

bool EveryTermBeginsAWord(const std::vector<std::string>& terms, const std::vector<std::string>& words) {
  return std::all_of(terms.begin(), terms.end(), [&](const std::string& term) {
    return std::any_of(words.begin(), words.end(),
                       [&](const std::string& word) { return BeginsWith(word, term); });
  });
}

std::optional<SearchTier> MatchTier(const ItemFields& fields, const std::vector<std::string>& terms) {
  std::vector<std::string> words = SearchWordsOf(fields.name);
  if (EveryTermBeginsAWord(terms, words)) return SearchTier::kName;
  if (fields.brand) AppendSearchWords(*fields.brand, words);
  if (fields.color) AppendSearchWords(*fields.color, words);
  AppendSearchWords(fields.category, words);
  if (EveryTermBeginsAWord(terms, words)) return SearchTier::kAnyField;
  return std::nullopt;
}

static_assert(kMaxItemIdLength + 1 <= kMaxCursorPositionIdLength, "a search position must fit a cursor");

CursorPosition CursorPositionOf(const SearchPosition& position) {
  std::string id(1, static_cast<char>('0' + static_cast<int>(position.tier)));
  id += position.item_id;
  return CursorPosition{position.sort_key, std::move(id)};
}

Result<SearchPosition> SearchPositionOf(const CursorPosition& position) {
  // Only our own key made it (the codec checked the MAC), but a cursor of
  // a list route cannot reach here either: its scope differs.
  if (position.id.size() < 2) return InvalidCursorError();
  const int tier = position.id[0] - '0';
  if (tier < 0 || tier >= kSearchTierCount) return InvalidCursorError();
  return SearchPosition{static_cast<SearchTier>(tier), position.sort_ms, position.id.substr(1)};
}

}  // namespace wdrbe
