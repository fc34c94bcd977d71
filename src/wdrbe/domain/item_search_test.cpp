// The words search sees, the terms of a query and the tier of an item.
#include "wdrbe/domain/item_search.hpp"

#include <gtest/gtest.h>

#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item_service.hpp"
#include "wdrbe/domain/item_validation.hpp"
#include "wdrbe/domain/search_words.hpp"

namespace wdrbe {
namespace {

using Words = std::vector<std::string>;

TEST(SearchWordsTest, CaseAccentsAndCompatibilityFormsFold) {
  EXPECT_EQ(SearchWordsOf("Robe d'Été"), (Words{"robe", "d", "ete"}));
  EXPECT_EQ(SearchWordsOf("ÉTÉ été ete"), (Words{"ete", "ete", "ete"}));
  EXPECT_EQ(SearchWordsOf("Straße"), (Words{"strasse"}));
  EXPECT_EQ(SearchWordsOf("ﬁne Ｎａｖｙ"), (Words{"fine", "navy"})) << "a ligature and full-width letters";
  EXPECT_EQ(SearchWordsOf("e\u0301te\u0301"), (Words{"ete"})) << "combining accents vanish inside a word";
  EXPECT_EQ(SearchWordsOf("Ångström Øre ça"), (Words{"angstrom", "øre", "ca"}))
      << "ø has no decomposition: it stays a letter of its own";
}

TEST(SearchWordsTest, PunctuationSpacesAndSymbolsSeparateWords) {
  EXPECT_EQ(SearchWordsOf("  t-shirt, (navy)/blue_ish!  "), (Words{"t", "shirt", "navy", "blue", "ish"}));
  EXPECT_EQ(SearchWordsOf("size 42 x2"), (Words{"size", "42", "x2"}));
  EXPECT_EQ(SearchWordsOf("👗 dress ❤"), (Words{"dress"}));
  EXPECT_TRUE(SearchWordsOf("!!! --- ...").empty());
  EXPECT_TRUE(SearchWordsOf("").empty());
}

TEST(SearchWordsTest, OtherScriptsKeepTheirLetters) {
  EXPECT_EQ(SearchWordsOf("Пальто СИНЕЕ"), (Words{"пальто", "синее"}));
  EXPECT_EQ(SearchWordsOf("Κόκκινο"), (Words{"κοκκινο"}));
  EXPECT_EQ(SearchWordsOf("红色 外套"), (Words{"红色", "外套"}));
}

TEST(SearchTermsTest, TermsAreTheFoldedDistinctWordsThatBeginNoOther) {
  EXPECT_EQ(*ParseSearchTerms("Nav BLA"), (Words{"nav", "bla"}));
  EXPECT_EQ(*ParseSearchTerms("navy nav NAVY"), (Words{"navy"}));
  EXPECT_EQ(*ParseSearchTerms("a ab abc b"), (Words{"abc", "b"}));
  EXPECT_EQ(*ParseSearchTerms("été ete"), (Words{"ete"}));
}

TEST(SearchTermsTest, RefusedQueriesSayWhichRule) {
  const auto message = [](std::string_view q) {
    Result<Words> terms = ParseSearchTerms(q);
    return terms.ok() ? std::string("accepted") : terms.error().message;
  };
  EXPECT_EQ(message(""), "q is required and must be 1-200 characters");
  EXPECT_EQ(message(std::string(201, 'a')), "q is required and must be 1-200 characters");
  EXPECT_EQ(message(std::string(200, 'a')), "accepted");
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "é";
  EXPECT_EQ(message(wide), "accepted") << "200 characters of 2 bytes each";
  EXPECT_EQ(message("navy\x01"), "q must not contain control characters");
  EXPECT_EQ(message("\xff"), "q must be UTF-8");
  EXPECT_EQ(message("?! -"), "q must contain at least one letter or digit");
  EXPECT_EQ(message("aa bb cc dd ee ff gg hh ii jj"), "accepted");
  EXPECT_EQ(message("aa bb cc dd ee ff gg hh ii jj kk"), "q has more than 10 distinct words");
  EXPECT_EQ(message("aa bb cc dd ee ff gg hh ii jj jj a b c"), "accepted")
      << "repeats, and words that begin another, are not counted";
}

TEST(SearchTierTest, NameMatchesAreTierZeroOtherFieldsTierOne) {
  ItemFields fields;
  fields.name = "Navy Blazer";
  fields.category = "outerwear";
  fields.brand = "Acme Tailors";
  fields.color = "dark blue";
  EXPECT_EQ(MatchTier(fields, {"nav", "bla"}), SearchTier::kName);
  EXPECT_EQ(MatchTier(fields, {"navy", "acme"}), SearchTier::kAnyField);
  EXPECT_EQ(MatchTier(fields, {"tail", "dark", "out"}), SearchTier::kAnyField);
  EXPECT_EQ(MatchTier(fields, {"navy", "shoes"}), std::nullopt);
  EXPECT_EQ(MatchTier(fields, {"avy"}), std::nullopt);
  fields.brand.reset();
  EXPECT_EQ(MatchTier(fields, {"acme"}), std::nullopt);
}

TEST(SearchPositionTest, APositionSurvivesACursorAndABadOneIsRefused) {
  const SearchPosition position{SearchTier::kAnyField, 123456789, "itm_1"};
  EXPECT_EQ(*SearchPositionOf(CursorPositionOf(position)), position);
  EXPECT_FALSE(SearchPositionOf(CursorPosition{1, "2itm"}).ok());
  EXPECT_FALSE(SearchPositionOf(CursorPosition{1, "0"}).ok());
}

TEST(SearchPositionTest, TheCursorScopeTellsQueriesAndFiltersApart) {
  const Words navy{"navy"};
  const std::string base = ItemSearchCursorScope("u", navy, std::nullopt, std::nullopt);
  EXPECT_NE(base, ItemSearchCursorScope("u", {"nav"}, std::nullopt, std::nullopt));
  EXPECT_NE(base, ItemSearchCursorScope("v", navy, std::nullopt, std::nullopt));
  EXPECT_NE(base, ItemSearchCursorScope("u", navy, "winter", std::nullopt));
  EXPECT_NE(base, ItemSearchCursorScope("u", navy, std::nullopt, "winter"));
  EXPECT_NE(ItemSearchCursorScope("u", {"a", "b"}, std::nullopt, std::nullopt),
            ItemSearchCursorScope("u", {"ab"}, std::nullopt, std::nullopt));
}

TEST(SearchPositionTest, APageEndingOnTheLongestItemIdGivesACursorThatDecodes) {
  const CursorCodec codec(std::string(32, 'k'));
  for (const SearchTier tier : {SearchTier::kName, SearchTier::kAnyField}) {
    const SearchPosition position{tier, 1764064800123, std::string(kMaxItemIdLength, 'z')};
    const std::string cursor = codec.Encode("search", CursorPositionOf(position));
    EXPECT_LE(cursor.size(), kMaxCursorLength);
    Result<CursorPosition> decoded = codec.Decode("search", cursor);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    Result<SearchPosition> back = SearchPositionOf(*decoded);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, position);
  }
}

}  // namespace
}  // namespace wdrbe
