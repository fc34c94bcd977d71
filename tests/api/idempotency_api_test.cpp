// Idempotent creates: a key (body `idempotencyKey` or header
// `Idempotency-Key`) makes a repeat of the same request a replay, per user,
// even under concurrency.
#include <boost/json.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

json::object WithKey(json::object body, std::string_view key) {
  body["idempotencyKey"] = key;
  return body;
}

Headers KeyHeader(std::string_view key) { return {{"Idempotency-Key", std::string(key)}}; }

std::size_t ItemCount(ApiClient& api) { return api.WalkItemIds({}, 100).size(); }
std::size_t ActivityCount(ApiClient& api) { return api.WalkActivityItemIds(100).size(); }

class IdempotencyApiTest : public SharedServerTest {};

TEST_F(IdempotencyApiTest, ARepeatWithTheSameKeyAndPayloadReplaysTheItem) {
  struct Case {
    std::string name;
    bool first_in_header;
    bool repeat_in_header;
  };
  const std::vector<Case> cases = {
      {"key in the body", false, false},
      {"key in the header", true, true},
      {"body first, then header", false, true},
      {"header first, then body", true, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ApiClient api(port(), UniqueUserId());
    const std::string key = "key-" + api.user_id();
    const json::object body = ItemBody("Navy Blazer", "outerwear");
    const auto send = [&](bool in_header) {
      return in_header ? api.CreateItem(body, KeyHeader(key)) : api.CreateItem(WithKey(body, key));
    };

    const Response first = send(c.first_in_header);
    const Response repeat = send(c.repeat_in_header);

    ASSERT_EQ(first.status, 201) << first;
    EXPECT_EQ(repeat.status, 200) << repeat;
    EXPECT_TRUE(JsonEquals(repeat.Json(), first.Json()));
    EXPECT_FALSE(repeat.Has("idempotencyKey")) << "the key is not part of the item" << repeat;
    EXPECT_EQ(ItemCount(api), 1u);
    EXPECT_EQ(ActivityCount(api), 1u);
  }
}

TEST_F(IdempotencyApiTest, AReplayWritesNothing) {
  ApiClient api(port(), UniqueUserId());
  const json::object body = WithKey(ItemBody(), "replay-writes-nothing");
  const json::object created = api.MustCreate(body);
  AwaitServerClockPast(port(), Str(created, "updatedAt"));

  const Response repeat = api.CreateItem(body);

  EXPECT_EQ(repeat.status, 200) << repeat;
  EXPECT_TRUE(JsonEquals(api.GetItem(Str(created, "itemId")).Json(), created)) << "updatedAt must not move";
}

TEST_F(IdempotencyApiTest, AReplayAnswersTheItemAsItIsNow) {
  ApiClient api(port(), UniqueUserId());
  const json::object body = WithKey(ItemBody("Original", "tops"), "as-it-is-now");
  const json::object created = api.MustCreate(body);
  const Response patched = api.PatchItem(Str(created, "itemId"), {{"name", "Patched"}, {"color", "red"}});
  ASSERT_EQ(patched.status, 200) << patched;

  const Response repeat = api.CreateItem(body);

  EXPECT_EQ(repeat.status, 200) << repeat;
  EXPECT_TRUE(JsonEquals(repeat.Json(), patched.Json()));
}

TEST_F(IdempotencyApiTest, TheSameKeyWithAnotherPayloadIs422) {
  ApiClient api(port(), UniqueUserId());
  const std::string key = "reused";
  const json::object original = api.MustCreate(WithKey(ItemBody("Blazer", "outerwear"), key));
  json::object with_color = ItemBody("Blazer", "outerwear");
  with_color["color"] = "navy";
  json::object with_item_id = ItemBody("Blazer", "outerwear");
  with_item_id["itemId"] = api.user_id() + "-explicit";
  const std::vector<std::pair<std::string, json::object>> cases = {
      {"another name", ItemBody("Jacket", "outerwear")},
      {"another category", ItemBody("Blazer", "tops")},
      {"an added optional field", with_color},
      {"an explicit item id", with_item_id},
  };
  for (const auto& [name, body] : cases) {
    SCOPED_TRACE(name);
    for (const bool in_header : {false, true}) {
      const Response response =
          in_header ? api.CreateItem(body, KeyHeader(key)) : api.CreateItem(WithKey(body, key));
      EXPECT_EQ(response.status, 422) << response;
      EXPECT_EQ(response.ErrorCode(), "idempotency_key_reused") << response;
    }
  }
  EXPECT_EQ(api.WalkItemIds({}, 100), std::vector<std::string>{Str(original, "itemId")});
  EXPECT_TRUE(JsonEquals(api.GetItem(Str(original, "itemId")).Json(), original));
  EXPECT_EQ(api.GetItem(api.user_id() + "-explicit").status, 404);
}

TEST_F(IdempotencyApiTest, HeaderAndBodyKeysMustAgree) {
  ApiClient api(port(), UniqueUserId());

  const Response differing = api.CreateItem(WithKey(ItemBody(), "body-key"), KeyHeader("header-key"));
  EXPECT_EQ(differing.status, 400) << differing;
  EXPECT_EQ(differing.ErrorCode(), "bad_request") << differing;
  EXPECT_EQ(ItemCount(api), 0u);

  const Response agreeing = api.CreateItem(WithKey(ItemBody(), "same-key"), KeyHeader("same-key"));
  EXPECT_EQ(agreeing.status, 201) << agreeing;
  const Response replay = api.CreateItem(ItemBody(), KeyHeader("same-key"));
  EXPECT_EQ(replay.status, 200) << replay;
  EXPECT_EQ(ItemCount(api), 1u);
}

TEST_F(IdempotencyApiTest, AnInvalidKeyIsValidationFailed) {
  ApiClient api(port(), UniqueUserId());
  struct Case {
    std::string name;
    json::value key;
  };
  const std::vector<Case> body_keys = {
      {"empty", ""},
      {"129 characters", json::string(129, 'k')},
      {"a tab", "tab\tkey"},
      {"a newline", "new\nline"},
      {"DEL", "del\x7f"},
      {"a control character", "\x01key"},
      {"non-ASCII", "cl\xc3\xa9"},
      {"a number", 42},
      {"an object", json::object{{"k", "v"}}},
  };
  for (const Case& c : body_keys) {
    SCOPED_TRACE("body key: " + c.name);
    json::object body = ItemBody();
    body["idempotencyKey"] = c.key;
    const Response response = api.CreateItem(body);
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "validation_failed") << response;
    EXPECT_EQ(response.ErrorFields(), std::set<std::string>{"idempotencyKey"}) << response;
  }
  const std::vector<std::pair<std::string, std::string>> header_keys = {
      {"empty", ""},
      {"129 characters", std::string(129, 'k')},
      {"non-ASCII", "cl\xc3\xa9"},
  };
  for (const auto& [name, key] : header_keys) {
    SCOPED_TRACE("header key: " + name);
    const Response response = api.CreateItem(ItemBody(), KeyHeader(key));
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_EQ(response.ErrorCode(), "validation_failed") << response;
    EXPECT_EQ(response.ErrorFields(), std::set<std::string>{"idempotencyKey"}) << response;
  }
  EXPECT_EQ(ItemCount(api), 0u);
}

