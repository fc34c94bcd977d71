// The pages the service serves itself: GET /openapi.json serves the
// description built into the binary (the repository's file, byte for
// byte), GET /docs the page that renders it and its script, GET / the web
// wardrobe page and its files; none needs a token, and each revalidates
// with If-None-Match -> 304.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

std::string SourceFile(const std::string& relative) {
  std::ifstream in(std::string(WDRBE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class PagesApiTest : public SharedServerTest {};

TEST_F(PagesApiTest, TheDescriptionIsTheRepositorysDocumentWithoutAToken) {
  HttpClient http(port());
  const Response response = http.Get("/openapi.json");
  ASSERT_EQ(response.status, 200) << response;
  EXPECT_EQ(response.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(response.body, SourceFile("src/wdrbe/web/assets/openapi.json"));
  ASSERT_TRUE(response.json.has_value());
  EXPECT_EQ(std::string_view(response.json->at("openapi").as_string()).substr(0, 4), "3.1.");
  EXPECT_EQ(response.Header("Cache-Control").value_or(""), "no-cache");
  EXPECT_EQ(response.Header("X-Content-Type-Options").value_or(""), "nosniff");
  const std::string etag = response.Header("ETag").value_or("");
  EXPECT_EQ(etag.size(), 34u) << etag;
}

TEST_F(PagesApiTest, AMatchingTagIsNotModifiedAndAStaleOneGetsTheBody) {
  HttpClient http(port());
  const std::string etag = http.Get("/openapi.json").Header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  const Response unchanged = http.Get("/openapi.json", "", {{"If-None-Match", "\"stale\", " + etag}});
  EXPECT_EQ(unchanged.status, 304) << unchanged;
  EXPECT_TRUE(unchanged.body.empty());
  EXPECT_EQ(unchanged.Header("ETag").value_or(""), etag);
  EXPECT_EQ(unchanged.Header("Cache-Control").value_or(""), "no-cache");
  EXPECT_FALSE(unchanged.Header("Content-Length").has_value()) << unchanged;
  const Response stale = http.Get("/openapi.json", "", {{"If-None-Match", "\"stale\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_FALSE(stale.body.empty());
  // The connection is still in step after a 304 without a body.
  EXPECT_EQ(http.Get("/healthz").status, 200);
  EXPECT_EQ(http.connections_opened(), 1);
}

TEST_F(PagesApiTest, HeadSendsTheLengthWithoutTheBodyAndNoLengthOnA304) {
  HttpClient http(port());
  const Response get = http.Get("/openapi.json");
  const Response head = http.Send({"HEAD", "/openapi.json", {}, std::nullopt});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Length").value_or(""), std::to_string(get.body.size()));
  const Response head_unchanged = http.Send(
      {"HEAD", "/openapi.json", {{"If-None-Match", get.Header("ETag").value_or("")}}, std::nullopt});
  EXPECT_EQ(head_unchanged.status, 304);
  EXPECT_FALSE(head_unchanged.Header("Content-Length").has_value()) << head_unchanged;
  EXPECT_EQ(http.Get("/healthz").status, 200);
}

TEST_F(PagesApiTest, TheDocsPageLoadsTheDescriptionAndItsScriptByRelativeUrls) {
  HttpClient http(port());
  const Response page = http.Get("/docs");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  // Relative to /docs, "openapi.json" is /openapi.json and the script is
  // /docs/redoc.standalone.js; under a stage prefix both keep it.
  EXPECT_NE(page.body.find("spec-url=\"openapi.json\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("src=\"docs/redoc.standalone.js\""), std::string::npos) << page.body;
  EXPECT_FALSE(page.Header("ETag").value_or("").empty());
  EXPECT_EQ(page.Header("X-Frame-Options").value_or(""), "DENY");

  const Response script = http.Get("/docs/redoc.standalone.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_GT(script.body.size(), 500'000u);  // the whole bundle, not a stub
  EXPECT_NE(script.body.find("Redoc"), std::string::npos);
  const Response revalidated =
      http.Get("/docs/redoc.standalone.js", "", {{"If-None-Match", script.Header("ETag").value_or("")}});
  EXPECT_EQ(revalidated.status, 304);
}

TEST_F(PagesApiTest, TheWardrobePageAndItsFilesAreServedFromTheRoot) {
  HttpClient http(port());
  const Response page = http.Get("/");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.body, SourceFile("src/wdrbe/web/assets/app/index.html"));
  EXPECT_EQ(page.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(page.Header("Content-Security-Policy").value_or(""), "frame-ancestors 'none'");
  // Relative URLs, so that a stage prefix keeps them.
  EXPECT_NE(page.body.find("href=\"app.css\""), std::string::npos);
  EXPECT_NE(page.body.find("src=\"app.js\""), std::string::npos);
  const Response script = http.Get("/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, SourceFile("src/wdrbe/web/assets/app/app.js"));
  EXPECT_EQ(script.Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  const Response styles = http.Get("/app.css");
  ASSERT_EQ(styles.status, 200);
  EXPECT_EQ(styles.body, SourceFile("src/wdrbe/web/assets/app/app.css"));
  EXPECT_EQ(styles.Header("Content-Type").value_or(""), "text/css; charset=utf-8");
  const Response unchanged = http.Get("/app.js", "", {{"If-None-Match", script.Header("ETag").value_or("")}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_EQ(http.Get("/app").status, 404);
}

TEST_F(PagesApiTest, OnlyGetAndHeadAreAllowed) {
  HttpClient http(port());
  const Response post = http.Post("/openapi.json", json::object{});
  EXPECT_EQ(post.status, 405) << post;
  EXPECT_EQ(post.ErrorCode(), "method_not_allowed");
  EXPECT_EQ(post.Header("Allow").value_or(""), "GET, HEAD, OPTIONS");
}

}  // namespace
}  // namespace wdrbe::testing
