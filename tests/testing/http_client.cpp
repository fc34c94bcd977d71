#include "testing/http_client.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/error_code.hpp>
#include <cctype>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "testing/response_recorder.hpp"
#include "wdrbe/auth/jwt_hs256.hpp"
#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

// Responses of the API are small; this only keeps a broken server from
// making the test allocate without bound.
constexpr std::uint64_t kMaxResponseBody = 16 * 1024 * 1024;
constexpr int kMaxWalkPages = 10'000;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsJsonContentType(std::string_view content_type) {
  const std::size_t end = content_type.find(';');
  std::string_view media = content_type.substr(0, end);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return EqualsIgnoreCase(media, "application/json");
}

Response ToResponse(const http::response<http::string_body>& message) {
  Response response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = message.body();
  if (const auto content_type = response.Header("Content-Type");
      content_type && IsJsonContentType(*content_type)) {
    error_code ec;
    boost::json::value parsed = boost::json::parse(response.body, ec);
    if (!ec) response.json = std::move(parsed);
  }
  return response;
}

// A connection driven synchronously: each operation runs the io_context until
// it completes or the deadline closes the socket. HTTP goes over plain TCP,
// or over TLS when made with a context.
struct StreamConnection {
  explicit StreamConnection(asio::ssl::context* tls_context = nullptr) {
    if (tls_context != nullptr) {
      tls.emplace(ioc, *tls_context);
    } else {
      plain.emplace(ioc);
    }
  }

  asio::io_context ioc;
  std::optional<beast::tcp_stream> plain;  // exactly one of plain and tls is set
  std::optional<TlsStream> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Calls `use(stream)` with the stream HTTP goes over.
  template <typename Use>
  error_code WithStream(Use&& use) {
    return tls ? use(*tls) : use(*plain);
  }

  template <typename Start>
  error_code Run(Start&& start) {
    error_code result = asio::error::would_block;
    tcp().expires_after(kNetworkDeadline);
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // Connects and, over TLS, shakes hands verifying that the certificate
  // names `host`.
  error_code Connect(const std::string& host, std::uint16_t port) {
    const tcp::endpoint endpoint(asio::ip::make_address(host), port);
    error_code ec = Run([&](auto handler) { tcp().async_connect(endpoint, std::move(handler)); });
    if (ec || !tls) return ec;
    tls->set_verify_mode(asio::ssl::verify_peer);
    tls->set_verify_callback(asio::ssl::host_name_verification(host));
    return Run(
        [&](auto handler) { tls->async_handshake(asio::ssl::stream_base::client, std::move(handler)); });
  }

  error_code WriteBytes(std::string_view bytes) {
    return WithStream([&](auto& stream) {
      return Run([&](auto handler) { asio::async_write(stream, asio::buffer(bytes), std::move(handler)); });
    });
  }

  // Reads one response; `got_some` tells whether any byte of it arrived.
  // `head`: the response to a HEAD request, which has no body whatever its
  // Content-Length says.
  error_code ReadMessage(http::response<http::string_body>& message, bool& got_some, bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    parser.skip(head);
    const error_code ec = WithStream([&](auto& stream) {
      return Run([&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
    });
    got_some = parser.got_some();
    if (!ec) message = parser.release();
    return ec;
  }
};

std::string Describe(const error_code& ec) {
  if (ec == beast::error::timeout)
    return "no answer within " + std::to_string(kNetworkDeadline.count()) + " s";
  return ec.message();
}

bool IsEndOfConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::partial_message;
}

}  // namespace

std::optional<std::string> Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

const boost::json::object& Response::Json() const {
  static const boost::json::object kEmpty;
  if (json && json->is_object()) return json->get_object();
  return kEmpty;
}

std::string Response::String(std::string_view key) const {
  const boost::json::value* value = Json().if_contains(key);
  if (value == nullptr || !value->is_string()) return "";
  return std::string(value->get_string());
}

std::set<std::string> Response::ErrorFields() const {
  std::set<std::string> fields;
  const boost::json::value* errors = Json().if_contains("errors");
  if (errors == nullptr || !errors->is_array()) return fields;
  for (const boost::json::value& entry : errors->get_array()) {
    const boost::json::value* field = entry.is_object() ? entry.get_object().if_contains("field") : nullptr;
    fields.insert(field != nullptr && field->is_string() ? std::string(field->get_string()) : "<no field>");
  }
  return fields;
}

std::ostream& operator<<(std::ostream& out, const Response& response) {
  out << "\nHTTP " << response.status << "\n";
  for (const auto& [name, value] : response.headers) out << name << ": " << value << "\n";
  constexpr std::size_t kShown = 2000;
  out << "\n" << response.body.substr(0, kShown);
  if (response.body.size() > kShown) out << "... (" << response.body.size() << " bytes)";
  return out << "\n";
}

std::string WithQuery(std::string path, const Query& query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto encode = [](std::string_view text) {
    std::string out;
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += c;
      } else {
        out += '%';
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0F];
      }
    }
    return out;
  };
  char separator = '?';
  for (const auto& [name, value] : query) {
    path += separator;
    path += encode(name) + "=" + encode(value);
    separator = '&';
  }
  return path;
}

