#include "wdrbe/http/router.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace wdrbe::http {
namespace {

using Segments = std::vector<std::string>;

Task<HttpResponse> Unused(RequestContext&) { co_return HttpResponse{}; }

// The service's route table, in the order api/routes.cpp registers it.
Router ServiceRoutes() {
  Router router;
  router.Add(Verb::get, "/healthz", Access::kPublic, Unused);
  router.Add(Verb::get, "/readyz", Access::kPublic, Unused);
  router.Add(Verb::post, "/users/{userId}/items", Access::kAuthenticated, Unused);
  router.Add(Verb::get, "/users/{userId}/items", Access::kAuthenticated, Unused);
  router.Add(Verb::get, "/users/{userId}/activities", Access::kAuthenticated, Unused);
  router.Add(Verb::get, "/items/{itemId}", Access::kAuthenticated, Unused);
  router.Add(Verb::patch, "/items/{itemId}", Access::kAuthenticated, Unused);
  router.Add(Verb::delete_, "/items/{itemId}", Access::kAuthenticated, Unused);
  router.Add(Verb::post, "/items/{itemId}/share", Access::kAuthenticated, Unused);
  return router;
}

const Router::Found* AsFound(const Router::Match& match) { return std::get_if<Router::Found>(&match); }

bool IsNotFound(const Router::Match& match) { return std::holds_alternative<Router::NotFound>(match); }

std::string AllowOf(const Router::Match& match) {
  const auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&match);
  return not_allowed != nullptr ? not_allowed->allow : "<not a 405>";
}

TEST(RouterTest, TheRootIsThePathWithNoSegments) {
  Router router = ServiceRoutes();
  router.Add(Verb::get, "/", Access::kAnonymous, Unused);
  const Router::Match match = router.Find(Verb::get, {});  // `found` points into it
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route->pattern, "/");
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {""}))) << "an empty segment is not the root";
  EXPECT_EQ(AllowOf(router.Find(Verb::post, {})), "GET, HEAD");
  EXPECT_NE(AsFound(router.Find(Verb::get, {"readyz"})), nullptr) << "the others still match";
}

