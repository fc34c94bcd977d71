// ItemStore::GetItem, UpdateItem, DeleteItem and Ping: reads, the owner's
// changes, and what another user may not do (domain/item_access.hpp).
#pragma once

#include "contract/contract_suites.hpp"

namespace wdrbe::contract {

// --- GetItem -----------------------------------------------------------------------

TEST_P(ItemStoreEditTest, GetOfAnUnknownItemIsNotFound) {
  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_nope")), ErrorCode::kNotFound));
}

TEST_P(ItemStoreEditTest, GetReturnsAnyUsersItemBecauseReadAccessIsTheCallers) {
  const Item bobs = MustCreate(NewItem(kBob, "itm_b", EveryField(), kT0));
  EXPECT_EQ(MustGet("itm_b"), bobs);
}

TEST_P(ItemStoreEditTest, PingSucceeds) { EXPECT_TRUE(Succeeded(RunTask(store().Ping()))); }

// --- UpdateItem --------------------------------------------------------------------

TEST_P(ItemStoreEditTest, OwnerPatchSetsAndClearsFieldsAndStampsUpdatedAt) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> updated = RunTask(store().UpdateItem(
      kAlice, "itm_1",
      Patch().Name("Black Blazer").Season(SetTo("winter")).Color(SetTo("black")).Brand(Cleared()),
      kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  ItemFields expected = EveryField();
  expected.name = "Black Blazer";
  expected.season = "winter";
  expected.color = "black";
  expected.brand = std::nullopt;
  EXPECT_EQ(*updated, (Item{"itm_1", kAlice, expected, 0, false, kT0, kT0 + 1000}));
  EXPECT_EQ(MustGet("itm_1"), *updated);
  EXPECT_EQ(AllActivities(kAlice).size(), 1u) << "an update appends no activity";
}

TEST_P(ItemStoreEditTest, PatchCanClearEveryOptionalFieldAndChangeTheCategory) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  Result<Item> updated = RunTask(store().UpdateItem(kAlice, "itm_1",
                                                    Patch()
                                                        .Category("coats")
                                                        .Season(Cleared())
                                                        .Color(Cleared())
                                                        .Brand(Cleared())
                                                        .PurchaseDate(Cleared())
                                                        .ImageUrl(Cleared()),
                                                    kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  EXPECT_EQ(updated->fields, Fields("Navy Blazer", "coats"));
  EXPECT_EQ(MustGet("itm_1").fields, Fields("Navy Blazer", "coats"));
}

TEST_P(ItemStoreEditTest, PatchThatChangesNothingLeavesUpdatedAtAlone) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", Fields("Tee", "tops", "summer"), kT0));

  Result<Item> empty_patch = RunTask(store().UpdateItem(kAlice, "itm_1", Patch(), kT0 + 1000));
  Result<Item> same_values = RunTask(store().UpdateItem(
      kAlice, "itm_1", Patch().Name("Tee").Season(SetTo("summer")).Color(Cleared()), kT0 + 2000));

  ASSERT_TRUE(Succeeded(empty_patch));
  EXPECT_EQ(*empty_patch, original);
  ASSERT_TRUE(Succeeded(same_values));
  EXPECT_EQ(*same_values, original);
  EXPECT_EQ(MustGet("itm_1").updated_at_ms, kT0);
}

TEST_P(ItemStoreEditTest, UpdateKeepsSharedCountAndVisibility) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  MarkShared("itm_1");
  MarkShared("itm_1");

  Result<Item> updated = RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("Renamed"), kT0 + 1000));

  ASSERT_TRUE(Succeeded(updated));
  EXPECT_EQ(updated->shared_count, 2);
  EXPECT_TRUE(updated->is_public);
  EXPECT_EQ(MustGet("itm_1"), *updated);
}

TEST_P(ItemStoreEditTest, UpdateOfAnotherUsersPrivateItemIsNotFoundAndChangesNothing) {
  const Item original = MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch().Name("Mine"), kT0 + 1000)),
                         ErrorCode::kNotFound));
  EXPECT_TRUE(
      FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch(), kT0 + 1000)), ErrorCode::kNotFound));
  EXPECT_EQ(MustGet("itm_1"), original);
}

TEST_P(ItemStoreEditTest, UpdateOfAnotherUsersPublicItemIsForbiddenAndChangesNothing) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  MarkShared("itm_1");
  const Item shared = MustGet("itm_1");

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kBob, "itm_1", Patch().Name("Mine"), kT0 + 1000)),
                         ErrorCode::kForbidden));
  EXPECT_EQ(MustGet("itm_1"), shared);
}

TEST_P(ItemStoreEditTest, UpdateOfAMissingItemIsNotFound) {
  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kAlice, "itm_nope", Patch().Name("X"), kT0)),
                         ErrorCode::kNotFound));
}

// --- DeleteItem --------------------------------------------------------------------

TEST_P(ItemStoreEditTest, OwnerDeletesTheItemAndItsActivitiesStay) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_2", EveryField(), kT0 + 1));
  MarkShared("itm_1");
  const std::vector<Activity> activities = AllActivities(kAlice);
  ASSERT_EQ(activities.size(), 3u);

  EXPECT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().GetItem("itm_1")), ErrorCode::kNotFound));
  EXPECT_EQ(IdsOf(AllItems(kAlice)), std::vector<std::string>{"itm_2"});
  EXPECT_EQ(AllActivities(kAlice), activities);
}

TEST_P(ItemStoreEditTest, DeleteByAnotherUserIsNotFoundForAPrivateItemAndForbiddenForAPublicOne) {
  const Item private_item = MustCreate(NewItem(kAlice, "itm_private", EveryField(), kT0));
  MustCreate(NewItem(kAlice, "itm_public", EveryField(), kT0 + 1));
  MarkShared("itm_public");
  const Item public_item = MustGet("itm_public");

  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kBob, "itm_private")), ErrorCode::kNotFound));
  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kBob, "itm_public")), ErrorCode::kForbidden));

  EXPECT_EQ(MustGet("itm_private"), private_item);
  EXPECT_EQ(MustGet("itm_public"), public_item);
}

TEST_P(ItemStoreEditTest, DeletingTwiceOrDeletingAMissingItemIsNotFound) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kAlice, "itm_1")), ErrorCode::kNotFound));
  EXPECT_TRUE(FailedWith(RunTask(store().DeleteItem(kAlice, "itm_nope")), ErrorCode::kNotFound));
}

TEST_P(ItemStoreEditTest, UpdateOfADeletedItemIsNotFound) {
  MustCreate(NewItem(kAlice, "itm_1", EveryField(), kT0));
  ASSERT_TRUE(Succeeded(RunTask(store().DeleteItem(kAlice, "itm_1"))));

  EXPECT_TRUE(FailedWith(RunTask(store().UpdateItem(kAlice, "itm_1", Patch().Name("X"), kT0 + 1)),
                         ErrorCode::kNotFound));
}

}  // namespace wdrbe::contract
