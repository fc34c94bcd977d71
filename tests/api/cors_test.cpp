// CORS: preflights on every route without a token, and the CORS headers on
// normal and error responses, for the default (any origin) and for a list.
#include <gtest/gtest.h>

#include <string>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

class CorsTest : public SharedServerTest {};

TEST_F(CorsTest, APreflightOnEveryRouteIs204WithTheAllowedMethodsAndHeaders) {
  HttpClient http(port());
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"/users/u1/items", "POST"}, {"/users/u1/activities", "GET"},
      {"/items/abc", "PATCH"},     {"/items/abc/share", "POST"},
      {"/healthz", "GET"},
  };
  for (const auto& [target, method] : routes) {
    SCOPED_TRACE(target);
    Response preflight = http.Send({"OPTIONS",
                                    target,
                                    {{"Origin", "https://app.example.com"},
                                     {"Access-Control-Request-Method", method},
                                     {"Access-Control-Request-Headers", "authorization, content-type"}},
                                    std::nullopt});
    EXPECT_EQ(preflight.status, 204) << preflight;
    EXPECT_EQ(preflight.Header("Access-Control-Allow-Origin").value_or(""), "*");
    EXPECT_NE(preflight.Header("Access-Control-Allow-Methods").value_or("").find(method), std::string::npos);
    const std::string headers = preflight.Header("Access-Control-Allow-Headers").value_or("");
    for (const char* header : {"Authorization", "Content-Type", "X-Request-Id", "Idempotency-Key"}) {
      EXPECT_NE(headers.find(header), std::string::npos) << header;
    }
    EXPECT_EQ(preflight.Header("Access-Control-Max-Age").value_or(""), "600");
    EXPECT_TRUE(preflight.body.empty());
  }
  EXPECT_EQ(http.Send({"OPTIONS", "/no/such/route", {}, std::nullopt}).status, 404);
}

TEST_F(CorsTest, NormalAndErrorResponsesCarryTheOriginHeader) {
  ApiClient owner(port(), UniqueUserId("cors"));
  const Response ok = owner.http().Get("/users/" + owner.user_id() + "/items", owner.token(),
                                       {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Header("Access-Control-Allow-Origin").value_or(""), "*");
  EXPECT_NE(ok.Header("Access-Control-Expose-Headers").value_or("").find("X-Request-Id"), std::string::npos);
  const Response unauthorized =
      owner.http().Get("/users/" + owner.user_id() + "/items", "", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.Header("Access-Control-Allow-Origin").value_or(""), "*");
  const Response not_found = owner.http().Get("/nowhere", "", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(not_found.Header("Access-Control-Allow-Origin").value_or(""), "*");
}

TEST(CorsOriginListTest, AListEchoesOnlyAMatchingOriginAndVariesOnOrigin) {
  ServerOptions options;
  options.extra_args = {"--cors-origins", "https://app.example.com, https://admin.example.com"};
  auto server = TestServer::Start(options);
  HttpClient http(server->port());
  const Response allowed = http.Get("/healthz", "", {{"Origin", "https://admin.example.com"}});
  EXPECT_EQ(allowed.Header("Access-Control-Allow-Origin").value_or(""), "https://admin.example.com");
  EXPECT_EQ(allowed.Header("Vary").value_or(""), "Origin");
  const Response other = http.Get("/healthz", "", {{"Origin", "https://evil.example.com"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.Header("Access-Control-Allow-Origin").has_value());
  EXPECT_EQ(other.Header("Vary").value_or(""), "Origin");
}

}  // namespace
}  // namespace wdrbe::testing
