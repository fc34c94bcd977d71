// What an item search matches and in what order, shared by every backend.
//
// A query is a list of terms (the search words of `q`). An item matches
// when every term begins a word (SearchWordsOf) of its name, brand, colour
// or category, in any of them. Matches come in two tiers, best first:
// tier 0 when every term begins a word of the name itself, tier 1
// otherwise; within a tier, newest first. Ranking is a pure function of the
// item and the query (no corpus statistics), so it is the same on every
// backend and stays still while a client pages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item.hpp"

namespace wdrbe {

inline constexpr std::size_t kMaxSearchQueryCharacters = 200;
// After dropping repeated terms and terms that begin another term (which
// every match of the longer one also matches).
inline constexpr std::size_t kMaxSearchTerms = 10;

// The distinct terms of `q`, in the order given. kBadRequest (with the
// rule broken) when `q` is empty, longer than kMaxSearchQueryCharacters,
// has control characters, no letter or digit, or too many terms.
Result<std::vector<std::string>> ParseSearchTerms(std::string_view q);

enum class SearchTier : int { kName = 0, kAnyField = 1 };
inline constexpr int kSearchTierCount = 2;

// The item's tier for `terms`, or nullopt when it does not match.
std::optional<SearchTier> MatchTier(const ItemFields& fields, const std::vector<std::string>& terms);

// Whether every term begins one of `words`.
bool EveryTermBeginsAWord(const std::vector<std::string>& terms, const std::vector<std::string>& words);

// Where a search page ends: a tier and a position inside it in the
// backend's newest-first order of that tier. `sort_key` is the backend's
// (the item's creation time on one, a creation-ordered row number on
// another); `item_id` breaks ties where the backend needs it.
struct SearchPosition {
  SearchTier tier = SearchTier::kName;
  std::int64_t sort_key = 0;
  std::string item_id;
  friend bool operator==(const SearchPosition&, const SearchPosition&) = default;
};

// A search position as a cursor's position (the tier leads the id), and back.
CursorPosition CursorPositionOf(const SearchPosition& position);
Result<SearchPosition> SearchPositionOf(const CursorPosition& position);

}  // namespace wdrbe
