// CORS: preflights on every route without a token, and the CORS headers on
// normal and error responses, for the default (any origin) and for a list.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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
    EXPECT_FALSE(preflight.Header("Content-Length").has_value()) << preflight;
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

TEST_F(CorsTest, ErrorsTheServerSendsBeforeRoutingCarryTheOriginHeaderWhenTheHeaderWasRead) {
  const std::string target = "/users/" + UniqueUserId("cors-413") + "/items";
  const std::string head = "POST " + target +
                           " HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\n"
                           "Content-Type: application/json\r\nX-Request-Id: cors-transport-error\r\n";
  std::string chunked_body;
  for (int i = 0; i < 18; ++i) chunked_body += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  chunked_body += "0\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"413, a declared 70 KiB body",
       head + "Content-Length: " + std::to_string(70 * 1024) + "\r\n\r\n" + std::string(70 * 1024, ' ')},
      {"413, a chunked body growing past 64 KiB", head + "Transfer-Encoding: chunked\r\n\r\n" + chunked_body},
      {"400, a malformed chunk", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"},
  };
  for (const auto& [name, request] : cases) {
    SCOPED_TRACE(name);
    RawConnection raw(port());
    raw.Send(request);  // may fail: the server answers before reading the whole body
    const auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "the connection closed without an answer";
    EXPECT_EQ(response->status, name.starts_with("413") ? 413 : 400) << *response;
    EXPECT_EQ(response->Header("Access-Control-Allow-Origin").value_or(""), "*") << *response;
    EXPECT_NE(response->Header("Access-Control-Expose-Headers").value_or("").find("X-Request-Id"),
              std::string::npos);
    EXPECT_EQ(response->Header("X-Request-Id").value_or(""), "cors-transport-error");
  }

  // A header block over 8 KiB is never parsed, so nothing is known of its
  // origin; the 431 still carries a request id.
  RawConnection raw(port());
  raw.Send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\nX-Filler: " +
           std::string(9000, 'a') + "\r\n\r\n");
  const auto too_large = raw.ReadResponse();
  ASSERT_TRUE(too_large.has_value());
  EXPECT_EQ(too_large->status, 431) << *too_large;
  EXPECT_FALSE(too_large->Header("Access-Control-Allow-Origin").has_value()) << *too_large;
  EXPECT_TRUE(too_large->Header("X-Request-Id").has_value());
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
