#include "wdrbe/http/static_content.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wdrbe::http {
namespace {

HttpRequest Get(std::initializer_list<std::string> if_none_match = {}) {
  HttpRequest request{Verb::get, "/openapi.json", 11};
  for (const std::string& value : if_none_match) request.insert(beast_http::field::if_none_match, value);
  return request;
}

TEST(StaticContentTest, TheTagIsAQuotedDigestOfTheBytes) {
  const StaticContent a = StaticContent::Of("one body", "text/plain");
  const StaticContent same = StaticContent::Of(std::string("one body"), "text/html");
  const StaticContent other = StaticContent::Of("another body", "text/plain");
  EXPECT_EQ(a.etag.size(), 34u);
  EXPECT_EQ(a.etag.front(), '"');
  EXPECT_EQ(a.etag.back(), '"');
  EXPECT_EQ(a.etag, same.etag);
  EXPECT_NE(a.etag, other.etag);
}

TEST(StaticContentTest, AFirstRequestGetsTheBodyWithItsValidators) {
  const StaticContent content = StaticContent::Of("{\"openapi\":\"3.1.0\"}", "application/json");
  const HttpResponse response = StaticResponse(Get(), content);
  EXPECT_EQ(response.result(), StatusCode::ok);
  EXPECT_EQ(response.body(), "{\"openapi\":\"3.1.0\"}");
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response[beast_http::field::etag], content.etag);
  EXPECT_EQ(response[beast_http::field::cache_control], "no-cache");
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
}

TEST(StaticContentTest, APageForbidsFramingAndOtherContentSaysNothing) {
  StaticContent page = StaticContent::Of("<!doctype html>", "text/html; charset=utf-8");
  page.forbid_framing = true;
  const HttpResponse framed = StaticResponse(Get(), page);
  EXPECT_EQ(framed["Content-Security-Policy"], "frame-ancestors 'none'");
  EXPECT_EQ(framed["X-Frame-Options"], "DENY");
  const HttpResponse script = StaticResponse(Get(), StaticContent::Of("1;", "text/javascript"));
  EXPECT_EQ(script.count("Content-Security-Policy"), 0u);
  EXPECT_EQ(script.count("X-Frame-Options"), 0u);
}

TEST(StaticContentTest, AMatchingTagGetsNotModifiedWithoutABody) {
  const StaticContent content = StaticContent::Of("body", "text/plain", "public, max-age=60");
  const HttpResponse response = StaticResponse(Get({content.etag}), content);
  EXPECT_EQ(response.result(), StatusCode::not_modified);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(response[beast_http::field::etag], content.etag);
  EXPECT_EQ(response[beast_http::field::cache_control], "public, max-age=60");
  EXPECT_EQ(response.count(beast_http::field::content_type), 0u);
}

TEST(StaticContentTest, AnotherTagGetsTheBody) {
  const StaticContent content = StaticContent::Of("body", "text/plain");
  EXPECT_EQ(StaticResponse(Get({"\"0123\""}), content).result(), StatusCode::ok);
  EXPECT_EQ(StaticResponse(Get({"W/\"0123\", \"4567\""}), content).result(), StatusCode::ok);
}

TEST(StaticContentTest, EveryIfNoneMatchLineCounts) {
  const StaticContent content = StaticContent::Of("body", "text/plain");
  EXPECT_EQ(StaticResponse(Get({"\"0123\"", content.etag}), content).result(), StatusCode::not_modified);
}

TEST(IfNoneMatchTest, ListsWeakTagsAndTheWildcardMatchByWeakComparison) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches(" \"x\" ,\t\"abc\" ", tag));
  EXPECT_TRUE(IfNoneMatchMatches("*", tag));
  EXPECT_TRUE(IfNoneMatchMatches(" * ", tag));
  EXPECT_FALSE(IfNoneMatchMatches("", tag));
  EXPECT_FALSE(IfNoneMatchMatches("abc", tag));  // unquoted: not the same tag
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", tag));
  EXPECT_FALSE(IfNoneMatchMatches("\"ab\", \"c\"", tag));
  EXPECT_FALSE(IfNoneMatchMatches(",,", tag));
  EXPECT_FALSE(IfNoneMatchMatches("\"abc", tag)) << "unterminated";
  // A comma inside a quoted tag is part of it, not a separator.
  EXPECT_TRUE(IfNoneMatchMatches("\"x,y\", \"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"a,b\"", "\"a,b\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"a,b\"", "\"b\""));
}

}  // namespace
}  // namespace wdrbe::http
