// Listing a user's items: order, filters, limits, keyset pagination and the
// cursor's binding to its user and filters.
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

// Creates `count` items, body(i) for the i-th, and returns them as created.
std::vector<json::object> CreateItems(
    ApiClient& api, int count, const std::function<json::object(int)>& body = [](int i) {
      return ItemBody("item " + std::to_string(i), "misc");
    }) {
  std::vector<json::object> items;
  for (int i = 0; i < count; ++i) items.push_back(api.MustCreate(body(i)));
  return items;
}

// The contract's order: createdAt descending, ties by itemId descending.
std::vector<std::string> NewestFirst(std::vector<json::object> items) {
  std::sort(items.begin(), items.end(), [](const json::object& a, const json::object& b) {
    return std::make_pair(Str(a, "createdAt"), Str(a, "itemId")) >
           std::make_pair(Str(b, "createdAt"), Str(b, "itemId"));
  });
  std::vector<std::string> ids;
  for (const json::object& item : items) ids.push_back(Str(item, "itemId"));
  return ids;
}

std::vector<json::object> Where(const std::vector<json::object>& items,
                                const std::function<bool(const json::object&)>& keep) {
  std::vector<json::object> kept;
  std::copy_if(items.begin(), items.end(), std::back_inserter(kept), keep);
  return kept;
}

std::vector<std::size_t> PageSizes(const std::vector<Page>& pages) {
  std::vector<std::size_t> sizes;
  for (const Page& page : pages) sizes.push_back(page.item_ids.size());
  return sizes;
}

std::vector<std::string> Concat(const std::vector<Page>& pages) {
  std::vector<std::string> ids;
  for (const Page& page : pages) ids.insert(ids.end(), page.item_ids.begin(), page.item_ids.end());
  return ids;
}

// Every page but the last holds exactly `limit` items, hasMore is true and
// nextCursor a string exactly on those; the last says hasMore false and
// nextCursor null.
void ExpectPagination(const std::vector<Page>& pages, std::size_t limit) {
  ASSERT_FALSE(pages.empty());
  for (std::size_t i = 0; i + 1 < pages.size(); ++i) {
    SCOPED_TRACE("page " + std::to_string(i + 1) + " of " + std::to_string(pages.size()));
    EXPECT_EQ(pages[i].item_ids.size(), limit) << pages[i].response;
    EXPECT_TRUE(pages[i].has_more) << pages[i].response;
    EXPECT_TRUE(pages[i].next_cursor.has_value()) << pages[i].response;
  }
  const Page& last = pages.back();
  EXPECT_LE(last.item_ids.size(), limit) << last.response;
  if (pages.size() > 1) {
    EXPECT_FALSE(last.item_ids.empty()) << "an empty last page" << last.response;
  }
  EXPECT_FALSE(last.has_more) << last.response;
  EXPECT_TRUE(last.next_cursor_is_null) << last.response;
}

std::string FirstCursor(ApiClient& api, Query query) {
  query.emplace_back("limit", "1");
  const Response response = api.ListItems(query);
  const std::string cursor = response.String("nextCursor");
  if (response.status != 200 || cursor.empty()) {
    std::ostringstream message;
    message << "no cursor on a first page:" << response;
    throw std::runtime_error(message.str());
  }
  return cursor;
}

class ListApiTest : public SharedServerTest {};

TEST_F(ListApiTest, AnEmptyListHasNoItemsAndNoCursor) {
  ApiClient api(port(), UniqueUserId());
  const Response response = api.ListItems();
  EXPECT_EQ(response.status, 200) << response;
  EXPECT_TRUE(
      JsonEquals(response.Json(), {{"items", json::array{}}, {"nextCursor", nullptr}, {"hasMore", false}}));
}

TEST_F(ListApiTest, ItemsComeNewestFirst) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<json::object> items = CreateItems(api, 6);
  EXPECT_EQ(api.WalkItemIds({}, 100), NewestFirst(items));
  EXPECT_EQ(api.WalkItemIds({}, 4), NewestFirst(items));
}

