// Items: create (and replace), read, partial update and delete, with the
// contract's field rules and visibility between users.
#include <boost/json.hpp>
#include <concepts>
#include <regex>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

const std::set<std::string> kAlwaysPresent = {"itemId",      "userId",   "name",      "category",
                                              "sharedCount", "isPublic", "createdAt", "updatedAt"};
const std::vector<std::string> kOptionalFields = {"season", "color", "brand", "purchaseDate", "imageUrl"};

bool IsTimestamp(const json::value& value) {
  static const std::regex kPattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return value.is_string() && std::regex_match(std::string(value.get_string()), kPattern);
}

bool IsUlid(const std::string& id) {
  static const std::regex kPattern("[0-9A-HJKMNP-TV-Z]{26}");
  return std::regex_match(id, kPattern);
}

std::set<std::string> KeysOf(const json::object& object) {
  std::set<std::string> keys;
  for (const auto& entry : object) keys.insert(std::string(entry.key()));
  return keys;
}

// object[key], or null when absent.
json::value At(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr ? *value : json::value(nullptr);
}

json::object FullItem(const std::string& item_id) {
  return {{"itemId", item_id},
          {"name", "Navy Blazer"},
          {"category", "outerwear"},
          {"season", "autumn"},
          {"color", "navy"},
          {"brand", "Acme"},
          {"purchaseDate", "2025-10-01"},
          {"imageUrl", "https://img.example.com/blazer.jpg"}};
}

json::object With(json::object body, std::string_view key, json::value value) {
  body[key] = std::move(value);
  return body;
}

template <typename S>
requires std::same_as<std::remove_cvref_t<S>, std::string> json::object With(json::object body,
                                                                             std::string_view key,
                                                                             S&& value) {
  return With(std::move(body), key, json::value(std::string_view(value)));
}

json::object Without(json::object body, std::string_view key) {
  body.erase(key);
  return body;
}

class ItemsApiTest : public SharedServerTest {};

TEST_F(ItemsApiTest, CreateAnswers201WithLocationAndTheItem) {
  ApiClient api(port(), UniqueUserId());
  const std::string item_id = api.user_id() + "-blazer";
  const Response response = api.CreateItem(FullItem(item_id));

  ASSERT_EQ(response.status, 201) << response;
  EXPECT_EQ(response.Header("Location"), "/items/" + item_id) << response;
  const json::object& item = response.Json();
  std::set<std::string> expected_keys = kAlwaysPresent;
  expected_keys.insert(kOptionalFields.begin(), kOptionalFields.end());
  EXPECT_EQ(KeysOf(item), expected_keys) << response;
  EXPECT_EQ(Str(item, "itemId"), item_id);
  EXPECT_EQ(Str(item, "userId"), api.user_id());
  EXPECT_EQ(Str(item, "name"), "Navy Blazer");
  EXPECT_EQ(Str(item, "category"), "outerwear");
  EXPECT_EQ(Str(item, "season"), "autumn");
  EXPECT_EQ(Str(item, "color"), "navy");
  EXPECT_EQ(Str(item, "brand"), "Acme");
  EXPECT_EQ(Str(item, "purchaseDate"), "2025-10-01");
  EXPECT_EQ(Str(item, "imageUrl"), "https://img.example.com/blazer.jpg");
  EXPECT_TRUE(JsonEquals(At(item, "sharedCount"), 0));
  EXPECT_TRUE(JsonEquals(At(item, "isPublic"), false));
  ASSERT_TRUE(item.contains("createdAt") && IsTimestamp(item.at("createdAt"))) << response;
  EXPECT_EQ(At(item, "updatedAt"), At(item, "createdAt")) << response;
}

TEST_F(ItemsApiTest, CreateWithoutOptionalFieldsOmitsThemAndMakesAUlid) {
  ApiClient api(port(), UniqueUserId());
  const Response response = api.CreateItem(ItemBody());

  ASSERT_EQ(response.status, 201) << response;
  EXPECT_EQ(KeysOf(response.Json()), kAlwaysPresent) << response;
  const std::string item_id = response.String("itemId");
  EXPECT_TRUE(IsUlid(item_id)) << item_id;
  EXPECT_EQ(response.Header("Location"), "/items/" + item_id);
}

