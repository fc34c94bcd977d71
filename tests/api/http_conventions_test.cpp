// HTTP conventions every route shares: request ids, error bodies, the order in
// which a request is checked, media types, size limits, malformed requests,
// keep-alive and pipelining.
#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxBodyBytes = 64 * 1024;

bool IsValidRequestId(const std::string& id) {
  static const std::regex kPattern("[A-Za-z0-9._-]{1,128}");
  return std::regex_match(id, kPattern);
}

// The methods of an Allow header ("GET, POST").
std::set<std::string> AllowedMethods(const Response& response) {
  std::set<std::string> methods;
  const std::string allow = response.Header("Allow").value_or("");
  std::string current;
  for (const char c : allow + ",") {
    if (c == ',') {
      if (!current.empty()) methods.insert(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  return methods;
}

// The contract's error body: error, message and requestId (equal to the
// X-Request-Id header), served as JSON.
void ExpectErrorBody(const Response& response, int status, const std::string& code) {
  EXPECT_EQ(response.status, status) << response;
  EXPECT_EQ(response.ErrorCode(), code) << response;
  EXPECT_FALSE(response.String("message").empty()) << response;
  const auto request_id = response.Header("X-Request-Id");
  ASSERT_TRUE(request_id.has_value()) << response;
  EXPECT_EQ(response.String("requestId"), *request_id) << response;
}

std::string RawRequest(const std::string& head, const std::string& body = "") {
  return head + "\r\n\r\n" + body;
}

// `count` header lines of about 60 bytes each, without the final CRLF.
std::string ManySmallHeaders(int count) {
  std::string headers;
  for (int i = 0; i < count; ++i) {
    if (i > 0) headers += "\r\n";
    headers += "X-Filler-" + std::to_string(i) + ": " + std::string(48, 'b');
  }
  return headers;
}

class HttpConventionsTest : public SharedServerTest {};

TEST_F(HttpConventionsTest, HealthzAnswersOkWithoutAToken) {
  HttpClient http(port());
  const Response response = http.Get("/healthz");
  EXPECT_EQ(response.status, 200) << response;
  EXPECT_EQ(response.String("status"), "ok") << response;
  EXPECT_TRUE(response.json.has_value()) << "not served as JSON" << response;
}

TEST_F(HttpConventionsTest, EveryResponseCarriesARequestId) {
  const std::string user = UniqueUserId();
  HttpClient http(port());
  const std::vector<Response> responses = {
      http.Get("/healthz"),
      http.Get("/no/such/route"),
      http.Get("/users/" + user + "/items"),
      http.Get("/users/" + user + "/items", MakeToken(user)),
      http.Post("/users/" + user + "/items", ItemBody(), MakeToken(user)),
  };
  std::set<std::string> ids;
  for (const Response& response : responses) {
    const auto id = response.Header("X-Request-Id");
    ASSERT_TRUE(id.has_value()) << response;
    EXPECT_TRUE(IsValidRequestId(*id)) << *id;
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), responses.size()) << "generated request ids must differ";
}

TEST_F(HttpConventionsTest, AValidClientRequestIdIsEchoed) {
  const std::vector<std::string> valid = {"abc", "req-1.2_3", "0", std::string(128, 'A'),
                                          "550e8400-e29b-41d4-a716-446655440000"};
  HttpClient http(port());
  for (const std::string& id : valid) {
    SCOPED_TRACE("X-Request-Id: " + id);
    const Response ok = http.Get("/healthz", {}, {{"X-Request-Id", id}});
    EXPECT_EQ(ok.Header("X-Request-Id"), id) << ok;
    const Response error = http.Get("/no/such/route", {}, {{"X-Request-Id", id}});
    EXPECT_EQ(error.Header("X-Request-Id"), id) << error;
    EXPECT_EQ(error.String("requestId"), id) << error;
  }
}

TEST_F(HttpConventionsTest, AnInvalidClientRequestIdIsReplacedByANewOne) {
  const std::vector<std::string> invalid = {
      "", "has space", "slash/id", "semi;colon", "quote\"id", "caf\xc3\xa9", std::string(129, 'A'), "a,b"};
  HttpClient http(port());
  for (const std::string& id : invalid) {
    SCOPED_TRACE("X-Request-Id: " + id);
    const Response response = http.Get("/no/such/route", {}, {{"X-Request-Id", id}});
    const auto echoed = response.Header("X-Request-Id");
    ASSERT_TRUE(echoed.has_value()) << response;
    EXPECT_NE(*echoed, id) << response;
    EXPECT_TRUE(IsValidRequestId(*echoed)) << *echoed;
    EXPECT_EQ(response.String("requestId"), *echoed) << response;
  }
}

TEST_F(HttpConventionsTest, ErrorBodiesCarryCodeMessageAndRequestId) {
  const std::string user = UniqueUserId();
  const std::string other = UniqueUserId("other");
  const std::string token = MakeToken(user);
  struct Case {
    std::string name;
    Request request;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"unknown route", {"GET", "/nope", {}, std::nullopt}, 404, "not_found"},
      {"wrong method", {"PUT", "/users/" + user + "/items", {}, std::nullopt}, 405, "method_not_allowed"},
      {"no token", {"GET", "/users/" + user + "/items", {}, std::nullopt}, 401, "unauthorized"},
      {"another user's path",
       {"GET", "/users/" + other + "/items", {{"Authorization", Bearer(token)}}, std::nullopt},
       403,
       "forbidden"},
      {"not JSON",
       {"POST",
        "/users/" + user + "/items",
        {{"Authorization", Bearer(token)}, {"Content-Type", "text/plain"}},
        "x"},
       415,
       "unsupported_media_type"},
      {"malformed JSON",
       {"POST",
        "/users/" + user + "/items",
        {{"Authorization", Bearer(token)}, {"Content-Type", "application/json"}},
        "{"},
       400,
       "bad_request"},
      {"bad limit",
       {"GET", "/users/" + user + "/items?limit=0", {{"Authorization", Bearer(token)}}, std::nullopt},
       400,
       "bad_request"},
      {"missing item",
       {"GET", "/items/no-such-item", {{"Authorization", Bearer(token)}}, std::nullopt},
       404,
       "not_found"},
  };
  HttpClient http(port());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectErrorBody(http.Send(c.request), c.status, c.code);
  }
}

