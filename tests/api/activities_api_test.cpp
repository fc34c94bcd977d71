// The activity feed: an ItemCreated entry for each true create, newest first,
// paginated like the item list, kept when items go.
#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

std::set<std::string> KeysOf(const json::object& object) {
  std::set<std::string> keys;
  for (const auto& entry : object) keys.insert(std::string(entry.key()));
  return keys;
}

bool IsTimestamp(const std::string& text) {
  static const std::regex kPattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return std::regex_match(text, kPattern);
}

// The activities of a user's whole feed, newest first.
std::vector<json::object> Feed(ApiClient& api) {
  std::vector<json::object> activities;
  for (const Page& page : api.ActivityPages(100)) {
    for (const json::value& activity : page.response.Json().at("activities").as_array()) {
      activities.push_back(activity.as_object());
    }
  }
  return activities;
}

// The itemIds of `created`, newest first (they were created in this order).
std::vector<std::string> ReversedIds(const std::vector<json::object>& created) {
  std::vector<std::string> ids;
  for (auto it = created.rbegin(); it != created.rend(); ++it) ids.push_back(Str(*it, "itemId"));
  return ids;
}

std::vector<json::object> CreateItems(ApiClient& api, int count) {
  std::vector<json::object> items;
  for (int i = 0; i < count; ++i)
    items.push_back(api.MustCreate(ItemBody("item " + std::to_string(i), "misc")));
  return items;
}

class ActivitiesApiTest : public SharedServerTest {};

TEST_F(ActivitiesApiTest, ANewUsersFeedIsEmpty) {
  ApiClient api(port(), UniqueUserId());
  const Response response = api.ListActivities();
  EXPECT_EQ(response.status, 200) << response;
  EXPECT_TRUE(JsonEquals(response.Json(),
                         {{"activities", json::array{}}, {"nextCursor", nullptr}, {"hasMore", false}}));
}

TEST_F(ActivitiesApiTest, CreatingAnItemAppendsAnItemCreatedActivity) {
  ApiClient api(port(), UniqueUserId());
  const json::object item = api.MustCreate(ItemBody("Navy Blazer", "outerwear"));

  const std::vector<json::object> feed = Feed(api);

  ASSERT_EQ(feed.size(), 1u);
  const json::object& activity = feed[0];
  EXPECT_EQ(KeysOf(activity), (std::set<std::string>{"activityId", "activityType", "itemId", "itemName",
                                                     "timestamp", "metadata"}))
      << activity;
  EXPECT_FALSE(Str(activity, "activityId").empty()) << activity;
  EXPECT_EQ(Str(activity, "activityType"), "ItemCreated");
  EXPECT_EQ(Str(activity, "itemId"), Str(item, "itemId"));
  EXPECT_EQ(Str(activity, "itemName"), "Navy Blazer");
  EXPECT_TRUE(IsTimestamp(Str(activity, "timestamp"))) << activity;
  EXPECT_GE(Str(activity, "timestamp"), Str(item, "createdAt"));
  EXPECT_TRUE(JsonEquals(activity.contains("metadata") ? activity.at("metadata") : json::value(),
                         {{"action", "create"}}));
}

TEST_F(ActivitiesApiTest, TheFeedIsNewestFirst) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<json::object> created = CreateItems(api, 5);

  const std::vector<json::object> feed = Feed(api);

  std::vector<std::string> item_ids;
  std::set<std::string> activity_ids;
  for (const json::object& activity : feed) {
    item_ids.push_back(Str(activity, "itemId"));
    activity_ids.insert(Str(activity, "activityId"));
  }
  EXPECT_EQ(item_ids, ReversedIds(created));
  EXPECT_EQ(activity_ids.size(), feed.size()) << "activity ids must be unique";
  for (std::size_t i = 0; i + 1 < feed.size(); ++i) {
    EXPECT_GE(Str(feed[i], "timestamp"), Str(feed[i + 1], "timestamp"));
  }
}

TEST_F(ActivitiesApiTest, OnlyATrueCreateAppendsAnActivity) {
  ApiClient api(port(), UniqueUserId());
  ApiClient other(port(), UniqueUserId("other"));
  const std::string item_id = api.user_id() + "-item";
  json::object body = ItemBody("Original", "tops");
  body["itemId"] = item_id;
  ASSERT_EQ(api.CreateItem(body).status, 201);
  json::object keyed = ItemBody("Keyed", "tops");
  keyed["idempotencyKey"] = "key-1";
  ASSERT_EQ(api.CreateItem(keyed).status, 201);

  json::object replacement = ItemBody("Replaced", "tops");
  replacement["itemId"] = item_id;
  EXPECT_EQ(api.CreateItem(replacement).status, 200) << "replace";
  EXPECT_EQ(api.CreateItem(keyed).status, 200) << "idempotent replay";
  EXPECT_EQ(api.PatchItem(item_id, {{"name", "Patched"}}).status, 200) << "patch";
  EXPECT_EQ(api.CreateItem(ItemBody("")).status, 400) << "invalid create";
  EXPECT_EQ(other.CreateItem(replacement).status, 409) << "another user's item id";

  const std::vector<json::object> feed = Feed(api);
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(Str(feed[0], "itemName"), "Keyed");
  EXPECT_EQ(Str(feed[1], "itemId"), item_id);
  EXPECT_EQ(Str(feed[1], "activityType"), "ItemCreated");
  EXPECT_TRUE(Feed(other).empty());
}

