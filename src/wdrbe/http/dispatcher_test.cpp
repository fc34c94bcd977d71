// The dispatcher's admission rules, where a test needs a client address the
// loopback listener of the API tests cannot give: loopback-only routes,
// the throttling order by address, and the header precheck that decides
// whether a body is invited (Expect: 100-continue).
#include "wdrbe/http/dispatcher.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/http/responses.hpp"

namespace wdrbe::http {
namespace {

using wdrbe::testing::RunTask;

ClientAddress Address(const char* text) { return boost::asio::ip::make_address(text); }

Task<HttpResponse> Ok(RequestContext&) { co_return JsonResponse(StatusCode::ok, {{"ok", true}}); }

// Answers with the principal's user id.
Task<HttpResponse> WhoAsks(RequestContext& context) {
  co_return JsonResponse(StatusCode::ok, {{"user", context.principal().user_id}});
}

// Accepts exactly the token "good", as user "u".
Result<Principal> AcceptGood(const HttpRequest& request) {
  auto header = FindHeader(request, "Authorization");
  if (header && *header == "Bearer good") return Principal{"u"};
  return Error::Unauthorized("invalid token");
}

class DispatcherTest : public ::testing::Test {
 protected:
  Dispatcher Make(RateLimiter* limiter = nullptr) {
    Router router;
    router.Add(Verb::get, "/metrics", Access::kLoopback, Ok);
    router.Add(Verb::get, "/healthz", Access::kPublic, Ok);
    router.Add(Verb::get, "/docs", Access::kAnonymous, Ok);
    router.Add(Verb::get, "/private", Access::kAuthenticated, Ok);
    router.Add(Verb::post, "/private", Access::kAuthenticated, Ok);
    router.Add(Verb::get, "/stream", Access::kAuthenticatedOrQueryToken, WhoAsks);
    return Dispatcher(std::move(router), AcceptGood, CorsPolicy("*"), limiter, random_, nullptr);
  }

  static HttpRequest Request(Verb method, const char* target, const char* token = nullptr) {
    HttpRequest request{method, target, 11};
    if (token != nullptr) request.set(beast_http::field::authorization, std::string("Bearer ") + token);
    return request;
  }

  int Status(Dispatcher& dispatcher, const HttpRequest& request, const char* client) {
    return static_cast<int>(
        RunTask(dispatcher.Handle(request, "rid", Address(client), nullptr)).result_int());
  }

  SecureRandom random_;
};

TEST_F(DispatcherTest, LoopbackOnlyRoutesRefuseOtherClients) {
  Dispatcher dispatcher = Make();
  const HttpRequest metrics = Request(Verb::get, "/metrics");
  for (const char* loopback : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(Status(dispatcher, metrics, loopback), 200) << loopback;
  }
  for (const char* remote : {"192.0.2.7", "10.0.0.1", "2001:db8::1", "::ffff:192.0.2.7"}) {
    EXPECT_EQ(Status(dispatcher, metrics, remote), 403) << remote;
  }
  const HttpResponse refused = RunTask(dispatcher.Handle(metrics, "rid", Address("192.0.2.7"), nullptr));
  EXPECT_NE(refused.body().find("--metrics-public"), std::string::npos) << refused.body();
  EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/healthz"), "192.0.2.7"), 200) << "public stays public";
}

TEST_F(DispatcherTest, HeadReachesTheGetRoute) {
  Dispatcher dispatcher = Make();
  EXPECT_EQ(Status(dispatcher, Request(Verb::head, "/healthz"), "127.0.0.1"), 200);
  EXPECT_EQ(Status(dispatcher, Request(Verb::head, "/private", "good"), "127.0.0.1"), 200);
  EXPECT_EQ(Status(dispatcher, Request(Verb::head, "/private"), "127.0.0.1"), 401);
}

TEST_F(DispatcherTest, AddressesAreThrottledApartAndIpv6ByPrefix) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {0, 1}, {1, 2}});
  Dispatcher dispatcher = Make(&limiter);
  const HttpRequest bad = Request(Verb::get, "/private", "bad");
  EXPECT_EQ(Status(dispatcher, bad, "192.0.2.1"), 401);
  EXPECT_EQ(Status(dispatcher, bad, "192.0.2.1"), 401);
  EXPECT_EQ(Status(dispatcher, bad, "192.0.2.1"), 429);
  EXPECT_EQ(Status(dispatcher, bad, "192.0.2.2"), 401) << "another address has its own bucket";
  EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/private", "good"), "192.0.2.1"), 200)
      << "a valid token never draws from the address's bucket";

  // One IPv6 host holds a /64: all of it shares one bucket.
  EXPECT_EQ(Status(dispatcher, bad, "2001:db8:1:2::1"), 401);
  EXPECT_EQ(Status(dispatcher, bad, "2001:db8:1:2::ffff"), 401);
  EXPECT_EQ(Status(dispatcher, bad, "2001:db8:1:2:abcd::9"), 429);
  EXPECT_EQ(Status(dispatcher, bad, "2001:db8:1:3::1"), 401) << "another /64";
  EXPECT_EQ(limiter.AddressBucketCount(), 4u);
}