TEST_F(ListApiTest, ItemsWithTheSameCreatedAtAreOrderedByItemIdDescending) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> suffixes = {"m", "c", "x", "a", "q", "b", "z", "k", "d", "y", "e", "p"};
  std::vector<json::object> items;
  for (const std::string& suffix : suffixes) {
    json::object body = ItemBody();
    body["itemId"] = api.user_id() + "-" + suffix;
    items.push_back(api.MustCreate(body));
  }
  EXPECT_EQ(api.WalkItemIds({}, 100), NewestFirst(items));
  EXPECT_EQ(api.WalkItemIds({}, 5), NewestFirst(items));
}

TEST_F(ListApiTest, ListedItemsAreWholeItems) {
  ApiClient api(port(), UniqueUserId());
  json::object body = ItemBody();
  body["season"] = "winter";
  body["brand"] = "Acme";
  const json::object created = api.MustCreate(body);
  const Response response = api.ListItems();
  ASSERT_EQ(response.status, 200) << response;
  const json::array& items = response.Json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(JsonEquals(items[0], created));
}

TEST_F(ListApiTest, TheDefaultLimitIs20) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> expected = NewestFirst(CreateItems(api, 21));

  const Response first = api.ListItems();
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.Json().at("items").as_array().size(), 20u);
  EXPECT_TRUE(JsonEquals(first.Json().at("hasMore"), true));
  const Response second = api.ListItems({{"cursor", first.String("nextCursor")}});
  ASSERT_EQ(second.status, 200) << second;
  ASSERT_EQ(second.Json().at("items").as_array().size(), 1u) << second;
  EXPECT_EQ(Str(second.Json().at("items").as_array()[0].as_object(), "itemId"), expected.back());
  EXPECT_TRUE(JsonEquals(second.Json().at("hasMore"), false));
}

TEST_F(ListApiTest, LimitsFrom1To100AreAccepted) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> expected = NewestFirst(CreateItems(api, 3));
  const std::vector<Page> one_by_one = api.ItemPages({}, 1);
  EXPECT_EQ(PageSizes(one_by_one), (std::vector<std::size_t>{1, 1, 1}));
  EXPECT_EQ(Concat(one_by_one), expected);
  EXPECT_EQ(api.WalkItemIds({}, 100), expected);
}

TEST_F(ListApiTest, AnInvalidLimitIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  for (const std::string limit : {"0", "101", "-1", "abc", "1.5", "5x", "1e1", "99999999999999999999"}) {
    SCOPED_TRACE("limit=" + limit);
    const Response response = api.ListItems({{"limit", limit}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response;
  }
}

TEST_F(ListApiTest, TheSeasonFilterIsNormalisedLikeTheField) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> seasons = {"winter", "summer", "fall", "Winter", "autumn", "", "all-season"};
  const std::vector<json::object> items = CreateItems(api, static_cast<int>(seasons.size()), [&](int i) {
    json::object body = ItemBody();
    if (!seasons[i].empty()) body["season"] = seasons[i];
    return body;
  });
  const auto in_season = [&](const std::string& season) {
    return NewestFirst(Where(items, [&](const json::object& item) { return Str(item, "season") == season; }));
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"winter", "winter"}, {"WINTER", "winter"},         {"Winter", "winter"},
      {"fall", "autumn"},   {"FALL", "autumn"},           {"autumn", "autumn"},
      {"summer", "summer"}, {"all-season", "all-season"}, {"spring", "spring"},
  };
  for (const auto& [query, season] : cases) {
    SCOPED_TRACE("season=" + query);
    EXPECT_EQ(api.WalkItemIds({{"season", query}}, 100), in_season(season));
  }
  EXPECT_EQ(in_season("winter").size(), 2u);
  EXPECT_EQ(in_season("autumn").size(), 2u);
}