TEST_F(ItemsApiTest, ServerMadeItemIdsAreUnique) {
  ApiClient api(port(), UniqueUserId());
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(Str(api.MustCreate(ItemBody()), "itemId"));
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(ItemsApiTest, TheOwnerReadsTheItemAsCreated) {
  ApiClient api(port(), UniqueUserId());
  const json::object created = api.MustCreate(FullItem(api.user_id() + "-1"));
  const Response response = api.GetItem(Str(created, "itemId"));
  EXPECT_EQ(response.status, 200) << response;
  EXPECT_TRUE(JsonEquals(response.Json(), created));
}

TEST_F(ItemsApiTest, CreateTrimsAndNormalisesFields) {
  ApiClient api(port(), UniqueUserId());
  struct Case {
    std::string name;
    json::object body;
    std::string field;
    std::string stored;
  };
  const std::vector<Case> cases = {
      {"name trimmed", ItemBody("  Blazer \t", "tops"), "name", "Blazer"},
      {"category trimmed", ItemBody("Blazer", "  tops  "), "category", "tops"},
      {"season lower-cased", With(ItemBody(), "season", "Winter"), "season", "winter"},
      {"season upper-case", With(ItemBody(), "season", "SUMMER"), "season", "summer"},
      {"fall stored as autumn", With(ItemBody(), "season", "fall"), "season", "autumn"},
      {"FALL stored as autumn", With(ItemBody(), "season", "FALL"), "season", "autumn"},
      {"all-season", With(ItemBody(), "season", "All-Season"), "season", "all-season"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response = api.CreateItem(c.body);
    ASSERT_EQ(response.status, 201) << response;
    EXPECT_EQ(response.String(c.field), c.stored) << response;
    EXPECT_EQ(api.GetItem(response.String("itemId")).String(c.field), c.stored);
  }
}

TEST_F(ItemsApiTest, CreateAcceptsValuesAtTheirLimits) {
  ApiClient api(port(), UniqueUserId());
  std::string e_acute_200;
  for (int i = 0; i < 200; ++i) e_acute_200 += "\xc3\xa9";
  const std::string long_url = "https://img.example.com/" + std::string(2048 - 24, 'p');
  const std::string id_128 = (api.user_id() + std::string(128, 'i')).substr(0, 128);
  struct Case {
    std::string name;
    json::object body;
  };
  const std::vector<Case> cases = {
      {"name of 200 characters", ItemBody(std::string(200, 'n'))},
      {"name of 200 two-byte characters", ItemBody(e_acute_200)},
      {"category of 100 characters", ItemBody("Blazer", std::string(100, 'c'))},
      {"color of 50 characters", With(ItemBody(), "color", std::string(50, 'c'))},
      {"brand of 100 characters", With(ItemBody(), "brand", std::string(100, 'b'))},
      {"imageUrl of 2048 characters", With(ItemBody(), "imageUrl", long_url)},
      {"http imageUrl", With(ItemBody(), "imageUrl", "http://img.example.com/a.jpg")},
      {"itemId of 128 characters", With(ItemBody(), "itemId", id_128)},
      {"itemId of every allowed character", With(ItemBody(), "itemId", api.user_id() + "-AZaz09_-")},
      {"purchaseDate on a leap day", With(ItemBody(), "purchaseDate", "2024-02-29")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response = api.CreateItem(c.body);
    ASSERT_EQ(response.status, 201) << response;
    for (const auto& entry : c.body)
      EXPECT_EQ(At(response.Json(), entry.key()), entry.value()) << entry.key();
  }
  ASSERT_EQ(long_url.size(), 2048u);
}

TEST_F(ItemsApiTest, CreateRejectsEachInvalidFieldWithValidationFailed) {
  ApiClient api(port(), UniqueUserId());
  std::string e_acute_201;
  for (int i = 0; i < 201; ++i) e_acute_201 += "\xc3\xa9";
  struct Case {
    std::string name;
    json::object body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"name missing", Without(ItemBody(), "name"), "name"},
      {"name empty", ItemBody(""), "name"},
      {"name blank", ItemBody("  \t "), "name"},
      {"name of 201 characters", ItemBody(std::string(201, 'n')), "name"},
      {"name of 201 two-byte characters", ItemBody(e_acute_201), "name"},
      {"name a number", With(ItemBody(), "name", 42), "name"},
      {"name null", With(ItemBody(), "name", nullptr), "name"},
      {"name an array", With(ItemBody(), "name", json::array{"a"}), "name"},
      {"category missing", Without(ItemBody(), "category"), "category"},
      {"category empty", ItemBody("Blazer", ""), "category"},
      {"category of 101 characters", ItemBody("Blazer", std::string(101, 'c')), "category"},
      {"category a boolean", With(ItemBody(), "category", true), "category"},
      {"season unknown", With(ItemBody(), "season", "monsoon"), "season"},
      {"season empty", With(ItemBody(), "season", ""), "season"},
      {"season a number", With(ItemBody(), "season", 3), "season"},
      {"color of 51 characters", With(ItemBody(), "color", std::string(51, 'c')), "color"},
      {"color a number", With(ItemBody(), "color", 7), "color"},
      {"brand of 101 characters", With(ItemBody(), "brand", std::string(101, 'b')), "brand"},
      {"brand an object", With(ItemBody(), "brand", json::object{{"n", 1}}), "brand"},
      {"purchaseDate 30 February", With(ItemBody(), "purchaseDate", "2025-02-30"), "purchaseDate"},
      {"purchaseDate 29 February of a common year", With(ItemBody(), "purchaseDate", "2023-02-29"),
       "purchaseDate"},
      {"purchaseDate month 13", With(ItemBody(), "purchaseDate", "2025-13-01"), "purchaseDate"},
      {"purchaseDate without padding", With(ItemBody(), "purchaseDate", "2025-1-01"), "purchaseDate"},
      {"purchaseDate another format", With(ItemBody(), "purchaseDate", "01/10/2025"), "purchaseDate"},
      {"purchaseDate with a time", With(ItemBody(), "purchaseDate", "2025-10-01T00:00:00Z"), "purchaseDate"},
      {"purchaseDate a number", With(ItemBody(), "purchaseDate", 20251001), "purchaseDate"},
      {"imageUrl ftp", With(ItemBody(), "imageUrl", "ftp://img.example.com/a.jpg"), "imageUrl"},
      {"imageUrl not a URL", With(ItemBody(), "imageUrl", "not a url"), "imageUrl"},
      {"imageUrl relative", With(ItemBody(), "imageUrl", "/images/a.jpg"), "imageUrl"},
      {"imageUrl javascript", With(ItemBody(), "imageUrl", "javascript:alert(1)"), "imageUrl"},
      {"imageUrl of 2049 characters",
       With(ItemBody(), "imageUrl", "https://img.example.com/" + std::string(2049 - 24, 'p')), "imageUrl"},
      {"itemId empty", With(ItemBody(), "itemId", ""), "itemId"},
      {"itemId with a space", With(ItemBody(), "itemId", "has space"), "itemId"},
      {"itemId with a slash", With(ItemBody(), "itemId", "a/b"), "itemId"},
      {"itemId with a dot", With(ItemBody(), "itemId", "a.b"), "itemId"},
      {"itemId of 129 characters", With(ItemBody(), "itemId", std::string(129, 'i')), "itemId"},
      {"itemId a number", With(ItemBody(), "itemId", 5), "itemId"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response = api.CreateItem(c.body);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "validation_failed") << response;
    EXPECT_EQ(response.ErrorFields(), std::set<std::string>{c.field}) << response;
    EXPECT_EQ(response.String("requestId"), response.Header("X-Request-Id").value_or("")) << response;
  }
  EXPECT_EQ(api.WalkItemIds({}, 100).size(), 0u) << "an invalid create wrote an item";
}

TEST_F(ItemsApiTest, CreateReportsEveryProblemAtOnce) {
  ApiClient api(port(), UniqueUserId());
  const json::object body = {{"name", ""},
                             {"category", 42},
                             {"season", "monsoon"},
                             {"color", std::string(51, 'c')},
                             {"purchaseDate", "2025-02-30"},
                             {"imageUrl", "ftp://x.example/a"}};
  const Response response = api.CreateItem(body);
  EXPECT_EQ(response.status, 400) << response;
  EXPECT_EQ(response.ErrorCode(), "validation_failed") << response;
  EXPECT_EQ(response.ErrorFields(),
            (std::set<std::string>{"name", "category", "season", "color", "purchaseDate", "imageUrl"}))
      << response;
  const json::value* errors = response.Json().if_contains("errors");
  ASSERT_TRUE(errors != nullptr && errors->is_array()) << response;
  for (const json::value& error : errors->get_array()) {
    const json::value* message = error.is_object() ? error.get_object().if_contains("message") : nullptr;
    EXPECT_TRUE(message != nullptr && message->is_string() && !message->get_string().empty()) << error;
  }
}

// The escapes are sent as JSON text, as a client would: the server decodes
// "\u200b" to a zero-width space and "\u0000" to a NUL, and refuses both.
TEST_F(ItemsApiTest, InvisibleNamesAndControlCharactersAreRefused) {
  ApiClient api(port(), UniqueUserId());
  const auto send = [&](std::string method, std::string target, std::string body) {
    return api.http().Send(
        Request{std::move(method),
                std::move(target),
                {{"Authorization", Bearer(api.token())}, {"Content-Type", "application/json"}},
                std::move(body)});
  };
  const std::string items = "/users/" + api.user_id() + "/items";
  const Response zero_width = send("POST", items, R"({"name":"\u200b","category":"tops"})");
  EXPECT_EQ(zero_width.status, 400) << zero_width;
  EXPECT_EQ(zero_width.ErrorCode(), "validation_failed") << zero_width;
  EXPECT_EQ(zero_width.ErrorFields(), std::set<std::string>{"name"}) << zero_width;

  const Response both =
      send("POST", items, R"({"name":"\u200b\ufeff","category":"tops","brand":"a\u0000b"})");
  EXPECT_EQ(both.status, 400) << both;
  EXPECT_EQ(both.ErrorFields(), (std::set<std::string>{"name", "brand"})) << both;
  const std::string serialised = json::serialize(both.Json());
  EXPECT_NE(serialised.find("control characters"), std::string::npos) << serialised;
  EXPECT_NE(serialised.find("invisible characters"), std::string::npos) << serialised;

  const Response bidi = send("POST", items, R"({"name":"invoice\u202egpj.exe","category":"tops"})");
  EXPECT_EQ(bidi.ErrorFields(), std::set<std::string>{"name"}) << bidi;
  EXPECT_EQ(api.WalkItemIds({}, 100).size(), 0u) << "a refused create wrote an item";

  const std::string item_id = std::string(api.MustCreate(ItemBody()).at("itemId").as_string());
  const Response patched = send("PATCH", "/items/" + item_id, R"({"brand":"a\u0000b","color":"\u2066red"})");
  EXPECT_EQ(patched.status, 400) << patched;
  EXPECT_EQ(patched.ErrorFields(), (std::set<std::string>{"brand", "color"})) << patched;
  const Response unchanged = api.GetItem(item_id);
  EXPECT_FALSE(unchanged.Has("brand")) << unchanged;
}

TEST_F(ItemsApiTest, CreateIgnoresUnknownFields) {
  ApiClient api(port(), UniqueUserId());
  json::object body = ItemBody();
  body["material"] = "wool";
  body["tags"] = json::array{"formal", "work"};
  const Response response = api.CreateItem(body);
  ASSERT_EQ(response.status, 201) << response;
  EXPECT_EQ(KeysOf(response.Json()), kAlwaysPresent) << response;
}

TEST_F(ItemsApiTest, ClientsCannotSetServerManagedFields) {
  ApiClient api(port(), UniqueUserId());
  json::object body = ItemBody();
  body["userId"] = UniqueUserId("victim");
  body["sharedCount"] = 99;
  body["isPublic"] = true;
  body["createdAt"] = "2001-01-01T00:00:00.000Z";
  body["updatedAt"] = "2001-01-01T00:00:00.000Z";
  const Response response = api.CreateItem(body);
  // Rejecting them outright would also keep the item honest.
  ASSERT_TRUE(response.status == 201 || response.status == 400) << response;
  if (response.status != 201) return;
  EXPECT_EQ(response.String("userId"), api.user_id()) << response;
  EXPECT_TRUE(JsonEquals(At(response.Json(), "sharedCount"), 0));
  EXPECT_TRUE(JsonEquals(At(response.Json(), "isPublic"), false));
  EXPECT_NE(response.String("createdAt"), "2001-01-01T00:00:00.000Z");
  const Response stored = api.GetItem(response.String("itemId"));
  EXPECT_TRUE(JsonEquals(stored.Json(), response.Json()));
}

TEST_F(ItemsApiTest, PostingAnOwnItemIdReplacesTheEditableFields) {
  ApiClient api(port(), UniqueUserId());
  const std::string item_id = api.user_id() + "-replaced";
  const json::object original = api.MustCreate(FullItem(item_id));
  AwaitServerClockPast(port(), Str(original, "updatedAt"));

  json::object replacement = ItemBody("Grey Blazer", "jackets");
  replacement["itemId"] = item_id;
  replacement["color"] = "grey";
  const Response response = api.CreateItem(replacement);

  ASSERT_EQ(response.status, 200) << response;
  const json::object& item = response.Json();
  std::set<std::string> expected_keys = kAlwaysPresent;
  expected_keys.insert("color");
  EXPECT_EQ(KeysOf(item), expected_keys) << "fields left out must be cleared" << response;
  EXPECT_EQ(Str(item, "name"), "Grey Blazer");
  EXPECT_EQ(Str(item, "category"), "jackets");
  EXPECT_EQ(Str(item, "color"), "grey");
  EXPECT_EQ(Str(item, "createdAt"), Str(original, "createdAt"));
  EXPECT_GE(Str(item, "updatedAt"), Str(original, "updatedAt"));
  EXPECT_TRUE(JsonEquals(At(item, "sharedCount"), At(original, "sharedCount")));
  EXPECT_TRUE(JsonEquals(At(item, "isPublic"), At(original, "isPublic")));
  EXPECT_TRUE(JsonEquals(api.GetItem(item_id).Json(), item));
  EXPECT_EQ(api.WalkItemIds({}, 100), std::vector<std::string>{item_id});
}

TEST_F(ItemsApiTest, PostingAnotherUsersItemIdIs409AndChangesNothing) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient other(port(), UniqueUserId("other"));
  const std::string item_id = owner.user_id() + "-mine";
  const json::object original = owner.MustCreate(FullItem(item_id));

  const Response response = other.CreateItem(With(ItemBody("Stolen", "loot"), "itemId", item_id));

  EXPECT_EQ(response.status, 409) << response;
  EXPECT_EQ(response.ErrorCode(), "conflict") << response;
  EXPECT_TRUE(JsonEquals(owner.GetItem(item_id).Json(), original));
  EXPECT_TRUE(other.WalkItemIds({}, 100).empty());
}

TEST_F(ItemsApiTest, AnotherUsersPrivateItemIsNotFoundLikeAMissingOne) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient other(port(), UniqueUserId("other"));
  const std::string item_id = Str(owner.MustCreate(ItemBody()), "itemId");

  const Response foreign = other.GetItem(item_id);
  const Response missing = other.GetItem(owner.user_id() + "-never-created");

  EXPECT_EQ(foreign.status, 404) << foreign;
  EXPECT_EQ(foreign.ErrorCode(), "not_found") << foreign;
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_EQ(missing.ErrorCode(), "not_found") << missing;
  EXPECT_EQ(foreign.String("message"), missing.String("message"))
      << "the message must not reveal the item exists";
}