TEST_F(ActivitiesApiTest, ActivitiesOutliveTheirItems) {
  ApiClient api(port(), UniqueUserId());
  const json::object item = api.MustCreate(ItemBody("Short-lived", "misc"));
  const std::vector<json::object> before = Feed(api);

  ASSERT_EQ(api.DeleteItem(Str(item, "itemId")).status, 204);

  const std::vector<json::object> after = Feed(api);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_TRUE(JsonEquals(after[0], before[0]));
}

TEST_F(ActivitiesApiTest, PagesAreFullUntilTheLastAndTheDefaultLimitIs20) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> expected = ReversedIds(CreateItems(api, 21));

  const Response first = api.ListActivities();
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.Json().at("activities").as_array().size(), 20u);
  EXPECT_TRUE(JsonEquals(first.Json().at("hasMore"), true));

  struct Case {
    int limit;
    std::vector<std::size_t> sizes;
  };
  for (const Case& c : {Case{5, {5, 5, 5, 5, 1}}, Case{7, {7, 7, 7}}, Case{21, {21}}, Case{100, {21}}}) {
    SCOPED_TRACE("limit " + std::to_string(c.limit));
    const std::vector<Page> pages = api.ActivityPages(c.limit);
    std::vector<std::size_t> sizes;
    std::vector<std::string> ids;
    for (const Page& page : pages) {
      sizes.push_back(page.item_ids.size());
      ids.insert(ids.end(), page.item_ids.begin(), page.item_ids.end());
    }
    EXPECT_EQ(sizes, c.sizes);
    EXPECT_EQ(ids, expected);
    for (std::size_t i = 0; i + 1 < pages.size(); ++i) EXPECT_TRUE(pages[i].has_more) << pages[i].response;
    EXPECT_FALSE(pages.back().has_more) << pages.back().response;
    EXPECT_TRUE(pages.back().next_cursor_is_null) << pages.back().response;
  }
}

TEST_F(ActivitiesApiTest, AnInvalidLimitIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  for (const std::string limit : {"0", "101", "-5", "ten", "2.5"}) {
    SCOPED_TRACE("limit=" + limit);
    const Response response = api.ListActivities({{"limit", limit}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response;
  }
  const Response empty = api.ListActivities({{"limit", ""}, {"cursor", ""}});
  EXPECT_EQ(empty.status, 200) << "empty values are absent parameters: " << empty;
}

TEST_F(ActivitiesApiTest, ACursorIsBoundToItsUserAndRoute) {
  ApiClient alice(port(), UniqueUserId("alice"));
  ApiClient bob(port(), UniqueUserId("bob"));
  CreateItems(alice, 3);
  CreateItems(bob, 3);
  const std::string alices_activities = alice.ListActivities({{"limit", "1"}}).String("nextCursor");
  const std::string bobs_activities = bob.ListActivities({{"limit", "1"}}).String("nextCursor");
  const std::string bobs_items = bob.ListItems({{"limit", "1"}}).String("nextCursor");
  ASSERT_FALSE(alices_activities.empty());
  ASSERT_FALSE(bobs_activities.empty());
  ASSERT_FALSE(bobs_items.empty());
  ASSERT_EQ(bob.ListActivities({{"cursor", bobs_activities}}).status, 200) << "the right cursor must work";

  const std::vector<std::pair<std::string, Response>> responses = {
      {"another user's activities cursor", bob.ListActivities({{"cursor", alices_activities}})},
      {"an items cursor for activities", bob.ListActivities({{"cursor", bobs_items}})},
      {"an activities cursor for items", bob.ListItems({{"cursor", bobs_activities}})},
  };
  for (const auto& [name, response] : responses) {
    SCOPED_TRACE(name);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
}

TEST_F(ActivitiesApiTest, AnAlteredCursorIsInvalid) {
  ApiClient api(port(), UniqueUserId());
  CreateItems(api, 3);
  const std::string cursor = api.ListActivities({{"limit", "1"}}).String("nextCursor");
  ASSERT_FALSE(cursor.empty());
  for (const auto& [name, altered] : AlteredCursors(cursor)) {
    SCOPED_TRACE(name + ": " + altered);
    const Response response = api.ListActivities({{"cursor", altered}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
}

}  // namespace
}  // namespace wdrbe::testing
