// ItemStore::SearchItems: what matches (every term begins a word, in any
// searchable field, case- and accent-insensitive), the two tiers and the
// order inside them, filters, pages, and that edits and deletes are seen
// at once.
#pragma once

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

// --- What matches ----------------------------------------------------------------------

TEST_P(ItemStoreSearchTest, EveryTermMustBeginAWordOfTheItem) {
  EXPECT_EQ(FoundIds(kAlice, "nav bla"), (std::vector<std::string>{"itm_blazer"}));
  EXPECT_EQ(FoundIds(kAlice, "blazer navy"), (std::vector<std::string>{"itm_blazer"}));
  EXPECT_TRUE(FoundIds(kAlice, "navy shoes blazer").empty());
  EXPECT_TRUE(FoundIds(kAlice, "avy").empty()) << "a term matches the start of a word, not its middle";
  EXPECT_TRUE(FoundIds(kAlice, "blazers").empty());
}

TEST_P(ItemStoreSearchTest, ALongTermMatchesWholeNotOnlyByItsFirstCharacters) {
  // "jackets" begins no word of the 70 newer "Jacket" items, though its
  // first six characters do.
  MustCreate(NewItem(kAlice, "itm_jackets", Fields("Two jackets", "outerwear"), kT0 + 10));
  for (int i = 0; i < 70; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_jacket", i), Fields("Jacket", "outerwear"), kT0 + 20 + i));
  }
  EXPECT_EQ(FoundIds(kAlice, "jackets"), (std::vector<std::string>{"itm_jackets"}));
  EXPECT_EQ(FoundIds(kAlice, "jackets", 1), (std::vector<std::string>{"itm_jackets"}));
  EXPECT_EQ(FoundIds(kAlice, "jacket").size(), 71u);
  EXPECT_EQ(FoundIds(kAlice, "outerwear jackets"), (std::vector<std::string>{"itm_jackets"}));
}

TEST_P(ItemStoreSearchTest, CaseAndAccentsDoNotMatter) {
  EXPECT_EQ(FoundIds(kAlice, "ete"), (std::vector<std::string>{"itm_robe"}));
  EXPECT_EQ(FoundIds(kAlice, "ÉTÉ"), (std::vector<std::string>{"itm_robe"}));
  EXPECT_EQ(FoundIds(kAlice, "robe d"), (std::vector<std::string>{"itm_robe"}));
  EXPECT_EQ(FoundIds(kAlice, "NAVY PAR"), (std::vector<std::string>{"itm_parka"}));
}

TEST_P(ItemStoreSearchTest, TermsMayMatchDifferentFields) {
  EXPECT_EQ(FoundIds(kAlice, "acme blaz"), (std::vector<std::string>{"itm_blazer"}));  // brand + name
  EXPECT_EQ(FoundIds(kAlice, "shoes navy foot"),
            (std::vector<std::string>{"itm_shoes"}));  // name, colour, category
  EXPECT_EQ(FoundIds(kAlice, "marine"), (std::vector<std::string>{"itm_robe"}));
}

TEST_P(ItemStoreSearchTest, OnlyTheUsersOwnItemsAreFound) {
  EXPECT_EQ(FoundIds(kBob, "navy"), (std::vector<std::string>{"itm_bob_navy"}));
  EXPECT_TRUE(FoundIds("usr_nobody", "navy").empty());
}

// --- Order -----------------------------------------------------------------------------

TEST_P(ItemStoreSearchTest, NameMatchesComeFirstThenTheRestEachNewestFirst) {
  // Name: parka (newest), blazer. Other fields only: shoes (colour navy).
  EXPECT_EQ(FoundIds(kAlice, "navy"), (std::vector<std::string>{"itm_parka", "itm_blazer", "itm_shoes"}));
  MustCreate(NewItem(kAlice, "itm_navy_tee", Fields("Tee", "tops"), kT0 + 10));
  ItemFields newer = Fields("Navy socks", "accessories");
  MustCreate(NewItem(kAlice, "itm_socks", newer, kT0 + 11));
  EXPECT_EQ(FoundIds(kAlice, "navy"),
            (std::vector<std::string>{"itm_socks", "itm_parka", "itm_blazer", "itm_shoes"}));
}

// --- Filters ---------------------------------------------------------------------------

TEST_P(ItemStoreSearchTest, SeasonAndCategoryFiltersMatchExactly) {
  EXPECT_EQ(FoundIds(kAlice, "navy", 100, "winter"), (std::vector<std::string>{"itm_parka"}));
  EXPECT_EQ(FoundIds(kAlice, "navy", 100, std::nullopt, "outerwear"),
            (std::vector<std::string>{"itm_parka", "itm_blazer"}));
  EXPECT_EQ(FoundIds(kAlice, "navy", 100, "summer", "footwear"), (std::vector<std::string>{"itm_shoes"}));
  EXPECT_TRUE(FoundIds(kAlice, "navy", 100, std::nullopt, "Outerwear").empty());
  EXPECT_TRUE(FoundIds(kAlice, "navy", 100, "spring").empty());
}

// --- Pages -----------------------------------------------------------------------------

