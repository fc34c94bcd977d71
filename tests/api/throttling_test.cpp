// Throttling: 429 with Retry-After from the server-wide bucket (before any
// token is verified) and from per-user buckets (one noisy user does not
// throttle another); health checks are never throttled.
#include <gtest/gtest.h>

#include <string>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

std::unique_ptr<TestServer> StartWithLimits(std::string rate, std::string burst, std::string user_rate,
                                            std::string user_burst) {
  ServerOptions options;
  options.extra_env = {{"WDRBE_RATE_LIMIT", rate}, {"WDRBE_USER_RATE_LIMIT", user_rate}};
  options.extra_args = {"--burst", burst, "--user-burst", user_burst};
  return TestServer::Start(options);
}

TEST(ThrottlingTest, ANoisyUserIsThrottledAloneWithRetryAfter) {
  // Per user: 1 request/s with a burst of 5; the server-wide limit is off.
  auto server = StartWithLimits("0", "1", "1", "5");
  ApiClient noisy(server->port(), "noisy");
  ApiClient quiet(server->port(), "quiet");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(noisy.ListItems().status, 200) << i;
  Response throttled = noisy.ListItems();
  ASSERT_EQ(throttled.status, 429) << throttled;
  EXPECT_EQ(throttled.ErrorCode(), "too_many_requests");
  const std::string retry_after = throttled.Header("Retry-After").value_or("");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_EQ(quiet.ListItems().status, 200) << "another user keeps their own bucket";
  EXPECT_EQ(noisy.http().Get("/healthz").status, 200) << "health checks are never throttled";
}

TEST(ThrottlingTest, TheServerWideLimitRefusesUnauthenticatedFloodsBeforeTokenWork) {
  // Server-wide: 1 request/s with a burst of 3; per user off.
  auto server = StartWithLimits("1", "3", "0", "1");
  HttpClient http(server->port());
  int unauthorized = 0;
  int throttled = 0;
  for (int i = 0; i < 10; ++i) {
    Response response = http.Get("/users/u1/items", "not-a-token");
    if (response.status == 401) ++unauthorized;
    if (response.status == 429) {
      ++throttled;
      EXPECT_TRUE(response.Header("Retry-After").has_value());
    }
  }
  EXPECT_EQ(unauthorized, 3) << "only the burst reaches token verification";
  EXPECT_EQ(throttled, 7);
  EXPECT_EQ(http.Get("/readyz").status, 200);
}

}  // namespace
}  // namespace wdrbe::testing