TEST_F(IdempotencyApiTest, KeysOfPrintableAsciiUpTo128CharactersAreAccepted) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> keys = {"k", std::string(128, 'k'),
                                         "with space ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"};
  for (const std::string& key : keys) {
    SCOPED_TRACE("key: " + key);
    const json::object body = WithKey(ItemBody(), key);
    EXPECT_EQ(api.CreateItem(body).status, 201);
    EXPECT_EQ(api.CreateItem(body).status, 200);
  }
  EXPECT_EQ(ItemCount(api), keys.size());
}

TEST_F(IdempotencyApiTest, KeysBelongToOneUser) {
  ApiClient alice(port(), UniqueUserId("alice"));
  ApiClient bob(port(), UniqueUserId("bob"));
  const std::string key = "shared-key-" + alice.user_id();

  const Response alices = alice.CreateItem(WithKey(ItemBody("Alice's", "tops"), key));
  const Response bobs = bob.CreateItem(WithKey(ItemBody("Bob's", "shoes"), key));

  EXPECT_EQ(alices.status, 201) << alices;
  EXPECT_EQ(bobs.status, 201) << bobs;
  EXPECT_NE(alices.String("itemId"), bobs.String("itemId"));
  EXPECT_EQ(bobs.String("userId"), bob.user_id());
  EXPECT_EQ(bob.CreateItem(WithKey(ItemBody("Bob's", "shoes"), key)).status, 200);
  EXPECT_EQ(ItemCount(alice), 1u);
  EXPECT_EQ(ItemCount(bob), 1u);
}