TEST_F(ItemsApiTest, PatchChangesOnlyTheGivenFields) {
  ApiClient api(port(), UniqueUserId());
  const json::object original = api.MustCreate(FullItem(api.user_id() + "-p"));
  AwaitServerClockPast(port(), Str(original, "updatedAt"));

  const Response response =
      api.PatchItem(Str(original, "itemId"), {{"name", " Renamed "}, {"season", "FALL"}, {"color", "black"}});

  ASSERT_EQ(response.status, 200) << response;
  json::object expected = original;
  expected["name"] = "Renamed";
  expected["season"] = "autumn";
  expected["color"] = "black";
  expected["updatedAt"] = At(response.Json(), "updatedAt");
  EXPECT_TRUE(JsonEquals(response.Json(), expected));
  EXPECT_GT(response.String("updatedAt"), Str(original, "updatedAt")) << "a real change moves updatedAt";
  EXPECT_TRUE(JsonEquals(api.GetItem(Str(original, "itemId")).Json(), response.Json()));
}

TEST_F(ItemsApiTest, PatchWithNullClearsAnOptionalField) {
  ApiClient api(port(), UniqueUserId());
  for (const std::string& field : kOptionalFields) {
    SCOPED_TRACE(field);
    const json::object original = api.MustCreate(FullItem(api.user_id() + "-" + field));
    const Response response = api.PatchItem(Str(original, "itemId"), {{field, nullptr}});
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_FALSE(response.Has(field)) << response;
    const Response stored = api.GetItem(Str(original, "itemId"));
    EXPECT_FALSE(stored.Has(field)) << stored;
    EXPECT_EQ(KeysOf(stored.Json()).size(), KeysOf(original).size() - 1)
        << "only " << field << " goes" << stored;
  }
}