TEST_F(HttpConventionsTest, UnknownPathsAre404WithoutAToken) {
  const std::vector<Request> requests = {
      {"GET", "/nope", {}, std::nullopt},
      {"GET", "/app", {}, std::nullopt},  // "/" is the wardrobe page; nothing else at the root
      {"GET", "/docs/nope.js", {}, std::nullopt},
      {"GET", "/users", {}, std::nullopt},
      {"GET", "/users/u1", {}, std::nullopt},
      {"GET", "/users/u1/things", {}, std::nullopt},
      {"GET", "/users/u1/items/extra", {}, std::nullopt},
      {"GET", "/items", {}, std::nullopt},
      {"GET", "/items/a/b", {}, std::nullopt},
      {"GET", "/ITEMS/abc", {}, std::nullopt},
      {"GET", "/healthz/more", {}, std::nullopt},
      {"POST", "/nope", {{"Content-Type", "application/json"}}, "{}"},
      {"DELETE", "/users/u1", {}, std::nullopt},
  };
  HttpClient http(port());
  for (const Request& request : requests) {
    SCOPED_TRACE(request.method + " " + request.target);
    ExpectErrorBody(http.Send(request), 404, "not_found");
  }
}

TEST_F(HttpConventionsTest, AWrongMethodIs405WithAllowBeforeAuthentication) {
  struct Case {
    std::string method;
    std::string target;
    std::set<std::string> allowed;
  };
  const std::vector<Case> cases = {
      {"PUT", "/users/u1/items", {"GET", "POST"}},       {"DELETE", "/users/u1/items", {"GET", "POST"}},
      {"PATCH", "/users/u1/items", {"GET", "POST"}},     {"POST", "/items/abc", {"GET", "PATCH", "DELETE"}},
      {"PUT", "/items/abc", {"GET", "PATCH", "DELETE"}}, {"POST", "/users/u1/activities", {"GET"}},
      {"DELETE", "/users/u1/activities", {"GET"}},       {"POST", "/healthz", {"GET"}},
  };
  HttpClient http(port());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    const Response response = http.Send({c.method, c.target, {}, std::nullopt});
    ExpectErrorBody(response, 405, "method_not_allowed");
    const std::set<std::string> allowed = AllowedMethods(response);
    for (const std::string& method : c.allowed) EXPECT_TRUE(allowed.contains(method)) << method << response;
    EXPECT_FALSE(allowed.contains(c.method)) << response;
  }
}

