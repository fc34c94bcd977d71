// A small synchronous HTTP/1.1 client (plain or over TLS) for black-box tests
// of wdrbe, a raw connection for bytes no well-behaved client would send, and
// token helpers.
//
// Every network wait has a generous deadline (kNetworkDeadline); a server that
// never answers fails the test with std::runtime_error instead of hanging it.
// Objects here are not thread-safe: give each thread its own client.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/test_server.hpp"

namespace wdrbe::testing {

inline constexpr std::chrono::seconds kNetworkDeadline{30};

using Headers = std::vector<std::pair<std::string, std::string>>;
using Query = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;                  // sent as given; Host is added when absent
  std::optional<std::string> body;  // sent with Content-Length when set
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // The parsed body when Content-Type is application/json and it parses.
  std::optional<boost::json::value> json;

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;

  // The body as an object; an empty object when it is not one.
  const boost::json::object& Json() const;
  bool Has(std::string_view key) const { return Json().contains(key); }
  // Json()[key] when it is a string, else "".
  std::string String(std::string_view key) const;
  // Json()["error"], the error code of an error body.
  std::string ErrorCode() const { return String("error"); }
  // The "field" of every entry of Json()["errors"].
  std::set<std::string> ErrorFields() const;
};

// Status, headers and body: what a failed assertion should show.
std::ostream& operator<<(std::ostream& out, const Response& response);

// Percent-encodes `path` + "?" + the query (nothing added when it is empty).
std::string WithQuery(std::string path, const Query& query);