TEST_F(ItemsApiTest, PatchRejectsNullForRequiredFieldsAndInvalidValues) {
  ApiClient api(port(), UniqueUserId());
  const json::object original = api.MustCreate(FullItem(api.user_id() + "-v"));
  const std::string item_id = Str(original, "itemId");
  struct Case {
    std::string name;
    json::object patch;
    std::set<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"null name", {{"name", nullptr}}, {"name"}},
      {"null category", {{"category", nullptr}}, {"category"}},
      {"blank name", {{"name", "   "}}, {"name"}},
      {"category of 101 characters", {{"category", std::string(101, 'c')}}, {"category"}},
      {"unknown season", {{"season", "monsoon"}}, {"season"}},
      {"impossible date", {{"purchaseDate", "2025-02-30"}}, {"purchaseDate"}},
      {"relative imageUrl", {{"imageUrl", "/a.jpg"}}, {"imageUrl"}},
      {"wrong type", {{"brand", 12}}, {"brand"}},
      {"several at once",
       {{"name", nullptr}, {"season", "monsoon"}, {"color", std::string(51, 'c')}},
       {"name", "season", "color"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response = api.PatchItem(item_id, c.patch);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "validation_failed") << response;
    EXPECT_EQ(response.ErrorFields(), c.fields) << response;
  }
  EXPECT_TRUE(JsonEquals(api.GetItem(item_id).Json(), original)) << "a rejected patch changed the item";
}