TEST_F(HttpConventionsTest, ChecksApplyInTheContractsOrder) {
  const std::string user = UniqueUserId();
  const std::string other = UniqueUserId("other");
  const std::string token = MakeToken(user);
  const std::string own_items = "/users/" + user + "/items";
  const std::string others_items = "/users/" + other + "/items";
  struct Case {
    std::string name;
    Request request;
    int status;
    std::string code;
  };
  const Headers auth_text = {{"Authorization", Bearer(token)}, {"Content-Type", "text/plain"}};
  const Headers auth_json = {{"Authorization", Bearer(token)}, {"Content-Type", "application/json"}};
  const std::vector<Case> cases = {
      {"unknown path before authentication", {"POST", "/nope", {}, "{"}, 404, "not_found"},
      {"method before authentication",
       {"PUT", own_items, {{"Content-Type", "text/plain"}}, "{"},
       405,
       "method_not_allowed"},
      {"authentication before the path's user",
       {"POST", others_items, {{"Content-Type", "text/plain"}}, "{"},
       401,
       "unauthorized"},
      {"an invalid token before the path's user",
       {"POST", others_items, {{"Authorization", "Bearer not.a.token"}, {"Content-Type", "text/plain"}}, "{"},
       401,
       "unauthorized"},
      {"authentication before the media type",
       {"POST", own_items, {{"Content-Type", "text/plain"}}, "{"},
       401,
       "unauthorized"},
      {"the path's user before the media type", {"POST", others_items, auth_text, "{"}, 403, "forbidden"},
      {"the media type before JSON parsing",
       {"POST", own_items, auth_text, "{"},
       415,
       "unsupported_media_type"},
      {"JSON parsing before validation", {"POST", own_items, auth_json, "{\"name\": "}, 400, "bad_request"},
      {"validation last", {"POST", own_items, auth_json, R"({"name": ""})"}, 400, "validation_failed"},
  };
  HttpClient http(port());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectErrorBody(http.Send(c.request), c.status, c.code);
  }
  EXPECT_EQ(ApiClient(port(), user).WalkItemIds({}, 100).size(), 0u) << "a rejected request created an item";
}

TEST_F(HttpConventionsTest, CreateAcceptsApplicationJsonWithParametersInAnyCase) {
  ApiClient api(port(), UniqueUserId());
  const std::vector<std::string> accepted = {"application/json", "application/json; charset=utf-8",
                                             "application/json;charset=UTF-8", "APPLICATION/JSON",
                                             "Application/Json; Charset=utf-8"};
  for (const std::string& content_type : accepted) {
    SCOPED_TRACE("Content-Type: " + content_type);
    const Response response =
        api.http().Send({"POST",
                         "/users/" + api.user_id() + "/items",
                         {{"Authorization", Bearer(api.token())}, {"Content-Type", content_type}},
                         json::serialize(ItemBody())});
    EXPECT_EQ(response.status, 201) << response;
  }
}

TEST_F(HttpConventionsTest, BodiesThatAreNotApplicationJsonAre415) {
  ApiClient api(port(), UniqueUserId());
  const std::string item_id = api.MustCreate(ItemBody()).at("itemId").as_string().c_str();
  const std::vector<std::optional<std::string>> rejected = {std::nullopt,
                                                            "",
                                                            "text/plain",
                                                            "text/json",
                                                            "application/x-www-form-urlencoded",
                                                            "application/jsonp",
                                                            "application/json-patch+json",
                                                            "application/merge-patch+json",
                                                            "multipart/form-data; boundary=x"};
  for (const auto& content_type : rejected) {
    SCOPED_TRACE("Content-Type: " + content_type.value_or("(none)"));
    Headers headers = {{"Authorization", Bearer(api.token())}};
    if (content_type) headers.emplace_back("Content-Type", *content_type);
    const std::string body = json::serialize(ItemBody("Changed"));
    ExpectErrorBody(api.http().Send({"POST", "/users/" + api.user_id() + "/items", headers, body}), 415,
                    "unsupported_media_type");
    ExpectErrorBody(api.http().Send({"PATCH", "/items/" + item_id, headers, body}), 415,
                    "unsupported_media_type");
  }
  EXPECT_EQ(api.WalkItemIds({}, 100).size(), 1u);
  EXPECT_EQ(api.GetItem(item_id).String("name"), "Navy Blazer");
}