TEST_F(ListApiTest, AnInvalidSeasonIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  for (const std::string season : {"monsoon", " ", "wint", "winter,summer", "spring-summer"}) {
    SCOPED_TRACE("season=" + season);
    const Response response = api.ListItems({{"season", season}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response;
  }
}

TEST_F(ListApiTest, TheCategoryFilterMatchesExactlyAfterTrimmingTheQuery) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> categories = {"tops", "  tops ", "Tops", "top", "tops-2"};
  const std::vector<json::object> items = CreateItems(
      api, static_cast<int>(categories.size()), [&](int i) { return ItemBody("shirt", categories[i]); });
  const auto in_category = [&](const std::string& category) {
    return NewestFirst(
        Where(items, [&](const json::object& item) { return Str(item, "category") == category; }));
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"tops", "tops"}, {" tops ", "tops"},   {"Tops", "Tops"}, {"TOPS", "TOPS"},
      {"top", "top"},   {"tops-2", "tops-2"}, {"t", "t"},
  };
  for (const auto& [query, category] : cases) {
    SCOPED_TRACE("category=" + query);
    EXPECT_EQ(api.WalkItemIds({{"category", query}}, 100), in_category(category));
  }
  EXPECT_EQ(in_category("tops").size(), 2u);
}

TEST_F(ListApiTest, CategoriesWithSpacesAndNonAsciiCharactersMatch) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> categories = {"outer wear",
                                               "Gr\xc3\xb6\xc3\x9f"
                                               "e L",
                                               "a&b=c+d", "50%"};
  std::map<std::string, std::string> id_of;
  for (const std::string& category : categories)
    id_of[category] = Str(api.MustCreate(ItemBody("x", category)), "itemId");
  for (const std::string& category : categories) {
    SCOPED_TRACE("category=" + category);
    EXPECT_EQ(api.WalkItemIds({{"category", category}}, 100), std::vector<std::string>{id_of[category]});
  }
}

TEST_F(ListApiTest, EmptyQueryValuesAreAbsentParameters) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> expected = NewestFirst(CreateItems(api, 21));
  const std::vector<Page> pages =
      api.ItemPages({{"season", ""}, {"category", ""}, {"cursor", ""}, {"unknown", ""}}, 20);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(Concat(pages), expected);
  const Response defaults = api.ListItems({{"limit", ""}, {"season", ""}, {"category", ""}, {"cursor", ""}});
  ASSERT_EQ(defaults.status, 200) << defaults;
  EXPECT_EQ(defaults.Json().at("items").as_array().size(), 20u) << "the default limit";
}

