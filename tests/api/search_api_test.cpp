// Searching a user's items over HTTP: what matches, the order, filters,
// pages and their cursors, every refusal, and that changes are seen at once.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

json::object Item(std::string_view name, std::string_view category, std::string_view color = "",
                  std::string_view brand = "") {
  json::object body = ItemBody(name, category);
  if (!color.empty()) body["color"] = color;
  if (!brand.empty()) body["brand"] = brand;
  return body;
}

std::vector<std::string> IdsOf(const std::vector<json::object>& items) {
  std::vector<std::string> ids;
  for (const json::object& item : items) ids.push_back(Str(item, "itemId"));
  return ids;
}

class SearchApiTest : public SharedServerTest {};

TEST_F(SearchApiTest, TheContractsExamples) {
  ApiClient api(port(), UniqueUserId());
  const json::object blazer = api.MustCreate(Item("Navy Blazer", "outerwear"));
  const json::object robe = api.MustCreate(Item("Robe d'été", "dresses"));
  EXPECT_EQ(api.WalkSearchIds({{"q", "nav bla"}}, 20), IdsOf({blazer}));
  EXPECT_EQ(api.WalkSearchIds({{"q", "ete"}}, 20), IdsOf({robe}));
  EXPECT_EQ(api.WalkSearchIds({{"q", "ÉTÉ robe"}}, 20), IdsOf({robe}));
  EXPECT_TRUE(api.WalkSearchIds({{"q", "navy shoes"}}, 20).empty());
}

TEST_F(SearchApiTest, FoundItemsAreWholeItemsInTheListsPageShape) {
  ApiClient api(port(), UniqueUserId());
  json::object body = Item("Wool scarf", "accessories", "grey", "Acme");
  body["season"] = "winter";
  const json::object created = api.MustCreate(body);
  const Response response = api.SearchItems({{"q", "wool"}});
  ASSERT_EQ(response.status, 200) << response;
  EXPECT_TRUE(JsonEquals(response.Json(),
                         {{"items", json::array{created}}, {"nextCursor", nullptr}, {"hasMore", false}}));
}

TEST_F(SearchApiTest, NameMatchesComeFirstThenOtherFieldsEachNewestFirst) {
  ApiClient api(port(), UniqueUserId());
  const json::object old_name = api.MustCreate(Item("Navy coat", "outerwear"));
  const json::object colour = api.MustCreate(Item("Linen shirt", "tops", "navy"));
  const json::object brand = api.MustCreate(Item("Jeans", "bottoms", "", "Navy Co"));
  const json::object new_name = api.MustCreate(Item("Navy socks", "accessories"));
  api.MustCreate(Item("Red hat", "accessories"));
  EXPECT_EQ(api.WalkSearchIds({{"q", "navy"}}, 20), IdsOf({new_name, old_name, brand, colour}));
}

TEST_F(SearchApiTest, PagesAreFullAndWalkEveryMatchOnce) {
  ApiClient api(port(), UniqueUserId());
  std::vector<json::object> in_name;
  std::vector<json::object> elsewhere;
  for (int i = 0; i < 5; ++i) {
    in_name.push_back(api.MustCreate(Item("Cotton tee " + std::to_string(i), "tops")));
    elsewhere.push_back(api.MustCreate(Item("Tee " + std::to_string(i), "tops", "", "Cotton Club")));
  }
  std::vector<json::object> expected(in_name.rbegin(), in_name.rend());
  expected.insert(expected.end(), elsewhere.rbegin(), elsewhere.rend());
  for (int limit : {1, 3, 4, 10}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    const std::vector<Page> pages = api.SearchPages({{"q", "cott"}}, limit);
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      ids.insert(ids.end(), pages[i].item_ids.begin(), pages[i].item_ids.end());
      if (i + 1 < pages.size()) {
        EXPECT_EQ(pages[i].item_ids.size(), static_cast<std::size_t>(limit)) << pages[i].response;
        EXPECT_TRUE(pages[i].has_more) << pages[i].response;
      }
    }
    EXPECT_FALSE(pages.back().has_more) << pages.back().response;
    EXPECT_TRUE(pages.back().next_cursor_is_null) << pages.back().response;
    EXPECT_EQ(ids, IdsOf(expected));
  }
}

TEST_F(SearchApiTest, APageEndingOnTheLongestItemIdHasACursorThatWorks) {
  ApiClient api(port(), UniqueUserId());
  // Client-chosen ids of the longest allowed length, in both tiers, so that
  // a page of one ends on each of them.
  json::object in_name = Item("Linen shirt", "tops");
  in_name["itemId"] = std::string(127, 'n') + "1";
  json::object in_brand = Item("Shirt", "tops", "", "Linen Co");
  in_brand["itemId"] = std::string(127, 'b') + "2";
  const json::object first = api.MustCreate(in_brand);
  const json::object second = api.MustCreate(in_name);
  EXPECT_EQ(api.WalkSearchIds({{"q", "linen"}}, 1), IdsOf({second, first}));
}