// How an HttpClient speaks HTTPS.
struct TlsClientOptions {
  // The one certificate trusted (PEM): the server's must be it or be signed
  // by it, and must name the address connected to (an IP subjectAltName).
  std::filesystem::path trusted_cert_file;
  // The newest protocol offered: an OpenSSL TLS1_x_VERSION, or 0 for the
  // newest there is. Below TLS 1.2 the client also offers what OpenSSL's
  // defaults would refuse, so that only the server can refuse it.
  int max_version = 0;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  // An HTTPS client: each connection shakes hands (verifying the server's
  // certificate) before its first request. Throws std::runtime_error when
  // the trusted certificate cannot be loaded.
  HttpClient(std::uint16_t port, const TlsClientOptions& tls, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends over the kept-alive connection, opening one when there is none (or
  // the idle one was closed by the server). Throws std::runtime_error when the
  // exchange fails or misses kNetworkDeadline.
  Response Send(const Request& request);

  Response Get(std::string target, std::string_view token = {}, Headers headers = {});
  Response Delete(std::string target, std::string_view token = {}, Headers headers = {});
  // POST/PATCH `body` serialised, with Content-Type: application/json.
  Response Post(std::string target, const boost::json::value& body, std::string_view token = {},
                Headers headers = {});
  Response Patch(std::string target, const boost::json::value& body, std::string_view token = {},
                 Headers headers = {});

  // How many TCP connections this client has opened so far.
  int connections_opened() const;
  void Close();

 private:
  struct Connection;
  struct TlsSetup;
  std::uint16_t port_;
  std::string host_;
  std::shared_ptr<TlsSetup> tls_;  // null for plain HTTP
  std::unique_ptr<Connection> connection_;
  int connections_opened_ = 0;
};

// One TCP connection for arbitrary bytes: malformed requests, pipelining,
// oversized headers and bodies.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, std::string host = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes every byte; false when the server closed or reset the connection
  // first (which a server may do once it has answered an oversized request).
  bool Send(std::string_view bytes);

  // Reads the next complete response (responses already received and
  // buffered, as with pipelining, come first). nullopt when the connection
  // ends before one arrives. `to_head`: the response to a HEAD request (no
  // body, whatever Content-Length says).
  std::optional<Response> ReadResponse(bool to_head = false);

  // True when the server ends the connection (EOF or reset) without sending
  // anything more; false when more bytes arrive.
  bool ReadsEndOfStream();

  // Like ReadsEndOfStream, but only an orderly end (the server's FIN)
  // counts; a reset, which may destroy data the client has not read yet,
  // does not.
  bool ReadsOrderlyEndOfStream();

  // Half-closes: tells the server this client will send nothing more.
  void ShutdownSend();

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

// Unix time in seconds, from the system clock.
std::int64_t NowSeconds();

// An HS256 token with {"sub": sub, "exp": now + ttl}, signed with `secret`.
std::string MakeToken(std::string_view sub, std::chrono::seconds ttl = std::chrono::hours(1),
                      std::string_view secret = kTestJwtSecret);

// An HS256 token of exactly these claims.
std::string SignToken(const boost::json::object& claims, std::string_view secret = kTestJwtSecret);

// A token with any header (e.g. {"alg":"none"}): base64url(header) "."
// base64url(claims) "." `signature` (already base64url).
std::string RawToken(const boost::json::object& header, const boost::json::object& claims,
                     std::string_view signature);

// The HMAC-SHA256 signature (base64url) of `signing_input` under `secret`.
std::string Hs256Signature(std::string_view signing_input, std::string_view secret = kTestJwtSecret);

inline std::string Bearer(std::string_view token) { return "Bearer " + std::string(token); }

// One page of a list: the itemId of each element, as the server sent them.
struct Page {
  Response response;
  std::vector<std::string> item_ids;
  bool has_more = false;                   // "hasMore" (false when not a bool)
  std::optional<std::string> next_cursor;  // "nextCursor" when a string
  bool next_cursor_is_null = false;        // "nextCursor" present and null
};

// The API as one user sees it: an HttpClient plus that user's token.
class ApiClient {
 public:
  ApiClient(std::uint16_t port, std::string user_id);

  const std::string& user_id() const { return user_id_; }
  const std::string& token() const { return token_; }
  HttpClient& http() { return http_; }

  Response CreateItem(const boost::json::value& body, Headers headers = {});
  // CreateItem for another user's path, with this user's token.
  Response CreateItemFor(std::string_view path_user_id, const boost::json::value& body);
  Response GetItem(std::string_view item_id);
  Response PatchItem(std::string_view item_id, const boost::json::value& body);
  Response DeleteItem(std::string_view item_id);
  Response ListItems(const Query& query = {});
  // GET /users/{me}/items/search with `query` (q and the rest).
  Response SearchItems(const Query& query);
  Response ListActivities(const Query& query = {});
  Response ShareItem(std::string_view item_id, Headers headers = {});

  // The item's sharedCount, or -1 unless it answers 200.
  std::int64_t SharedCount(std::string_view item_id);
  // Polls until the item's sharedCount reaches `expected` or `deadline`
  // passes (generous: it bounds a failure, not the worker's speed); returns
  // the last count seen.
  std::int64_t AwaitSharedCount(std::string_view item_id, std::int64_t expected,
                                std::chrono::milliseconds deadline = std::chrono::seconds(20));

  // Creates an item and returns it; throws (failing the test) unless 201.
  boost::json::object MustCreate(const boost::json::value& body);

  // Every page of ListItems(query + limit) / ListActivities(limit), following
  // nextCursor from the first page until it is not a string. Throws unless
  // every page is 200 with the expected array.
  std::vector<Page> ItemPages(Query query, int limit);
  std::vector<Page> ActivityPages(int limit);
  std::vector<Page> SearchPages(Query query, int limit);
  // The itemIds of those pages, in order.
  std::vector<std::string> WalkItemIds(Query query, int limit);
  std::vector<std::string> WalkActivityItemIds(int limit);
  std::vector<std::string> WalkSearchIds(Query query, int limit);

 private:
  std::string user_id_;
  std::string token_;
  HttpClient http_;
};

// A minimal valid create body.
boost::json::object ItemBody(std::string_view name = "Navy Blazer", std::string_view category = "outerwear");

// Returns once the server's clock has passed `timestamp` (RFC 3339, ms), so a
// test can tell "not changed" from "changed in the same millisecond" without
// sleeping: it creates probe items (for a user of their own) until one is
// stamped later. Throws after kNetworkDeadline.
void AwaitServerClockPast(std::uint16_t port, std::string_view timestamp);

// Variants of a valid cursor that a server must refuse: single characters
// changed (so that the decoded bytes differ), truncations, extensions and
// garbage; each with a name for SCOPED_TRACE.
std::vector<std::pair<std::string, std::string>> AlteredCursors(const std::string& cursor);

// The string member `key` of `object`; "" when absent or not a string.
std::string Str(const boost::json::object& object, std::string_view key);

// EXPECT_TRUE(JsonEquals(a, b)) shows both values, serialised, on failure.
::testing::AssertionResult JsonEquals(const boost::json::value& actual, const boost::json::value& expected);

}  // namespace wdrbe::testing