TEST(RouterTest, LiteralPathFindsItsRouteWithoutParams) {
  const Router router = ServiceRoutes();
  const Router::Match match = router.Find(Verb::get, {"readyz"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route->pattern, "/readyz");
  EXPECT_EQ(found->route->method, Verb::get);
  EXPECT_EQ(found->route->access, Access::kPublic);
  EXPECT_TRUE(found->params.empty());
}

TEST(RouterTest, ParamSegmentIsCapturedUnderItsName) {
  const Router router = ServiceRoutes();
  const Router::Match match = router.Find(Verb::get, {"users", "usr_1", "activities"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route->pattern, "/users/{userId}/activities");
  EXPECT_EQ(found->route->access, Access::kAuthenticated);
  EXPECT_EQ(found->params, (PathParams{{"userId", "usr_1"}}));
}

TEST(RouterTest, SeveralParamsAreCapturedInPatternOrder) {
  Router router;
  router.Add(Verb::get, "/users/{userId}/items/{itemId}", Access::kAuthenticated, Unused);
  const Router::Match match = router.Find(Verb::get, {"users", "usr_1", "items", "itm_9"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->params, (PathParams{{"userId", "usr_1"}, {"itemId", "itm_9"}}));
}

TEST(RouterTest, DecodedParamValuesArePassedThroughUnchanged) {
  // The dispatcher hands over percent-decoded segments: a decoded segment
  // may hold '/', spaces, '%' or non-ASCII text and is still one segment.
  const Router router = ServiceRoutes();
  for (const std::string value : {"a/b", "with space", "100%", "caf\xc3\xa9", "{itemId}", ".."}) {
    const Router::Match match = router.Find(Verb::get, {"items", value});
    const Router::Found* found = AsFound(match);
    ASSERT_NE(found, nullptr) << value;
    EXPECT_EQ(found->params, (PathParams{{"itemId", value}})) << value;
  }
}

TEST(RouterTest, SamePathDifferentMethodsFindTheirOwnRoutes) {
  const Router router = ServiceRoutes();
  for (Verb method : {Verb::get, Verb::patch, Verb::delete_}) {
    const Router::Match match = router.Find(method, {"items", "itm_1"});
    const Router::Found* found = AsFound(match);
    ASSERT_NE(found, nullptr) << beast_http::to_string(method);
    EXPECT_EQ(found->route->method, method);
    EXPECT_EQ(found->route->pattern, "/items/{itemId}");
  }
  const Router::Match create_match = router.Find(Verb::post, {"users", "usr_1", "items"});
  const Router::Found* create = AsFound(create_match);
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->route->method, Verb::post);
}

TEST(RouterTest, FoundRouteIsTheRegisteredOne) {
  const Router router = ServiceRoutes();
  const Router::Match match = router.Find(Verb::patch, {"items", "itm_1"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route, &router.routes()[6]);
}

TEST(RouterTest, KnownPathWithOtherMethodIs405AllowingEveryMethodInRegistrationOrder) {
  const Router router = ServiceRoutes();
  EXPECT_EQ(AllowOf(router.Find(Verb::post, {"items", "itm_1"})), "GET, HEAD, PATCH, DELETE");
  EXPECT_EQ(AllowOf(router.Find(Verb::put, {"users", "usr_1", "items"})), "POST, GET, HEAD");
  EXPECT_EQ(AllowOf(router.Find(Verb::delete_, {"healthz"})), "GET, HEAD");
  EXPECT_EQ(AllowOf(router.Find(Verb::get, {"items", "itm_1", "share"})), "POST");
}

TEST(RouterTest, AllowFollowsRegistrationOrderNotAnyFixedOrder) {
  Router router;
  router.Add(Verb::delete_, "/things/{id}", Access::kPublic, Unused);
  router.Add(Verb::put, "/things/{id}", Access::kPublic, Unused);
  router.Add(Verb::get, "/things/{id}", Access::kPublic, Unused);
  EXPECT_EQ(AllowOf(router.Find(Verb::post, {"things", "t1"})), "DELETE, PUT, GET, HEAD");
}

TEST(RouterTest, HeadFindsTheGetRouteAndNothingElse) {
  const Router router = ServiceRoutes();
  const Router::Match match = router.Find(Verb::head, {"items", "itm_1"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route->method, Verb::get);
  EXPECT_EQ(AllowOf(router.Find(Verb::head, {"items", "itm_1", "share"})), "POST");
}

TEST(RouterTest, AllowListsOnlyMethodsOfTheMatchingPath) {
  Router router;
  router.Add(Verb::get, "/a/{id}", Access::kPublic, Unused);
  router.Add(Verb::put, "/b/{id}", Access::kPublic, Unused);
  router.Add(Verb::delete_, "/a/{id}", Access::kPublic, Unused);
  EXPECT_EQ(AllowOf(router.Find(Verb::post, {"a", "1"})), "GET, HEAD, DELETE");
  EXPECT_EQ(AllowOf(router.Find(Verb::post, {"b", "1"})), "PUT");
}

TEST(RouterTest, UnknownPathIs404WhateverTheMethod) {
  const Router router = ServiceRoutes();
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"nothing-here"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::post, {"nothing-here"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "usr_1", "shares"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {})));  // "/"
}

TEST(RouterTest, LiteralSegmentsMatchExactlyAndCaseSensitively) {
  const Router router = ServiceRoutes();
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"Healthz"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"healthz2"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"health"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "usr_1", "Items"})));
}

TEST(RouterTest, TrailingSlashDoesNotMatch) {
  // "/healthz/" and "/users/usr_1/items/" end in an empty segment.
  const Router router = ServiceRoutes();
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"healthz", ""})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "usr_1", "items", ""})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::post, {"users", "usr_1", "items", ""})));
}

TEST(RouterTest, EmptySegmentDoesNotMatchAParam) {
  // "/items/" and "/users//items": no param may be empty, so neither a
  // route nor a 405.
  const Router router = ServiceRoutes();
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"items", ""})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::post, {"items", ""})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "", "items"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::post, {"items", "", "share"})));
}

TEST(RouterTest, DifferentSegmentCountsDoNotMatch) {
  const Router router = ServiceRoutes();
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"items"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "usr_1"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"users", "usr_1", "items", "itm_1"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"items", "itm_1", "share", "again"})));
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"", "healthz"})));  // "//healthz"
}

TEST(RouterTest, ParamMatchesAnyNonEmptySegmentIncludingLiteralLookalikes) {
  const Router router = ServiceRoutes();
  const Router::Match match = router.Find(Verb::get, {"items", "share"});
  const Router::Found* found = AsFound(match);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->route->pattern, "/items/{itemId}");
  EXPECT_EQ(found->params, (PathParams{{"itemId", "share"}}));
}

TEST(RouterTest, EmptyRouterFindsNothing) {
  const Router router;
  EXPECT_TRUE(IsNotFound(router.Find(Verb::get, {"healthz"})));
  EXPECT_TRUE(router.routes().empty());
}

TEST(RouterTest, RoutesAreKeptInRegistrationOrder) {
  const Router router = ServiceRoutes();
  ASSERT_EQ(router.routes().size(), 9u);
  EXPECT_EQ(router.routes().front().pattern, "/healthz");
  EXPECT_EQ(router.routes()[2].method, Verb::post);
  EXPECT_EQ(router.routes()[3].method, Verb::get);
  EXPECT_EQ(router.routes().back().pattern, "/items/{itemId}/share");
}

}  // namespace
}  // namespace wdrbe::http