TEST_F(HttpConventionsTest, MalformedJsonIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  const std::string item_id = api.MustCreate(ItemBody()).at("itemId").as_string().c_str();
  const std::vector<std::string> bodies = {
      "",
      "{",
      "not json",
      R"({"name": })",
      R"({"name": "a", "category": "b",})",
      R"({"name": "a", "category": "b"} trailing)",
      R"({'name': 'a', 'category': 'b'})",
      "{\"name\": \"\xff\xfe\", \"category\": \"b\"}",
      R"({"name": "a", "category": "b")",
  };
  const Headers headers = {{"Authorization", Bearer(api.token())}, {"Content-Type", "application/json"}};
  for (const std::string& body : bodies) {
    SCOPED_TRACE("body: " + body);
    ExpectErrorBody(api.http().Send({"POST", "/users/" + api.user_id() + "/items", headers, body}), 400,
                    "bad_request");
    ExpectErrorBody(api.http().Send({"PATCH", "/items/" + item_id, headers, body}), 400, "bad_request");
  }
  EXPECT_EQ(api.WalkItemIds({}, 100).size(), 1u);
}

TEST_F(HttpConventionsTest, ABodyThatIsNotAJsonObjectIs400BadRequest) {
  ApiClient api(port(), UniqueUserId());
  const std::string item_id = api.MustCreate(ItemBody()).at("itemId").as_string().c_str();
  const Headers headers = {{"Authorization", Bearer(api.token())}, {"Content-Type", "application/json"}};
  for (const std::string body :
       {"[]", "[{\"name\": \"a\", \"category\": \"b\"}]", "\"text\"", "42", "null", "true"}) {
    SCOPED_TRACE("body: " + body);
    ExpectErrorBody(api.http().Send({"POST", "/users/" + api.user_id() + "/items", headers, body}), 400,
                    "bad_request");
    ExpectErrorBody(api.http().Send({"PATCH", "/items/" + item_id, headers, body}), 400, "bad_request");
  }
}

