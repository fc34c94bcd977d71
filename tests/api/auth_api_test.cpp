// Authentication: bearer HS256 tokens on every /users/... and /items/...
// route, and the path's user id against the token's subject.
#include <boost/json.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kOtherSecret = "a-different-secret-of-sufficient-length!";

// Every route that needs a token, for `user` (a JSON body where it takes one).
std::vector<Request> ProtectedRoutes(const std::string& user) {
  const std::string body = json::serialize(ItemBody());
  const Headers json_type = {{"Content-Type", "application/json"}};
  return {
      {"GET", "/users/" + user + "/items", {}, std::nullopt},
      {"POST", "/users/" + user + "/items", json_type, body},
      {"GET", "/users/" + user + "/activities", {}, std::nullopt},
      {"GET", "/items/some-item", {}, std::nullopt},
      {"PATCH", "/items/some-item", json_type, body},
      {"DELETE", "/items/some-item", {}, std::nullopt},
  };
}

Request WithAuthorization(Request request, const std::string& value) {
  request.headers.emplace_back("Authorization", value);
  return request;
}

// header.payload of a compact token, signed with `secret` under any `alg`.
std::string SignedWithHeader(const json::object& header, const json::object& claims,
                             std::string_view secret = kTestJwtSecret) {
  const std::string unsigned_token = RawToken(header, claims, "");
  const std::string signing_input = unsigned_token.substr(0, unsigned_token.size() - 1);
  return unsigned_token + Hs256Signature(signing_input, secret);
}

class AuthApiTest : public SharedServerTest {};

TEST_F(AuthApiTest, ARequestWithoutTokenIs401WithABearerChallenge) {
  const std::string user = UniqueUserId();
  HttpClient http(port());
  for (const Request& request : ProtectedRoutes(user)) {
    SCOPED_TRACE(request.method + " " + request.target);
    const Response response = http.Send(request);
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << response;
    const std::string challenge = response.Header("WWW-Authenticate").value_or("");
    EXPECT_TRUE(challenge.starts_with("Bearer")) << response;
    EXPECT_EQ(challenge.find("invalid_token"), std::string::npos) << "no token was sent" << response;
  }
}

TEST_F(AuthApiTest, AnInvalidTokenIs401WithAnInvalidTokenChallenge) {
  const std::string user = UniqueUserId();
  const std::string long_sub(129, 's');
  const std::int64_t now = NowSeconds();
  const json::object claims = {{"sub", user}, {"exp", now + 3600}};
  const std::string valid = SignToken(claims);
  const std::string for_other = SignToken({{"sub", UniqueUserId("other")}, {"exp", now + 3600}});
  const std::string header_part = valid.substr(0, valid.find('.'));
  const std::string signature_part = valid.substr(valid.rfind('.') + 1);
  const std::string other_payload =
      for_other.substr(for_other.find('.') + 1, for_other.rfind('.') - for_other.find('.') - 1);

  struct Case {
    std::string name;
    std::string token;
    std::string path_user;
  };
  const std::vector<Case> cases = {
      {"not a JWT", "not-a-jwt", user},
      {"two parts", header_part + ".abc", user},
      {"alg none, unsigned", RawToken({{"alg", "none"}, {"typ", "JWT"}}, claims, ""), user},
      {"alg none, with an HS256 signature", SignedWithHeader({{"alg", "none"}}, claims), user},
      {"alg HS512 header over an HS256 signature",
       SignedWithHeader({{"alg", "HS512"}, {"typ", "JWT"}}, claims), user},
      {"alg RS256 header, secret as HMAC key", SignedWithHeader({{"alg", "RS256"}, {"typ", "JWT"}}, claims),
       user},
      {"signed with another secret", SignToken(claims, kOtherSecret), user},
      {"payload swapped after signing", header_part + "." + other_payload + "." + signature_part,
       UniqueUserId("other")},
      {"signature removed", valid.substr(0, valid.rfind('.') + 1), user},
      {"expired beyond the 60 s leeway", SignToken({{"sub", user}, {"exp", now - 180}}), user},
      {"no exp", SignToken({{"sub", user}}), user},
      {"exp not a number", SignToken({{"sub", user}, {"exp", "tomorrow"}}), user},
      {"nbf beyond the leeway", SignToken({{"sub", user}, {"exp", now + 3600}, {"nbf", now + 600}}), user},
      {"no sub", SignToken({{"exp", now + 3600}}), user},
      {"empty sub", SignToken({{"sub", ""}, {"exp", now + 3600}}), user},
      {"sub not a string", SignToken({{"sub", 42}, {"exp", now + 3600}}), "42"},
      {"sub of 129 characters", SignToken({{"sub", long_sub}, {"exp", now + 3600}}), long_sub},
  };
  HttpClient http(port());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response = http.Get("/users/" + c.path_user + "/items", c.token);
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << response;
    const std::string challenge = response.Header("WWW-Authenticate").value_or("");
    EXPECT_TRUE(challenge.starts_with("Bearer")) << response;
    EXPECT_NE(challenge.find(R"(error="invalid_token")"), std::string::npos) << response;
  }
}