TEST_F(SearchApiTest, FiltersNarrowTheSearch) {
  ApiClient api(port(), UniqueUserId());
  json::object winter_top = Item("Wool jumper", "tops");
  winter_top["season"] = "winter";
  json::object summer_top = Item("Wool tank", "tops");
  summer_top["season"] = "summer";
  json::object winter_hat = Item("Wool hat", "accessories");
  winter_hat["season"] = "winter";
  const json::object a = api.MustCreate(winter_top);
  const json::object b = api.MustCreate(summer_top);
  const json::object c = api.MustCreate(winter_hat);
  EXPECT_EQ(api.WalkSearchIds({{"q", "wool"}, {"season", "Winter"}}, 20), IdsOf({c, a}));
  EXPECT_EQ(api.WalkSearchIds({{"q", "wool"}, {"category", "tops"}}, 20), IdsOf({b, a}));
  EXPECT_EQ(api.WalkSearchIds({{"q", "wool"}, {"season", "winter"}, {"category", "tops"}}, 20), IdsOf({a}));
  EXPECT_EQ(api.WalkSearchIds({{"q", "wool"}, {"season", ""}, {"category", ""}}, 20), IdsOf({c, b, a}))
      << "empty values mean absent";
}

TEST_F(SearchApiTest, OneUserNeverFindsAnothersItems) {
  ApiClient alice(port(), UniqueUserId("alice"));
  ApiClient bob(port(), UniqueUserId("bob"));
  alice.MustCreate(Item("Velvet dress", "dresses"));
  EXPECT_TRUE(bob.WalkSearchIds({{"q", "velvet"}}, 20).empty());
  const Response response =
      bob.http().Get("/users/" + alice.user_id() + "/items/search?q=velvet", bob.token());
  EXPECT_EQ(response.status, 403) << response;
  EXPECT_EQ(response.ErrorCode(), "forbidden") << response;
}

TEST_F(SearchApiTest, ATokenIsRequired) {
  ApiClient api(port(), UniqueUserId());
  const Response response = api.http().Get("/users/" + api.user_id() + "/items/search?q=navy", "");
  EXPECT_EQ(response.status, 401) << response;
}

TEST_F(SearchApiTest, ABadQueryIs400WithTheRule) {
  ApiClient api(port(), UniqueUserId());
  const std::string too_long(201, 'a');
  const std::vector<std::pair<std::string, Query>> cases = {
      {"no q", {}},
      {"empty q", {{"q", ""}}},
      {"201 characters", {{"q", too_long}}},
      {"201 characters of two bytes each",
       {{"q",
         [] {
           std::string q;
           for (int i = 0; i < 201; ++i) q += "é";
           return q;
         }()}}},
      {"no letter or digit", {{"q", "!!! ... ---"}}},
      {"a control character", {{"q", "navy\tblazer"}}},
      {"eleven distinct words", {{"q", "a1 b2 c3 d4 e5 f6 g7 h8 i9 j10 k11"}}},
      {"a bad limit", {{"q", "navy"}, {"limit", "0"}}},
      {"a bad season", {{"q", "navy"}, {"season", "monsoon"}}},
  };
  for (const auto& [name, query] : cases) {
    SCOPED_TRACE(name);
    const Response response = api.SearchItems(query);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response;
  }
}

TEST_F(SearchApiTest, TheLongestQueriesAreAccepted) {
  ApiClient api(port(), UniqueUserId());
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "é";
  EXPECT_EQ(api.SearchItems({{"q", two_hundred}}).status, 200);
  // Repeated words, and words that begin another, count once.
  EXPECT_EQ(api.SearchItems({{"q", "a ab abc abcd b bc c d e f g h i j j j"}}).status, 200);
}

TEST_F(SearchApiTest, ACursorIsBoundToItsQueryAndFilters) {
  ApiClient api(port(), UniqueUserId());
  for (int i = 0; i < 3; ++i) api.MustCreate(Item("Silk scarf", "accessories"));
  const Response first = api.SearchItems({{"q", "silk"}, {"limit", "1"}});
  ASSERT_EQ(first.status, 200) << first;
  const std::string cursor = first.String("nextCursor");
  ASSERT_FALSE(cursor.empty()) << first;
  EXPECT_EQ(api.SearchItems({{"q", "silk"}, {"cursor", cursor}}).status, 200);
  EXPECT_EQ(api.SearchItems({{"q", "SILK"}, {"cursor", cursor}}).status, 200) << "the same terms";
  for (const Query& other :
       std::vector<Query>{{{"q", "scarf"}, {"cursor", cursor}},
                          {{"q", "silk"}, {"category", "accessories"}, {"cursor", cursor}}}) {
    const Response response = api.SearchItems(other);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
  const Response list_cursor = api.ListItems({{"cursor", cursor}});
  EXPECT_EQ(list_cursor.status, 400) << "a search cursor is not a list cursor: " << list_cursor;
  for (const auto& [name, altered] : AlteredCursors(cursor)) {
    SCOPED_TRACE(name);
    const Response response = api.SearchItems({{"q", "silk"}, {"cursor", altered}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
}

TEST_F(SearchApiTest, EditsAndDeletesAreSeenByTheNextSearch) {
  ApiClient api(port(), UniqueUserId());
  const json::object coat = api.MustCreate(Item("Camel coat", "outerwear"));
  const std::string id = Str(coat, "itemId");
  ASSERT_EQ(api.PatchItem(id, json::object{{"name", "Trench coat"}}).status, 200);
  EXPECT_TRUE(api.WalkSearchIds({{"q", "camel"}}, 20).empty());
  EXPECT_EQ(api.WalkSearchIds({{"q", "trench"}}, 20), (std::vector<std::string>{id}));
  ASSERT_EQ(api.DeleteItem(id).status, 204);
  EXPECT_TRUE(api.WalkSearchIds({{"q", "trench"}}, 20).empty());
  EXPECT_TRUE(api.WalkSearchIds({{"q", "coat"}}, 20).empty());
}

}  // namespace
}  // namespace wdrbe::testing