// ---------------------------------------------------------------- HttpClient

struct HttpClient::Connection : StreamConnection {
  using StreamConnection::StreamConnection;
};

// Shared by the client's connections (one at a time).
struct HttpClient::TlsSetup {
  asio::ssl::context context{asio::ssl::context::tls_client};
};

HttpClient::HttpClient(std::uint16_t port, std::string host) : port_(port), host_(std::move(host)) {}

HttpClient::HttpClient(std::uint16_t port, const TlsClientOptions& tls, std::string host)
    : port_(port), host_(std::move(host)), tls_(std::make_shared<TlsSetup>()) {
  asio::ssl::context& context = tls_->context;
  error_code ec;
  if (context.load_verify_file(tls.trusted_cert_file.string(), ec); ec) {
    throw std::runtime_error("cannot load " + tls.trusted_cert_file.string() + ": " + ec.message());
  }
  context.set_verify_mode(asio::ssl::verify_peer);
  if (tls.max_version != 0) {
    SSL_CTX* ctx = context.native_handle();
    SSL_CTX_set_max_proto_version(ctx, tls.max_version);
    if (tls.max_version < TLS1_2_VERSION) {
      // OpenSSL's defaults (and distributions' openssl.cnf) refuse to offer
      // TLS 1.0/1.1 at all; lift that so the offer reaches the server.
      SSL_CTX_set_min_proto_version(ctx, 0);
      SSL_CTX_set_security_level(ctx, 0);
      SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    }
  }
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

int HttpClient::connections_opened() const { return connections_opened_; }

void HttpClient::Close() { connection_.reset(); }

Response HttpClient::Send(const Request& request) {
  http::request<http::string_body> message;
  message.version(11);
  message.method_string(request.method);
  message.target(request.target);
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    message.insert(name, value);
    has_host = has_host || EqualsIgnoreCase(name, "Host");
  }
  if (!has_host) message.set(http::field::host, host_ + ":" + std::to_string(port_));
  if (request.body) {
    message.body() = *request.body;
    message.content_length(request.body->size());
  }
  std::ostringstream serialized;
  serialized << message;
  const std::string bytes = serialized.str();

  // A kept-alive connection the server has closed meanwhile fails before
  // any byte of a response arrives; only then is the request sent again.
  for (int attempt = 0;; ++attempt) {
    const bool reused = connection_ != nullptr;
    if (!reused) {
      connection_ = std::make_unique<Connection>(tls_ ? &tls_->context : nullptr);
      ++connections_opened_;
      if (const error_code ec = connection_->Connect(host_, port_)) {
        connection_.reset();
        throw std::runtime_error("cannot connect to " + host_ + ":" + std::to_string(port_) +
                                 (tls_ ? " over TLS" : "") + ": " + Describe(ec));
      }
    }
    http::response<http::string_body> reply;
    bool got_some = false;
    error_code ec = connection_->WriteBytes(bytes);
    if (!ec) ec = connection_->ReadMessage(reply, got_some, request.method == "HEAD");
    if (ec) {
      connection_.reset();
      if (reused && !got_some && attempt == 0 && ec != beast::error::timeout) continue;
      throw std::runtime_error(request.method + " " + request.target + " failed: " + Describe(ec));
    }
    if (!reply.keep_alive()) connection_.reset();
    Response response = ToResponse(reply);
    RecordResponse(request, response);
    return response;
  }
}