TEST_F(DispatcherTest, AnonymousRoutesDrawFromTheAddressBucketAndPublicOnesNever) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {0, 1}, {1, 2}});
  Dispatcher dispatcher = Make(&limiter);
  const HttpRequest docs = Request(Verb::get, "/docs");
  EXPECT_EQ(Status(dispatcher, docs, "192.0.2.1"), 200);
  EXPECT_EQ(Status(dispatcher, docs, "192.0.2.1"), 200);
  EXPECT_EQ(Status(dispatcher, docs, "192.0.2.1"), 429);
  EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/private", "bad"), "192.0.2.1"), 429)
      << "one bucket for everything the address sends without a valid token";
  EXPECT_EQ(Status(dispatcher, docs, "192.0.2.2"), 200) << "another address has its own bucket";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/healthz"), "192.0.2.1"), 200)
        << "probes are never refused";
  }
  clock.Advance(1000);  // the bucket refills at 1 per second
  EXPECT_EQ(Status(dispatcher, docs, "192.0.2.1"), 200);
}

TEST_F(DispatcherTest, PrecheckRefusesWhatHandleWouldRefuseBeforeTheBodyAndChargesNothing) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, RateLimits{{0, 1}, {1, 1}, {1, 1}});
  Dispatcher dispatcher = Make(&limiter);
  const ClientAddress client = Address("192.0.2.1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(dispatcher.Precheck(Request(Verb::post, "/private", "good"), "rid", client).has_value());
    auto unauthorized = dispatcher.Precheck(Request(Verb::post, "/private", "bad"), "rid", client);
    ASSERT_TRUE(unauthorized.has_value());
    EXPECT_EQ(unauthorized->result(), StatusCode::unauthorized);
  }
  auto missing = dispatcher.Precheck(Request(Verb::post, "/nowhere", "good"), "rid", client);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->result(), StatusCode::not_found);
  auto not_allowed = dispatcher.Precheck(Request(Verb::put, "/private", "good"), "rid", client);
  ASSERT_TRUE(not_allowed.has_value());
  EXPECT_EQ(not_allowed->result(), StatusCode::method_not_allowed);
  // Nothing was charged: the user's and the address's one token are there.
  EXPECT_EQ(Status(dispatcher, Request(Verb::post, "/private", "good"), "192.0.2.1"), 200);
  EXPECT_EQ(Status(dispatcher, Request(Verb::post, "/private", "bad"), "192.0.2.1"), 401);
}

TEST_F(DispatcherTest, OnlyARouteThatAcceptsAQueryTokenTakesAccessToken) {
  Dispatcher dispatcher = Make();
  const HttpResponse by_query = RunTask(
      dispatcher.Handle(Request(Verb::get, "/stream?access_token=good"), "rid", Address("::1"), nullptr));
  EXPECT_EQ(by_query.result_int(), 200u);
  EXPECT_EQ(by_query.body(), R"({"user":"u"})");
  EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/stream", "good"), "::1"), 200)
      << "the header still works";
  EXPECT_EQ(Status(dispatcher, Request(Verb::get, "/private?access_token=good"), "::1"), 401)
      << "every other route reads the header only";
}

TEST_F(DispatcherTest, ABadQueryTokenIsAnInvalidTokenAndTwoTokensAreABadRequest) {
  Dispatcher dispatcher = Make();
  const HttpResponse bad = RunTask(
      dispatcher.Handle(Request(Verb::get, "/stream?access_token=bad"), "rid", Address("::1"), nullptr));
  EXPECT_EQ(bad.result_int(), 401u);
  EXPECT_EQ(bad[beast_http::field::www_authenticate], R"(Bearer error="invalid_token")");
  const HttpResponse twice = RunTask(dispatcher.Handle(
      Request(Verb::get, "/stream?access_token=good", "good"), "rid", Address("::1"), nullptr));
  EXPECT_EQ(twice.result_int(), 400u);
  EXPECT_EQ(twice.find("WWW-Authenticate"), twice.end());
}

TEST_F(DispatcherTest, AnEmptyQueryTokenIsAbsentLikeEveryEmptyQueryValue) {
  Dispatcher dispatcher = Make();
  for (const char* target : {"/stream?access_token=", "/stream?access_token"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Status(dispatcher, Request(Verb::get, target, "good"), "::1"), 200)
        << "the header alone counts";
    const HttpResponse none =
        RunTask(dispatcher.Handle(Request(Verb::get, target), "rid", Address("::1"), nullptr));
    EXPECT_EQ(none.result_int(), 401u);
    EXPECT_EQ(none[beast_http::field::www_authenticate], "Bearer") << "no token was sent";
  }
}

}  // namespace
}  // namespace wdrbe::http
