#include "wdrbe/lambda/api_gateway_event.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <system_error>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/utf8.hpp"

namespace wdrbe::lambda {
namespace {

namespace json = boost::json;

Error NotAnEvent(std::string_view what) {
  return Error::BadRequest("not an API Gateway REST proxy event (payload format 1.0): " + std::string(what));
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// What RFC 3986 allows in a path besides unreserved characters and
// percent-escapes: sub-delims, ':', '@' and the '/' between segments.
bool IsPathCharacter(char c) {
  return IsUnreserved(c) || std::string_view("!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

void AppendEscaped(std::string& out, char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

void AppendQueryComponent(std::string& out, std::string_view text) {
  for (char c : text) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      AppendEscaped(out, c);
    }
  }
}

// `member` of `object`: absent and null are both "not sent".
const json::value* Member(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

// {name: "value"} or {name: ["value", ...]} (a multi-value member) into pairs.
Result<NameValues> ReadNameValues(const json::value& value, bool multi, std::string_view member) {
  if (!value.is_object()) return NotAnEvent(std::string(member) + " is not an object");
  NameValues pairs;
  for (const auto& [name, entry] : value.as_object()) {
    if (!multi) {
      if (!entry.is_string()) return NotAnEvent(std::string(member) + " holds a value that is not a string");
      pairs.emplace_back(std::string(name), std::string(entry.as_string()));
      continue;
    }
    if (entry.is_null()) continue;
    if (!entry.is_array()) return NotAnEvent(std::string(member) + " holds a value that is not an array");
    for (const json::value& item : entry.as_array()) {
      if (!item.is_string()) return NotAnEvent(std::string(member) + " holds a value that is not a string");
      pairs.emplace_back(std::string(name), std::string(item.as_string()));
    }
  }
  return pairs;
}

// The multi-value member when the event has it (it holds every value),
// else the single-value one.
Result<NameValues> ReadEither(const json::object& event, std::string_view multi, std::string_view single) {
  if (const json::value* values = Member(event, multi)) return ReadNameValues(*values, true, multi);
  if (const json::value* values = Member(event, single)) return ReadNameValues(*values, false, single);
  return NameValues{};
}

std::string OptionalString(const json::object& object, std::string_view name) {
  const json::value* value = Member(object, name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

Result<ProxyEvent> ParseProxyEvent(std::string_view text) {
  std::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return NotAnEvent("not JSON");
  if (!parsed.is_object()) return NotAnEvent("not a JSON object");
  const json::object& event = parsed.as_object();

  ProxyEvent out;
  const json::value* method = Member(event, "httpMethod");
  if (method == nullptr || !method->is_string() || method->as_string().empty()) {
    return NotAnEvent("no httpMethod");
  }
  out.method = std::string(method->as_string());
  const json::value* path = Member(event, "path");
  if (path == nullptr || !path->is_string() || !path->as_string().starts_with("/")) {
    return NotAnEvent("no path starting with /");
  }
  out.path = std::string(path->as_string());

  auto query = ReadEither(event, "multiValueQueryStringParameters", "queryStringParameters");
  if (!query.ok()) return query.error();
  out.query = std::move(*query);
  auto headers = ReadEither(event, "multiValueHeaders", "headers");
  if (!headers.ok()) return headers.error();
  out.headers = std::move(*headers);

  if (const json::value* body = Member(event, "body")) {
    if (!body->is_string()) return NotAnEvent("body is not a string");
    out.body = std::string(body->as_string());
  }
  if (const json::value* encoded = Member(event, "isBase64Encoded")) {
    if (!encoded->is_bool()) return NotAnEvent("isBase64Encoded is not a boolean");
    if (encoded->as_bool()) {
      std::optional<std::string> decoded = Base64Decode(out.body);
      if (!decoded) return NotAnEvent("isBase64Encoded is true but the body is not base64");
      out.body = std::move(*decoded);
    }
  }
  if (const json::value* context = Member(event, "requestContext");
      context != nullptr && context->is_object()) {
    out.request_id = OptionalString(context->as_object(), "requestId");
    if (const json::value* identity = Member(context->as_object(), "identity");
        identity != nullptr && identity->is_object()) {
      out.source_ip = OptionalString(identity->as_object(), "sourceIp");
    }
  }
  return out;
}

std::string RequestTarget(const ProxyEvent& event) {
  std::string target;
  target.reserve(event.path.size() + 16);
  const std::string_view path = event.path;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    const bool escape_sequence =
        c == '%' && i + 2 < path.size() && IsHexDigit(path[i + 1]) && IsHexDigit(path[i + 2]);
    if (IsPathCharacter(c) || escape_sequence) {
      target += c;
    } else {
      AppendEscaped(target, c);
    }
  }
  char separator = '?';
  for (const auto& [name, value] : event.query) {
    target += separator;
    separator = '&';
    AppendQueryComponent(target, name);
    target += '=';
    AppendQueryComponent(target, value);
  }
  return target;
}

std::string ProxyResponse(const http::HttpResponse& response) {
  // Names in the order they first appear, each with its values.
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  for (const auto& field : response.base()) {
    const std::string_view name = field.name_string();
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const auto& entry) { return boost::beast::iequals(entry.first, name); });
    if (it == fields.end()) {
      fields.emplace_back(std::string(name), std::vector<std::string>{});
      it = fields.end() - 1;
    }
    it->second.emplace_back(field.value());
  }
  json::object headers;
  json::object multi_value_headers;
  for (const auto& [name, values] : fields) {
    if (values.size() == 1) {
      headers[name] = values.front();
    } else {
      json::array all;
      for (const std::string& value : values) all.emplace_back(value);
      multi_value_headers[name] = std::move(all);
    }
  }
  const std::string& body = response.body();
  const bool text = IsUtf8(body);
  json::object proxy;
  proxy["statusCode"] = static_cast<int>(response.result_int());
  proxy["headers"] = std::move(headers);
  proxy["multiValueHeaders"] = std::move(multi_value_headers);
  proxy["body"] = text ? body : Base64Encode(body);
  proxy["isBase64Encoded"] = !text;
  return json::serialize(proxy);
}

}  // namespace wdrbe::lambda