TEST_F(IdempotencyApiTest, ConcurrentCreatesWithOneKeyMakeOneItem) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 3;
  ApiClient api(port(), UniqueUserId());
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const json::object body =
        WithKey(ItemBody("Raced " + std::to_string(round), "tops"), "race-" + std::to_string(round));
    std::vector<Response> responses(kThreads);
    std::vector<std::string> failures(kThreads);
    {
      std::vector<ApiClient> clients;
      for (int i = 0; i < kThreads; ++i) clients.emplace_back(port(), api.user_id());
      // Connect first, so that the requests themselves start together.
      for (ApiClient& client : clients) client.http().Get("/healthz");
      std::latch start(kThreads);
      std::vector<std::thread> threads;
      for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
          start.arrive_and_wait();
          try {
            responses[i] = clients[i].CreateItem(body);
          } catch (const std::exception& e) {
            failures[i] = e.what();
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    }

    std::map<int, int> statuses;
    std::set<std::string> item_ids;
    for (int i = 0; i < kThreads; ++i) {
      EXPECT_TRUE(failures[i].empty()) << failures[i];
      ++statuses[responses[i].status];
      const Response& response = responses[i];
      if (response.status == 201 || response.status == 200) {
        item_ids.insert(response.String("itemId"));
      } else {
        EXPECT_EQ(response.status, 409) << response;
        EXPECT_EQ(response.ErrorCode(), "idempotency_key_in_use") << response;
      }
    }
    EXPECT_EQ(statuses[201], 1) << "exactly one request creates";
    EXPECT_EQ(item_ids.size(), 1u) << "every replay names the one item";
  }
  EXPECT_EQ(ItemCount(api), static_cast<std::size_t>(kRounds));
  EXPECT_EQ(ActivityCount(api), static_cast<std::size_t>(kRounds));
}

TEST_F(IdempotencyApiTest, AReplayAfterTheItemWasDeletedIs404) {
  ApiClient api(port(), UniqueUserId());
  const json::object body = WithKey(ItemBody(), "deleted-later");
  const json::object created = api.MustCreate(body);
  ASSERT_EQ(api.DeleteItem(Str(created, "itemId")).status, 204);

  const Response repeat = api.CreateItem(body);

  EXPECT_EQ(repeat.status, 404) << repeat;
  EXPECT_EQ(repeat.ErrorCode(), "not_found") << repeat;
  EXPECT_EQ(ItemCount(api), 0u) << "a replay must not recreate the item";
}

TEST_F(IdempotencyApiTest, ARejectedRequestDoesNotUseUpItsKey) {
  ApiClient api(port(), UniqueUserId());
  ApiClient other(port(), UniqueUserId("other"));
  const std::string taken_id = Str(other.MustCreate(WithKey(ItemBody(), "x")), "itemId");
  json::object conflicting = ItemBody();
  conflicting["itemId"] = taken_id;

  EXPECT_EQ(api.CreateItem(WithKey(ItemBody(""), "first-try")).status, 400) << "invalid";
  EXPECT_EQ(api.CreateItem(WithKey(conflicting, "second-try")).status, 409) << "another user's item id";

  EXPECT_EQ(api.CreateItem(WithKey(ItemBody("Valid", "tops"), "first-try")).status, 201);
  EXPECT_EQ(api.CreateItem(WithKey(ItemBody("Valid", "tops"), "second-try")).status, 201);
  EXPECT_EQ(ItemCount(api), 2u);
}

}  // namespace
}  // namespace wdrbe::testing