TEST_F(HttpConventionsTest, AHeaderBlockOver8KiBIs431) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"one huge header", "X-Filler: " + std::string(9000, 'a')},
      {"200 headers of 60 bytes", ManySmallHeaders(200)},
  };
  for (const auto& [name, headers] : cases) {
    SCOPED_TRACE(name);
    RawConnection raw(port());
    raw.Send(RawRequest("GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + headers));
    const auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "the connection closed without an answer";
    ExpectErrorBody(*response, 431, "bad_request");
  }
}

TEST_F(HttpConventionsTest, AHeaderBlockUnder8KiBIsServed) {
  RawConnection raw(port());
  ASSERT_TRUE(raw.Send(
      RawRequest("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + std::string(6000, 'a'))));
  const auto response = raw.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200) << *response;
}

TEST_F(HttpConventionsTest, ABodyOver64KiBIs413AndTheConnectionCloses) {
  const std::string user = UniqueUserId();
  const std::string target = "/users/" + user + "/items";
  const std::string body(kMaxBodyBytes + 1, ' ');
  std::string chunked_body;
  for (std::size_t sent = 0; sent <= kMaxBodyBytes; sent += 4096)
    chunked_body += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  chunked_body += "0\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"with Content-Length",
       RawRequest("POST " + target +
                      " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()),
                  body)},
      {"chunked", RawRequest("POST " + target +
                                 " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                 "Transfer-Encoding: chunked",
                             chunked_body)},
  };
  for (const auto& [name, request] : cases) {
    SCOPED_TRACE(name);
    RawConnection raw(port());
    // The server may answer and close before reading the whole body, so a
    // failed write is expected here.
    raw.Send(request);
    const auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "the connection closed without an answer";
    ExpectErrorBody(*response, 413, "payload_too_large");
    EXPECT_TRUE(raw.ReadsEndOfStream()) << "the connection stayed open after 413";
  }
}

// A client that is still sending a refused body must be able to read the
// 413. Closing a socket with unread input resets the connection, and a
// reset may destroy the answer before the client reads it (the rule on
// many stacks, if not on Linux loopback), so the server lingers: it
// half-closes, then reads and drops the rest until the client is done.
TEST_F(HttpConventionsTest, AClientStillSendingA413dBodyFinishesAndSeesAnOrderlyClose) {
  const std::string user = UniqueUserId();
  const std::string body(256 * 1024, ' ');
  RawConnection raw(port());
  ASSERT_TRUE(
      raw.Send(RawRequest("POST /users/" + user +
                              "/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                              "Content-Length: " +
                              std::to_string(body.size()),
                          "")));
  // The 413 is on its way from the header alone; the body follows anyway.
  EXPECT_TRUE(raw.Send(body)) << "the server reset the connection while the client was sending";
  raw.ShutdownSend();
  const auto response = raw.ReadResponse();
  ASSERT_TRUE(response.has_value()) << "the connection closed without an answer";
  ExpectErrorBody(*response, 413, "payload_too_large");
  EXPECT_TRUE(raw.ReadsOrderlyEndOfStream()) << "the server reset the connection instead of closing it";
}

TEST_F(HttpConventionsTest, ABodyOfExactly64KiBIsAccepted) {
  ApiClient api(port(), UniqueUserId());
  std::string body = json::serialize(ItemBody());
  body.insert(body.size() - 1, std::string(kMaxBodyBytes - body.size(), ' '));
  ASSERT_EQ(body.size(), kMaxBodyBytes);
  const Response response =
      api.http().Send({"POST",
                       "/users/" + api.user_id() + "/items",
                       {{"Authorization", Bearer(api.token())}, {"Content-Type", "application/json"}},
                       body});
  EXPECT_EQ(response.status, 201) << response;
}

TEST_F(HttpConventionsTest, AMalformedRequestIs400BadRequest) {
  const std::vector<std::string> requests = {
      "GARBAGE\r\nHost: localhost\r\n\r\n",
      "GET\r\nHost: localhost\r\n\r\n",
      "GET /healthz HTTZ/1.1\r\nHost: localhost\r\n\r\n",
      "GET /healthz HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",
      "GET  /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
  };
  for (const std::string& request : requests) {
    SCOPED_TRACE(request);
    RawConnection raw(port());
    raw.Send(request);
    const auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "the connection closed without an answer";
    ExpectErrorBody(*response, 400, "bad_request");
  }
}

TEST_F(HttpConventionsTest, KeepAliveServesManyRequestsOnOneConnection) {
  ApiClient api(port(), UniqueUserId());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(api.http().Get("/healthz").status, 200);
    EXPECT_EQ(api.CreateItem(ItemBody()).status, 201);
    EXPECT_EQ(api.ListItems().status, 200);
    EXPECT_EQ(api.http().Get("/nope").status, 404);
  }
  EXPECT_EQ(api.http().connections_opened(), 1);
}

TEST_F(HttpConventionsTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string user = UniqueUserId();
  const std::string auth = "Authorization: " + Bearer(MakeToken(user));
  const std::string body = json::serialize(ItemBody("Pipelined"));
  const std::string requests =
      RawRequest("POST /users/" + user + "/items HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p1\r\n" + auth +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()),
                 body) +
      RawRequest("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p2") +
      RawRequest("GET /nope HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p3") +
      RawRequest("GET /users/" + user + "/items HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: p4\r\n" + auth);
  RawConnection raw(port());
  ASSERT_TRUE(raw.Send(requests));
  const std::vector<std::pair<std::string, int>> expected = {
      {"p1", 201}, {"p2", 200}, {"p3", 404}, {"p4", 200}};
  std::optional<Response> last;
  for (const auto& [id, status] : expected) {
    last = raw.ReadResponse();
    ASSERT_TRUE(last.has_value()) << "no response for " << id;
    EXPECT_EQ(last->Header("X-Request-Id"), id) << *last;
    EXPECT_EQ(last->status, status) << *last;
  }
  // The list was answered after the create it follows.
  const json::value* items = last->Json().if_contains("items");
  ASSERT_TRUE(items != nullptr && items->is_array()) << *last;
  EXPECT_EQ(items->get_array().size(), 1u) << *last;
}

}  // namespace
}  // namespace wdrbe::testing
