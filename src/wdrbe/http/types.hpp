// The HTTP message types the server and handlers exchange.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string_view>

namespace wdrbe::http {

namespace beast_http = boost::beast::http;
using HttpRequest = beast_http::request<beast_http::string_body>;
using HttpResponse = beast_http::response<beast_http::string_body>;
using Verb = beast_http::verb;
using StatusCode = beast_http::status;
// The peer a request came from (the TCP peer: a proxy, when behind one).
using ClientAddress = boost::asio::ip::address;

// The first value of header `name`; nullopt when absent.
inline std::optional<std::string_view> FindHeader(const HttpRequest& request, std::string_view name) {
  auto it = request.find(name);
  if (it == request.end()) return std::nullopt;
  return it->value();
}

}  // namespace wdrbe::http
