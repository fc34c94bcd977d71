// The wire shapes, written without a DOM: each body is exactly what
// serializing the contract's JSON object would give (member order included).
#include "wdrbe/api/item_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace wdrbe::api {
namespace {

constexpr std::int64_t kCreated = 1'764'582'400'123;  // 2025-12-01T09:46:40.123Z
constexpr std::int64_t kUpdated = kCreated + 1'000;

Item EveryField() {
  Item item;
  item.item_id = "itm_1";
  item.user_id = "alice";
  item.fields = ItemFields{"Navy \"Blazer\"",          "outerwear", "winter", "navy", "Acme\n", "2024-02-29",
                           "https://example.com/a.jpg"};
  item.shared_count = 3;
  item.is_public = true;
  item.created_at_ms = kCreated;
  item.updated_at_ms = kUpdated;
  return item;
}

Item RequiredFieldsOnly() {
  Item item;
  item.item_id = "itm_2";
  item.user_id = "alice";
  item.fields.name = "Tee";
  item.fields.category = "tops";
  item.created_at_ms = kCreated;
  item.updated_at_ms = kCreated;
  return item;
}

TEST(ItemJsonTest, AnItemWithEveryFieldIsTheContractsObject) {
  const boost::json::value expected = {{"itemId", "itm_1"},
                                       {"userId", "alice"},
                                       {"name", "Navy \"Blazer\""},
                                       {"category", "outerwear"},
                                       {"season", "winter"},
                                       {"color", "navy"},
                                       {"brand", "Acme\n"},
                                       {"purchaseDate", "2024-02-29"},
                                       {"imageUrl", "https://example.com/a.jpg"},
                                       {"sharedCount", 3},
                                       {"isPublic", true},
                                       {"createdAt", "2025-12-01T09:46:40.123Z"},
                                       {"updatedAt", "2025-12-01T09:46:41.123Z"}};
  EXPECT_EQ(ItemBody(EveryField()), boost::json::serialize(expected));
}

TEST(ItemJsonTest, UnsetOptionalFieldsAreLeftOut) {
  const boost::json::value expected = {{"itemId", "itm_2"},
                                       {"userId", "alice"},
                                       {"name", "Tee"},
                                       {"category", "tops"},
                                       {"sharedCount", 0},
                                       {"isPublic", false},
                                       {"createdAt", "2025-12-01T09:46:40.123Z"},
                                       {"updatedAt", "2025-12-01T09:46:40.123Z"}};
  EXPECT_EQ(ItemBody(RequiredFieldsOnly()), boost::json::serialize(expected));
}

TEST(ItemJsonTest, APageHoldsItsItemsTheCursorAndHasMore) {
  const std::vector<Item> items{EveryField(), RequiredFieldsOnly()};
  const boost::json::value more = {{"items", boost::json::array{boost::json::parse(ItemBody(items[0])),
                                                                boost::json::parse(ItemBody(items[1]))}},
                                   {"nextCursor", "c.sig"},
                                   {"hasMore", true}};
  EXPECT_EQ(ItemPageBody(items, "c.sig", true), boost::json::serialize(more));
  EXPECT_EQ(ItemPageBody({}, std::nullopt, false), R"({"items":[],"nextCursor":null,"hasMore":false})");
}

TEST(ItemJsonTest, AnActivityCarriesItsMetadataObjectAndABrokenOneBecomesEmpty) {
  Activity shared{"act_1", "alice", "ItemShared", "itm_1", "Tee", kCreated, R"({"eventId":"evt_1"})"};
  Activity broken = shared;
  broken.metadata_json = "not json";
  const boost::json::value expected = {
      {"activities", boost::json::array{boost::json::object{{"activityId", "act_1"},
                                                            {"activityType", "ItemShared"},
                                                            {"itemId", "itm_1"},
                                                            {"itemName", "Tee"},
                                                            {"timestamp", "2025-12-01T09:46:40.123Z"},
                                                            {"metadata", {{"eventId", "evt_1"}}}},
                                        boost::json::object{{"activityId", "act_1"},
                                                            {"activityType", "ItemShared"},
                                                            {"itemId", "itm_1"},
                                                            {"itemName", "Tee"},
                                                            {"timestamp", "2025-12-01T09:46:40.123Z"},
                                                            {"metadata", boost::json::object{}}}}},
      {"nextCursor", nullptr},
      {"hasMore", false}};
  EXPECT_EQ(ActivityPageBody({shared, broken}, std::nullopt, false), boost::json::serialize(expected));
}

}  // namespace
}  // namespace wdrbe::api