namespace {

Headers WithAuth(Headers headers, std::string_view token) {
  if (!token.empty()) headers.emplace_back("Authorization", Bearer(token));
  return headers;
}

Headers WithJson(Headers headers, std::string_view token) {
  headers = WithAuth(std::move(headers), token);
  headers.emplace_back("Content-Type", "application/json");
  return headers;
}

}  // namespace

Response HttpClient::Get(std::string target, std::string_view token, Headers headers) {
  return Send({"GET", std::move(target), WithAuth(std::move(headers), token), std::nullopt});
}

Response HttpClient::Delete(std::string target, std::string_view token, Headers headers) {
  return Send({"DELETE", std::move(target), WithAuth(std::move(headers), token), std::nullopt});
}

Response HttpClient::Post(std::string target, const boost::json::value& body, std::string_view token,
                          Headers headers) {
  return Send({"POST", std::move(target), WithJson(std::move(headers), token), boost::json::serialize(body)});
}

Response HttpClient::Patch(std::string target, const boost::json::value& body, std::string_view token,
                           Headers headers) {
  return Send(
      {"PATCH", std::move(target), WithJson(std::move(headers), token), boost::json::serialize(body)});
}

// ------------------------------------------------------------- RawConnection

struct RawConnection::Connection : StreamConnection {};

RawConnection::RawConnection(std::uint16_t port, std::string host)
    : connection_(std::make_unique<Connection>()) {
  if (const error_code ec = connection_->Connect(host, port)) {
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + Describe(ec));
  }
}

RawConnection::~RawConnection() = default;

bool RawConnection::Send(std::string_view bytes) {
  const error_code ec = connection_->WriteBytes(bytes);
  if (ec == beast::error::timeout) throw std::runtime_error("raw write: " + Describe(ec));
  return !ec;
}

std::optional<Response> RawConnection::ReadResponse(bool to_head) {
  http::response<http::string_body> reply;
  bool got_some = false;
  const error_code ec = connection_->ReadMessage(reply, got_some, to_head);
  if (!ec) return ToResponse(reply);
  if (IsEndOfConnection(ec) && !got_some) return std::nullopt;
  throw std::runtime_error("raw read: " + Describe(ec) + (got_some ? " (a response was cut short)" : ""));
}

namespace {

// How a connection with nothing buffered goes on: the error of reading one
// more byte (none when a byte arrives).
error_code ReadOneMoreByte(StreamConnection& connection) {
  char byte = 0;
  const error_code ec = connection.WithStream([&](auto& stream) {
    return connection.Run(
        [&](auto handler) { stream.async_read_some(boost::asio::buffer(&byte, 1), std::move(handler)); });
  });
  if (ec == beast::error::timeout)
    throw std::runtime_error("the server neither answered nor closed: " + Describe(ec));
  return ec;
}

}  // namespace

bool RawConnection::ReadsEndOfStream() {
  if (connection_->buffer.size() > 0) return false;
  const error_code ec = ReadOneMoreByte(*connection_);
  return ec && IsEndOfConnection(ec);
}

bool RawConnection::ReadsOrderlyEndOfStream() {
  if (connection_->buffer.size() > 0) return false;
  if (ReadOneMoreByte(*connection_) != asio::error::eof) return false;
  // Linux reads a reset that follows the server's FIN as an end of stream
  // too, but leaves the reset's error pending on the socket.
  int pending_error = 0;
  socklen_t length = sizeof pending_error;
  if (::getsockopt(connection_->tcp().socket().native_handle(), SOL_SOCKET, SO_ERROR, &pending_error,
                   &length) != 0) {
    throw std::runtime_error("getsockopt(SO_ERROR) failed");
  }
  return pending_error == 0;
}