TEST_P(ItemStoreSearchTest, PagesWalkEveryMatchOnceInOrderAcrossTiers) {
  for (int i = 0; i < 7; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_n", i), Fields("Navy item", "tops"), kT0 + 20 + i));
    ItemFields other = Fields("Plain item", "tops");
    other.brand = "Navy Co";
    MustCreate(NewItem(kAlice, Numbered("itm_o", i), other, kT0 + 40 + i));
  }
  const std::vector<std::string> all = FoundIds(kAlice, "navy", 100);
  ASSERT_EQ(all.size(), 17u);
  EXPECT_EQ(all.front(), "itm_n0006");
  EXPECT_EQ(all[8], "itm_blazer") << "the last name match";
  EXPECT_EQ(all[9], "itm_o0006") << "the newest match outside the name";
  EXPECT_EQ(all.back(), "itm_shoes");
  for (int limit : {1, 2, 3, 10, 16, 17})
    EXPECT_EQ(FoundIds(kAlice, "navy", limit), all) << "limit " << limit;
}

TEST_P(ItemStoreSearchTest, APageSaysWhetherMoreMayFollow) {
  const SearchPage first = MustSearch(kAlice, "navy", 2);
  EXPECT_EQ(first.items.size(), 2u);
  ASSERT_TRUE(first.next.has_value());
  const SearchPage all = MustSearch(kAlice, "navy", 3);
  EXPECT_EQ(all.items.size(), 3u);
  EXPECT_FALSE(all.next.has_value()) << "three matches fit a page of three";
}

TEST_P(ItemStoreSearchTest, AWalkWhileItemsChangeSkipsNothingUnchangedAndRepeatsNothing) {
  for (int i = 0; i < 6; ++i) {
    MustCreate(NewItem(kAlice, Numbered("itm_w", i), Fields("Wool scarf", "accessories"), kT0 + 100 + i));
  }
  SearchPage page = MustSearch(kAlice, "wool", 2);
  std::vector<std::string> seen = {page.items[0].item_id, page.items[1].item_id};
  ASSERT_EQ(seen, (std::vector<std::string>{"itm_w0005", "itm_w0004"}));
  // Between pages: a newer match appears (before the cursor: not on later
  // pages), one not yet seen is deleted, one is renamed out of the search.
  MustCreate(NewItem(kAlice, "itm_w_new", Fields("Wool hat", "accessories"), kT0 + 200));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_w0002"))));
  ASSERT_TRUE(
      Succeeded(RunTask(store().UpdateItem(kAlice, "itm_w0001", Patch().Name("Silk scarf"), kT0 + 201))));
  std::optional<SearchPosition> after = page.next;
  while (after) {
    page = MustSearch(kAlice, "wool", 2, after);
    for (const Item& item : page.items) seen.push_back(item.item_id);
    after = page.next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"itm_w0005", "itm_w0004", "itm_w0003", "itm_w0000"}));
}

// --- Changes are seen at once ----------------------------------------------------------

TEST_P(ItemStoreSearchTest, ADeletedItemIsNeverFound) {
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_blazer"))));
  EXPECT_TRUE(FoundIds(kAlice, "blazer").empty());
  EXPECT_EQ(FoundIds(kAlice, "navy"), (std::vector<std::string>{"itm_parka", "itm_shoes"}));
}

TEST_P(ItemStoreSearchTest, APatchedItemIsFoundByItsNewWordsOnly) {
  ASSERT_TRUE(Succeeded(RunTask(
      store().UpdateItem(kAlice, "itm_blazer", Patch().Name("Grey coat").Brand(Cleared()), kT0 + 9))));
  EXPECT_TRUE(FoundIds(kAlice, "blazer").empty());
  EXPECT_TRUE(FoundIds(kAlice, "acme").empty());
  EXPECT_EQ(FoundIds(kAlice, "grey co"), (std::vector<std::string>{"itm_blazer"}));
  EXPECT_EQ(FoundIds(kAlice, "outerwear grey"), (std::vector<std::string>{"itm_blazer"}));
  EXPECT_EQ(FoundIds(kAlice, "navy"), (std::vector<std::string>{"itm_parka", "itm_shoes"}))
      << "the edit keeps the item's place: created, not updated, orders it";
  ASSERT_TRUE(
      Succeeded(RunTask(store().UpdateItem(kAlice, "itm_parka", Patch().Season(SetTo("spring")), kT0 + 9))));
  EXPECT_EQ(FoundIds(kAlice, "parka", 100, "spring"), (std::vector<std::string>{"itm_parka"}));
  EXPECT_TRUE(FoundIds(kAlice, "parka", 100, "winter").empty());
}

TEST_P(ItemStoreSearchTest, AReplacedItemIsFoundByItsNewWords) {
  MustCreate(NewItem(kAlice, "itm_robe", Fields("Linen trousers", "bottoms"), kT0 + 9),
             CreateOutcome::kReplaced);
  EXPECT_TRUE(FoundIds(kAlice, "ete").empty());
  EXPECT_EQ(FoundIds(kAlice, "linen"), (std::vector<std::string>{"itm_robe"}));
}

TEST_P(ItemStoreSearchTest, SharingDoesNotDisturbTheIndex) {
  clock_.Set(kT0 + 9);
  MarkShared("itm_blazer");
  EXPECT_EQ(FoundIds(kAlice, "nav bla"), (std::vector<std::string>{"itm_blazer"}));
}

}  // namespace wdrbe::contract