TEST_F(ItemsApiTest, AnEmptyPatchChangesNothing) {
  ApiClient api(port(), UniqueUserId());
  const json::object original = api.MustCreate(FullItem(api.user_id() + "-e"));
  AwaitServerClockPast(port(), Str(original, "updatedAt"));

  const Response response = api.PatchItem(Str(original, "itemId"), json::object{});

  EXPECT_EQ(response.status, 200) << response;
  EXPECT_TRUE(JsonEquals(response.Json(), original));
  EXPECT_TRUE(JsonEquals(api.GetItem(Str(original, "itemId")).Json(), original));
}

TEST_F(ItemsApiTest, PatchOfAnotherUsersPrivateItemOrAMissingItemIs404) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient other(port(), UniqueUserId("other"));
  const json::object original = owner.MustCreate(FullItem(owner.user_id() + "-x"));

  const Response foreign = other.PatchItem(Str(original, "itemId"), {{"name", "Hijacked"}});
  const Response missing = owner.PatchItem(owner.user_id() + "-never-created", {{"name", "Ghost"}});

  EXPECT_EQ(foreign.status, 404) << foreign;
  EXPECT_EQ(foreign.ErrorCode(), "not_found") << foreign;
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_EQ(missing.ErrorCode(), "not_found") << missing;
  EXPECT_TRUE(JsonEquals(owner.GetItem(Str(original, "itemId")).Json(), original));
}

