#include "wdrbe/lambda/api_gateway_event.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace wdrbe::lambda {
namespace {

namespace json = boost::json;

TEST(ApiGatewayEventTest, ReadsWhatTheRequestNeeds) {
  auto event = ParseProxyEvent(R"({
    "httpMethod": "POST", "path": "/users/u1/items",
    "headers": {"Content-Type": "application/json"},
    "multiValueHeaders": {"Content-Type": ["application/json"], "X-Twice": ["a", "b"]},
    "queryStringParameters": {"limit": "5"},
    "multiValueQueryStringParameters": {"limit": ["5"], "tag": ["x", "y"]},
    "body": "{\"name\":\"a\"}", "isBase64Encoded": false,
    "requestContext": {"requestId": "gw-1", "identity": {"sourceIp": "198.51.100.4"}}})");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->method, "POST");
  EXPECT_EQ(event->path, "/users/u1/items");
  // The multi-value members win: they hold every value.
  const NameValues headers{{"Content-Type", "application/json"}, {"X-Twice", "a"}, {"X-Twice", "b"}};
  EXPECT_EQ(event->headers, headers);
  const NameValues query{{"limit", "5"}, {"tag", "x"}, {"tag", "y"}};
  EXPECT_EQ(event->query, query);
  EXPECT_EQ(event->body, R"({"name":"a"})");
  EXPECT_EQ(event->request_id, "gw-1");
  EXPECT_EQ(event->source_ip, "198.51.100.4");
}

TEST(ApiGatewayEventTest, FallsBackToSingleValueMembersAndNulls) {
  auto event = ParseProxyEvent(R"({"httpMethod": "GET", "path": "/healthz", "headers": {"Accept": "*/*"},
    "multiValueHeaders": null, "queryStringParameters": {"a": "1"}, "body": null})");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->headers, (NameValues{{"Accept", "*/*"}}));
  EXPECT_EQ(event->query, (NameValues{{"a", "1"}}));
  EXPECT_EQ(event->body, "");
  EXPECT_EQ(event->request_id, "");
}

TEST(ApiGatewayEventTest, DecodesBase64Bodies) {
  auto event =
      ParseProxyEvent(R"({"httpMethod": "POST", "path": "/x", "body": "AP8=", "isBase64Encoded": true})");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->body, std::string("\x00\xff", 2));
}

TEST(ApiGatewayEventTest, RefusesWhatIsNotAProxyEvent) {
  for (const char* bad :
       {"", "[]", "{}", R"({"httpMethod": "GET"})", R"({"httpMethod": "GET", "path": "x"})",
        R"({"httpMethod": 1, "path": "/"})", R"({"httpMethod": "GET", "path": "/", "headers": []})",
        R"({"httpMethod": "GET", "path": "/", "headers": {"a": 1}})",
        R"({"httpMethod": "GET", "path": "/", "multiValueHeaders": {"a": "b"}})",
        R"({"httpMethod": "GET", "path": "/", "body": 5})",
        R"({"httpMethod": "GET", "path": "/", "body": "!!", "isBase64Encoded": true})",
        R"({"httpMethod": "GET", "path": "/", "isBase64Encoded": "yes"})"}) {
    auto event = ParseProxyEvent(bad);
    ASSERT_FALSE(event.ok()) << bad;
    EXPECT_EQ(event.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(event.error().message.find("API Gateway"), std::string::npos);
  }
}

TEST(ApiGatewayEventTest, TargetKeepsAnEncodedPathAndEncodesWhatCannotStandInOne) {
  ProxyEvent event;
  event.path = "/items/a%2Fb";
  EXPECT_EQ(RequestTarget(event), "/items/a%2Fb");
  // A decoded path cannot smuggle a query or a fragment.
  event.path = "/items/a b?admin=1#x";
  EXPECT_EQ(RequestTarget(event), "/items/a%20b%3Fadmin=1%23x");
  event.path = "/items/100%";
  EXPECT_EQ(RequestTarget(event), "/items/100%25");
  event.path = "/users/u1/items";
  event.query = {{"category", "outer wear&more"}, {"cursor", "a+b/c="}};
  EXPECT_EQ(RequestTarget(event), "/users/u1/items?category=outer%20wear%26more&cursor=a%2Bb%2Fc%3D");
}

TEST(ApiGatewayEventTest, ResponseHasEveryMemberAndRepeatedHeadersAsMultiValue) {
  http::HttpResponse response{http::StatusCode::created, 11};
  response.set("Content-Type", "application/json");
  response.insert("Vary", "Origin");
  response.insert("Vary", "Authorization");
  response.body() = R"({"ok":true})";
  const json::value proxy = json::parse(ProxyResponse(response));
  EXPECT_EQ(proxy, json::parse(R"({"statusCode": 201, "headers": {"Content-Type": "application/json"},
    "multiValueHeaders": {"Vary": ["Origin", "Authorization"]}, "body": "{\"ok\":true}",
    "isBase64Encoded": false})"));
}

TEST(ApiGatewayEventTest, ABodyThatIsNotUtf8IsSentInBase64) {
  http::HttpResponse response{http::StatusCode::ok, 11};
  response.body() = std::string("\xff\x00", 2);
  const json::value proxy = json::parse(ProxyResponse(response));
  EXPECT_EQ(proxy.at("body").as_string(), "/wA=");
  EXPECT_EQ(proxy.at("isBase64Encoded").as_bool(), true);
}

}  // namespace
}  // namespace wdrbe::lambda
