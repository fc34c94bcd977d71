// The HTTP message types the server and handlers exchange.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace wdrbe::http {

namespace beast_http = boost::beast::http;
using HttpRequest = beast_http::request<beast_http::string_body>;
using HttpResponse = beast_http::response<beast_http::string_body>;
using Verb = beast_http::verb;
using StatusCode = beast_http::status;

}  // namespace wdrbe::http