TEST_F(AuthApiTest, AnInvalidTokenIs401OnEveryProtectedRoute) {
  const std::string user = UniqueUserId();
  const std::string token = MakeToken(user, std::chrono::hours(1), kOtherSecret);
  HttpClient http(port());
  for (const Request& request : ProtectedRoutes(user)) {
    SCOPED_TRACE(request.method + " " + request.target);
    const Response response = http.Send(WithAuthorization(request, Bearer(token)));
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_NE(response.Header("WWW-Authenticate").value_or("").find("invalid_token"), std::string::npos)
        << response;
  }
}

TEST_F(AuthApiTest, AnAuthorizationHeaderThatIsNotABearerTokenIs401) {
  const std::string user = UniqueUserId();
  const std::string token = MakeToken(user);
  const std::vector<std::string> values = {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ",
                                           "Token " + token,     token,    "Bearer " + token + " extra"};
  HttpClient http(port());
  for (const std::string& value : values) {
    SCOPED_TRACE("Authorization: " + value);
    const Response response = http.Get("/users/" + user + "/items", {}, {{"Authorization", value}});
    EXPECT_EQ(response.status, 401) << response;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << response;
  }
}

TEST_F(AuthApiTest, ValidTokensAreAccepted) {
  const std::string user = UniqueUserId();
  const std::string long_user = UniqueUserId() + std::string(128, 'x');
  const std::string user_128 = long_user.substr(0, 128);
  const std::int64_t now = NowSeconds();
  struct Case {
    std::string name;
    std::string authorization;
    std::string path_user;
  };
  const std::vector<Case> cases = {
      {"plain", Bearer(MakeToken(user)), user},
      {"expired 20 s ago, within the leeway", Bearer(SignToken({{"sub", user}, {"exp", now - 20}})), user},
      {"nbf in the past", Bearer(SignToken({{"sub", user}, {"exp", now + 3600}, {"nbf", now - 10}})), user},
      {"nbf 20 s ahead, within the leeway",
       Bearer(SignToken({{"sub", user}, {"exp", now + 3600}, {"nbf", now + 20}})), user},
      {"extra claims",
       Bearer(SignToken({{"sub", user}, {"exp", now + 3600}, {"iat", now}, {"scope", "items"}})), user},
      {"lower-case scheme", "bearer " + MakeToken(user), user},
      {"sub of 128 characters", Bearer(MakeToken(user_128)), user_128},
  };
  HttpClient http(port());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Response response =
        http.Get("/users/" + c.path_user + "/items", {}, {{"Authorization", c.authorization}});
    EXPECT_EQ(response.status, 200) << response;
  }
}

TEST_F(AuthApiTest, APathUserOtherThanTheTokensSubjectIs403) {
  ApiClient owner(port(), UniqueUserId("owner"));
  ApiClient intruder(port(), UniqueUserId("intruder"));
  owner.MustCreate(ItemBody());
  const std::string owner_items = "/users/" + owner.user_id() + "/items";
  const std::vector<Response> responses = {
      intruder.http().Get(owner_items, intruder.token()),
      intruder.http().Get(WithQuery(owner_items, {{"limit", "5"}}), intruder.token()),
      intruder.http().Post(owner_items, ItemBody("Planted"), intruder.token()),
      intruder.http().Get("/users/" + owner.user_id() + "/activities", intruder.token()),
  };
  for (const Response& response : responses) {
    EXPECT_EQ(response.status, 403) << response;
    EXPECT_EQ(response.ErrorCode(), "forbidden") << response;
  }
  EXPECT_EQ(owner.WalkItemIds({}, 100).size(), 1u) << "the forbidden create wrote an item";
  EXPECT_EQ(intruder.WalkItemIds({}, 100).size(), 0u);
}

TEST_F(AuthApiTest, UserIdsAreCaseSensitive) {
  ApiClient lower(port(), UniqueUserId("case"));
  std::string upper_id = lower.user_id();
  for (char& c : upper_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Response response = lower.http().Get("/users/" + upper_id + "/items", lower.token());
  EXPECT_EQ(response.status, 403) << response;
}

}  // namespace
}  // namespace wdrbe::testing