void RawConnection::ShutdownSend() {
  error_code ignored;
  connection_->tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// -------------------------------------------------------------------- tokens

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string MakeToken(std::string_view sub, std::chrono::seconds ttl, std::string_view secret) {
  return SignToken({{"sub", sub}, {"exp", NowSeconds() + ttl.count()}}, secret);
}

std::string SignToken(const boost::json::object& claims, std::string_view secret) {
  return SignHs256(claims, secret);
}

std::string RawToken(const boost::json::object& header, const boost::json::object& claims,
                     std::string_view signature) {
  return Base64UrlEncode(boost::json::serialize(header)) + "." +
         Base64UrlEncode(boost::json::serialize(claims)) + "." + std::string(signature);
}

std::string Hs256Signature(std::string_view signing_input, std::string_view secret) {
  return Base64UrlEncode(HmacSha256(secret, signing_input));
}

// ----------------------------------------------------------------- ApiClient

ApiClient::ApiClient(std::uint16_t port, std::string user_id)
    : user_id_(std::move(user_id)), token_(MakeToken(user_id_)), http_(port) {}

Response ApiClient::CreateItem(const boost::json::value& body, Headers headers) {
  return http_.Post("/users/" + user_id_ + "/items", body, token_, std::move(headers));
}

Response ApiClient::CreateItemFor(std::string_view path_user_id, const boost::json::value& body) {
  return http_.Post("/users/" + std::string(path_user_id) + "/items", body, token_);
}

Response ApiClient::GetItem(std::string_view item_id) {
  return http_.Get("/items/" + std::string(item_id), token_);
}

Response ApiClient::PatchItem(std::string_view item_id, const boost::json::value& body) {
  return http_.Patch("/items/" + std::string(item_id), body, token_);
}

Response ApiClient::DeleteItem(std::string_view item_id) {
  return http_.Delete("/items/" + std::string(item_id), token_);
}

Response ApiClient::ListItems(const Query& query) {
  return http_.Get(WithQuery("/users/" + user_id_ + "/items", query), token_);
}

Response ApiClient::SearchItems(const Query& query) {
  return http_.Get(WithQuery("/users/" + user_id_ + "/items/search", query), token_);
}

Response ApiClient::ListActivities(const Query& query) {
  return http_.Get(WithQuery("/users/" + user_id_ + "/activities", query), token_);
}

Response ApiClient::ShareItem(std::string_view item_id, Headers headers) {
  return http_.Post("/items/" + std::string(item_id) + "/share", boost::json::object(), token_,
                    std::move(headers));
}

std::int64_t ApiClient::SharedCount(std::string_view item_id) {
  const Response item = GetItem(item_id);
  if (item.status != 200 || !item.json) return -1;
  return item.json->at("sharedCount").as_int64();
}

std::int64_t ApiClient::AwaitSharedCount(std::string_view item_id, std::int64_t expected,
                                         std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::int64_t count = SharedCount(item_id);
  while (count < expected && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    count = SharedCount(item_id);
  }
  return count;
}

boost::json::object ApiClient::MustCreate(const boost::json::value& body) {
  const Response response = CreateItem(body);
  if (response.status != 201 || !response.json || !response.json->is_object()) {
    std::ostringstream message;
    message << "creating " << boost::json::serialize(body) << " for " << user_id_
            << " did not answer 201:" << response;
    throw std::runtime_error(message.str());
  }
  return response.json->get_object();
}

namespace {

// Follows nextCursor from the first page to the last.
template <typename ListPage>
std::vector<Page> Walk(ListPage&& list_page, Query query, int limit, std::string_view array_name) {
  std::vector<Page> pages;
  query.emplace_back("limit", std::to_string(limit));
  std::optional<std::string> cursor;
  for (int n = 0; n < kMaxWalkPages; ++n) {
    Query page_query = query;
    if (cursor) page_query.emplace_back("cursor", *cursor);
    Page page;
    page.response = list_page(page_query);
    const boost::json::object& body = page.response.Json();
    const boost::json::value* elements = body.if_contains(array_name);
    if (page.response.status != 200 || elements == nullptr || !elements->is_array()) {
      std::ostringstream message;
      message << "page " << n << " of a walk failed:" << page.response;
      throw std::runtime_error(message.str());
    }
    for (const boost::json::value& element : elements->get_array()) {
      const boost::json::value* id =
          element.is_object() ? element.get_object().if_contains("itemId") : nullptr;
      page.item_ids.push_back(id != nullptr && id->is_string() ? std::string(id->get_string())
                                                               : "<no itemId>");
    }
    const boost::json::value* has_more = body.if_contains("hasMore");
    page.has_more = has_more != nullptr && has_more->is_bool() && has_more->get_bool();
    const boost::json::value* next = body.if_contains("nextCursor");
    page.next_cursor_is_null = next != nullptr && next->is_null();
    if (next != nullptr && next->is_string()) page.next_cursor = std::string(next->get_string());
    cursor = page.next_cursor;
    pages.push_back(std::move(page));
    if (!cursor) return pages;
  }
  throw std::runtime_error("a walk did not end after " + std::to_string(kMaxWalkPages) + " pages");
}

std::vector<std::string> IdsOf(const std::vector<Page>& pages) {
  std::vector<std::string> ids;
  for (const Page& page : pages) ids.insert(ids.end(), page.item_ids.begin(), page.item_ids.end());
  return ids;
}

}  // namespace

std::vector<Page> ApiClient::ItemPages(Query query, int limit) {
  return Walk([this](const Query& q) { return ListItems(q); }, std::move(query), limit, "items");
}

std::vector<Page> ApiClient::ActivityPages(int limit) {
  return Walk([this](const Query& q) { return ListActivities(q); }, {}, limit, "activities");
}

std::vector<Page> ApiClient::SearchPages(Query query, int limit) {
  return Walk([this](const Query& q) { return SearchItems(q); }, std::move(query), limit, "items");
}

std::vector<std::string> ApiClient::WalkSearchIds(Query query, int limit) {
  return IdsOf(SearchPages(std::move(query), limit));
}

std::vector<std::string> ApiClient::WalkItemIds(Query query, int limit) {
  return IdsOf(ItemPages(std::move(query), limit));
}

std::vector<std::string> ApiClient::WalkActivityItemIds(int limit) { return IdsOf(ActivityPages(limit)); }

std::string Str(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

boost::json::object ItemBody(std::string_view name, std::string_view category) {
  return {{"name", name}, {"category", category}};
}

void AwaitServerClockPast(std::uint16_t port, std::string_view timestamp) {
  ApiClient probe(port, "clock-probe");
  const auto until = std::chrono::steady_clock::now() + kNetworkDeadline;
  while (std::chrono::steady_clock::now() < until) {
    const boost::json::object item = probe.MustCreate(ItemBody("clock probe", "probe"));
    const boost::json::value* created_at = item.if_contains("createdAt");
    if (created_at != nullptr && created_at->is_string() && created_at->get_string() > timestamp) return;
  }
  throw std::runtime_error("the server's clock did not pass " + std::string(timestamp));
}

std::vector<std::pair<std::string, std::string>> AlteredCursors(const std::string& cursor) {
  // Within base64url, flipping the highest of a character's six bits always
  // changes the decoded bytes (low bits of the last character may be unused).
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto flipped_at = [&cursor](std::size_t pos) {
    std::string altered = cursor;
    const std::size_t index = kAlphabet.find(altered[pos]);
    altered[pos] =
        index == std::string_view::npos ? (altered[pos] == 'A' ? 'B' : 'A') : kAlphabet[index ^ 32];
    return altered;
  };
  std::vector<std::pair<std::string, std::string>> cursors;
  if (!cursor.empty()) {
    cursors.emplace_back("first character changed", flipped_at(0));
    cursors.emplace_back("middle character changed", flipped_at(cursor.size() / 2));
    cursors.emplace_back("last character changed", flipped_at(cursor.size() - 1));
    cursors.emplace_back("last character dropped", cursor.substr(0, cursor.size() - 1));
    cursors.emplace_back("cut in half", cursor.substr(0, cursor.size() / 2));
  }
  cursors.emplace_back("one character appended", cursor + "A");
  cursors.emplace_back("four characters appended", cursor + "AAAA");
  cursors.emplace_back("doubled", cursor + cursor);
  cursors.emplace_back("garbage", "not-a-cursor");
  cursors.emplace_back("punctuation", "!!!!");
  cursors.emplace_back("short", "AAAA");
  cursors.emplace_back("very long", std::string(2000, 'A'));
  return cursors;
}

::testing::AssertionResult JsonEquals(const boost::json::value& actual, const boost::json::value& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n  actual:   " << boost::json::serialize(actual)
                                       << "\n  expected: " << boost::json::serialize(expected);
}

}  // namespace wdrbe::testing