TEST_F(ListApiTest, ABlankCategoryIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  for (const std::string category : {" ", "   "}) {
    SCOPED_TRACE("category='" + category + "'");
    const Response response = api.ListItems({{"category", category}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response;
  }
}

TEST_F(ListApiTest, FilteredPagesAreFullUntilTheLast) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<json::object> items = CreateItems(api, 25, [](int i) {
    json::object body = ItemBody("item " + std::to_string(i), i % 2 == 0 ? "A" : "B");
    body["season"] = i % 3 == 0 ? "winter" : "summer";
    return body;
  });
  const auto category_is = [](std::string c) {
    return [c](const json::object& o) { return Str(o, "category") == c; };
  };
  const auto season_is = [](std::string s) {
    return [s](const json::object& o) { return Str(o, "season") == s; };
  };
  struct Case {
    std::string name;
    Query query;
    int limit;
    std::function<bool(const json::object&)> matches;
  };
  const std::vector<Case> cases = {
      {"no filter", {}, 7, [](const json::object&) { return true; }},
      {"category A", {{"category", "A"}}, 5, category_is("A")},
      {"category B", {{"category", "B"}}, 5, category_is("B")},
      {"season winter", {{"season", "winter"}}, 4, season_is("winter")},
      {"season summer", {{"season", "summer"}}, 3, season_is("summer")},
      {"category A in winter",
       {{"category", "A"}, {"season", "winter"}},
       2,
       [&](const json::object& o) { return category_is("A")(o) && season_is("winter")(o); }},
      {"no match", {{"category", "C"}}, 5, [](const json::object&) { return false; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + ", limit " + std::to_string(c.limit));
    const std::vector<Page> pages = api.ItemPages(c.query, c.limit);
    ExpectPagination(pages, static_cast<std::size_t>(c.limit));
    EXPECT_EQ(Concat(pages), NewestFirst(Where(items, c.matches)));
  }
}

TEST_F(ListApiTest, AnExactlyFullLastPageSaysThereIsNoMore) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> expected = NewestFirst(CreateItems(api, 10));
  for (const int limit : {5, 10, 2}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    const std::vector<Page> pages = api.ItemPages({}, limit);
    EXPECT_EQ(pages.size(), static_cast<std::size_t>(10 / limit));
    ExpectPagination(pages, static_cast<std::size_t>(limit));
    EXPECT_EQ(Concat(pages), expected);
  }
}

// Writes to the walked user's other items, one round at a time, from its own
// thread; the walker waits for a new round between pages so that every page
// boundary sees changes.
class ConcurrentWriter {
 public:
  ConcurrentWriter(std::uint16_t port, std::string user_id, std::vector<std::string> updated,
                   std::vector<std::string> deleted)
      : api_(port, std::move(user_id)), updated_(std::move(updated)), deleted_(std::move(deleted)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~ConcurrentWriter() { Stop(); }

  void AwaitNextRound() {
    std::unique_lock lock(mutex_);
    const int seen = rounds_;
    round_done_.wait_for(lock, kNetworkDeadline, [&] { return rounds_ > seen || stopped_; });
  }

  // Stops and returns what went wrong, if anything.
  std::vector<std::string> Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
    return problems_;
  }

 private:
  void Run() {
    for (std::size_t round = 0;; ++round) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) break;
      }
      try {
        Expect(api_.CreateItem(ItemBody("new during walk")), 201);
        const std::string& patched = updated_[round % updated_.size()];
        Expect(api_.PatchItem(patched, {{"name", "renamed " + std::to_string(round)}}), 200);
        const std::string& replaced = updated_[(round + 7) % updated_.size()];
        Expect(api_.CreateItem({{"itemId", replaced}, {"name", "replaced"}, {"category", "misc"}}), 200);
        if (round < deleted_.size()) Expect(api_.DeleteItem(deleted_[round]), 204);
        const std::string transient = Str(api_.CreateItem(ItemBody("transient")).Json(), "itemId");
        Expect(api_.DeleteItem(transient), 204);
      } catch (const std::exception& e) {
        Record(e.what());
      }
      std::lock_guard lock(mutex_);
      ++rounds_;
      round_done_.notify_all();
    }
    std::lock_guard lock(mutex_);
    stopped_ = true;
    round_done_.notify_all();
  }

  void Expect(const Response& response, int status) {
    if (response.status == status) return;
    std::ostringstream message;
    message << "expected " << status << ", got" << response;
    Record(message.str());
  }

  void Record(std::string problem) {
    std::lock_guard lock(mutex_);
    if (problems_.size() < 5) problems_.push_back(std::move(problem));
  }

  ApiClient api_;
  std::vector<std::string> updated_;
  std::vector<std::string> deleted_;
  std::mutex mutex_;
  std::condition_variable round_done_;
  int rounds_ = 0;                     // guarded by mutex_
  bool stop_ = false;                  // guarded by mutex_
  bool stopped_ = false;               // guarded by mutex_
  std::vector<std::string> problems_;  // guarded by mutex_
  std::thread thread_;
};

TEST_F(ListApiTest, AWalkDuringWritesReturnsEveryExistingItemExactlyOnce) {
  ApiClient api(port(), UniqueUserId());
  std::vector<std::string> kept;
  std::vector<std::string> doomed;
  for (int i = 0; i < 40; ++i) {
    const std::string id = Str(api.MustCreate(ItemBody("item " + std::to_string(i), "misc")), "itemId");
    (i % 4 == 3 ? doomed : kept).push_back(id);
  }

  std::vector<Page> pages;
  std::vector<std::string> problems;
  {
    ConcurrentWriter writer(port(), api.user_id(), kept, doomed);
    std::optional<std::string> cursor;
    do {
      writer.AwaitNextRound();
      Query query = {{"limit", "3"}};
      if (cursor) query.emplace_back("cursor", *cursor);
      Page page;
      page.response = api.ListItems(query);
      ASSERT_EQ(page.response.status, 200) << page.response;
      for (const json::value& item : page.response.Json().at("items").as_array()) {
        page.item_ids.push_back(Str(item.as_object(), "itemId"));
      }
      cursor = page.response.String("nextCursor");
      if (cursor->empty()) cursor.reset();
      pages.push_back(std::move(page));
      ASSERT_LT(pages.size(), 100u) << "the walk does not end";
    } while (cursor);
    problems = writer.Stop();
  }

  EXPECT_TRUE(problems.empty()) << "the concurrent writes failed: " << problems.front();
  std::map<std::string, int> seen;
  for (const std::string& id : Concat(pages)) ++seen[id];
  for (const std::string& id : kept) EXPECT_EQ(seen[id], 1) << id << " (existed throughout the walk)";
  for (const auto& [id, count] : seen) EXPECT_LE(count, 1) << id << " was listed twice";
  for (std::size_t i = 0; i + 1 < pages.size(); ++i) {
    EXPECT_EQ(pages[i].item_ids.size(), 3u) << "page " << i + 1 << pages[i].response;
  }
}

