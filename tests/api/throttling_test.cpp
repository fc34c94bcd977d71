// Throttling in the contract's order: a request without a valid token draws
// only from its address's bucket, a valid one from its user's bucket and
// then, within the user's budget, from the server-wide one. So neither a
// flood of bad tokens nor one noisy user throttles anybody else; 429 comes
// with Retry-After; health checks are never throttled.
#include <gtest/gtest.h>

#include <string>

#include "testing/http_client.hpp"
#include "testing/metric_samples.hpp"
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

TEST(ThrottlingTest, AFloodOfBadTokensThrottlesOnlyItsOwnAddressBucket) {
  // Per address (no valid token): 1 request/s with a burst of 3. The
  // server-wide and per-user limits are generous.
  ServerOptions options;
  options.extra_env = {
      {"WDRBE_RATE_LIMIT", "1000"}, {"WDRBE_USER_RATE_LIMIT", "1000"}, {"WDRBE_ANONYMOUS_RATE_LIMIT", "1"}};
  options.extra_args = {"--anonymous-burst", "3"};
  auto server = TestServer::Start(options);
  HttpClient flood(server->port());
  ApiClient valid(server->port(), "valid-user");
  int unauthorized = 0;
  int throttled = 0;
  int served = 0;
  for (int i = 0; i < 20; ++i) {
    Response bad = flood.Get("/users/u1/items", "not-a-token");
    if (bad.status == 401) ++unauthorized;
    if (bad.status == 429) {
      ++throttled;
      EXPECT_TRUE(bad.Header("Retry-After").has_value());
    }
    // The same address, with a valid token: never charged to that bucket.
    if (valid.ListItems().status == 200) ++served;
  }
  EXPECT_EQ(unauthorized, 3) << "the address's burst";
  EXPECT_EQ(throttled, 17);
  EXPECT_EQ(served, 20) << "a valid user is not throttled by a flood of bad tokens";
  EXPECT_EQ(flood.Get("/no-such-route").status, 429) << "no route: the address's bucket too";
  EXPECT_EQ(flood.Get("/readyz").status, 200);
}

TEST(ThrottlingTest, AUserOverTheirLimitDoesNotDrainTheServerWideBucket) {
  // Server-wide: a burst of 10 that does not refill during the test; per
  // user: a burst of 5.
  auto server = StartWithLimits("0.001", "10", "0.001", "5");
  ApiClient noisy(server->port(), "noisy");
  ApiClient quiet(server->port(), "quiet");
  int noisy_served = 0;
  for (int i = 0; i < 20; ++i) noisy_served += noisy.ListItems().status == 200 ? 1 : 0;
  EXPECT_EQ(noisy_served, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(quiet.ListItems().status, 200) << i << ": the noisy user's refused requests cost nothing";
  }
  Response over = quiet.ListItems();
  EXPECT_EQ(over.status, 429) << "both users spent the server-wide burst of 10: " << over;
  // A throttled request is counted under its route, not as unmatched.
  const std::string page = HttpClient(server->port()).Get("/metrics").body;
  EXPECT_EQ(
      MetricSample(
          page,
          R"(wdrbe_http_requests_total{route="/users/{userId}/items",method="GET",status_class="4xx"})"),
      16)
      << page;
}

}  // namespace
}  // namespace wdrbe::testing