TEST_F(ItemsApiTest, DeleteRemovesTheItemEverywhere) {
  ApiClient api(port(), UniqueUserId());
  const std::string kept = Str(api.MustCreate(ItemBody("Kept")), "itemId");
  const std::string item_id = Str(api.MustCreate(ItemBody("Deleted")), "itemId");

  const Response deleted = api.DeleteItem(item_id);

  EXPECT_EQ(deleted.status, 204) << deleted;
  EXPECT_TRUE(deleted.body.empty()) << deleted;
  EXPECT_FALSE(deleted.Header("Content-Length").has_value()) << "a 204 has no Content-Length (RFC 9110 8.6)";
  EXPECT_EQ(api.GetItem(item_id).status, 404);
  EXPECT_EQ(api.WalkItemIds({}, 100), std::vector<std::string>{kept});
  EXPECT_EQ(api.WalkItemIds({{"category", "outerwear"}}, 100), std::vector<std::string>{kept});
  const Response again = api.DeleteItem(item_id);
  EXPECT_EQ(again.status, 404) << again;
  EXPECT_EQ(again.ErrorCode(), "not_found") << again;
  EXPECT_EQ(api.PatchItem(item_id, {{"name", "Back"}}).status, 404);
}

TEST_F(ItemsApiTest, DeleteOfAnotherUsersItemIs404AndKeepsIt) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient other(port(), UniqueUserId("other"));
  const json::object original = owner.MustCreate(ItemBody());

  const Response response = other.DeleteItem(Str(original, "itemId"));

  EXPECT_EQ(response.status, 404) << response;
  EXPECT_EQ(response.ErrorCode(), "not_found") << response;
  EXPECT_TRUE(JsonEquals(owner.GetItem(Str(original, "itemId")).Json(), original));
}

}  // namespace
}  // namespace wdrbe::testing