TEST_F(ListApiTest, ACursorOfAnotherUserIsInvalid) {
  ApiClient alice(port(), UniqueUserId("alice"));
  ApiClient bob(port(), UniqueUserId("bob"));
  CreateItems(alice, 3);
  CreateItems(bob, 3);
  const std::string cursor = FirstCursor(alice, {});

  const Response response = bob.ListItems({{"cursor", cursor}, {"limit", "1"}});

  EXPECT_EQ(response.status, 400) << response;
  EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
}

TEST_F(ListApiTest, ACursorIsBoundToItsFilters) {
  ApiClient api(port(), UniqueUserId());
  CreateItems(api, 6, [](int i) {
    json::object body = ItemBody("item", i % 2 == 0 ? "A" : "B");
    body["season"] = i < 3 ? "winter" : "summer";
    return body;
  });
  struct Case {
    std::string name;
    Query made_for;
    Query used_with;
  };
  const std::vector<Case> cases = {
      {"winter cursor, summer filter", {{"season", "winter"}}, {{"season", "summer"}}},
      {"winter cursor, no filter", {{"season", "winter"}}, {}},
      {"winter cursor, winter and category",
       {{"season", "winter"}},
       {{"season", "winter"}, {"category", "A"}}},
      {"category A cursor, category B", {{"category", "A"}}, {{"category", "B"}}},
      {"category A cursor, no filter", {{"category", "A"}}, {}},
      {"unfiltered cursor, season filter", {}, {{"season", "winter"}}},
      {"unfiltered cursor, category filter", {}, {{"category", "A"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Query query = c.used_with;
    query.emplace_back("cursor", FirstCursor(api, c.made_for));
    const Response response = api.ListItems(query);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
}

TEST_F(ListApiTest, ACursorWorksWithTheSameFiltersAndAnotherLimit) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<json::object> items = CreateItems(api, 8, [](int i) {
    json::object body = ItemBody("item", "tops");
    body["season"] = i % 2 == 0 ? "autumn" : "summer";
    return body;
  });
  const std::vector<std::string> autumn =
      NewestFirst(Where(items, [](const json::object& o) { return Str(o, "season") == "autumn"; }));
  const Response first = api.ListItems({{"season", "autumn"}, {"category", "tops"}, {"limit", "1"}});
  ASSERT_EQ(first.status, 200) << first;

  const Response rest = api.ListItems(
      {{"category", "tops"}, {"season", "autumn"}, {"limit", "10"}, {"cursor", first.String("nextCursor")}});

  ASSERT_EQ(rest.status, 200) << rest;
  std::vector<std::string> ids;
  for (const json::value& item : rest.Json().at("items").as_array())
    ids.push_back(Str(item.as_object(), "itemId"));
  EXPECT_EQ(ids, std::vector<std::string>(autumn.begin() + 1, autumn.end()));
  EXPECT_TRUE(JsonEquals(rest.Json().at("hasMore"), false));
}

TEST_F(ListApiTest, AnAlteredCursorIsInvalid) {
  ApiClient api(port(), UniqueUserId());
  CreateItems(api, 3);
  const std::string cursor = FirstCursor(api, {});
  ASSERT_EQ(api.ListItems({{"cursor", cursor}}).status, 200) << "the unaltered cursor must work";
  for (const auto& [name, altered] : AlteredCursors(cursor)) {
    SCOPED_TRACE(name + ": " + altered);
    const Response response = api.ListItems({{"cursor", altered}});
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "invalid_cursor") << response;
  }
}

}  // namespace
}  // namespace wdrbe::testing
