#include "wdrbe/api/request_parsing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <charconv>

#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/item_service.hpp"

namespace wdrbe::api {
namespace {

bool IsJsonMediaType(std::string_view content_type) {
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  std::size_t begin = 0;
  std::size_t end = media.size();
  while (begin < end && (media[begin] == ' ' || media[begin] == '\t')) ++begin;
  while (end > begin && (media[end - 1] == ' ' || media[end - 1] == '\t')) --end;
  return boost::beast::iequals(media.substr(begin, end - begin), "application/json");
}

}  // namespace

Result<boost::json::value> ParseJsonBody(const http::RequestContext& context) {
  auto content_type = context.Header("Content-Type");
  if (!content_type || !IsJsonMediaType(*content_type)) {
    return Error{ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json", {}};
  }
  const std::string& body = context.request().body();
  if (body.empty()) return Error::BadRequest("request body is empty; a JSON object is required");
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return Error::BadRequest("request body is not valid JSON: " + ec.message());
  return value;
}

Result<int> ParseLimit(const http::RequestContext& context) {
  auto raw = context.Query("limit");
  if (!raw) return kDefaultPageSize;
  int value = 0;
  const char* end = raw->data() + raw->size();
  auto [ptr, ec] = std::from_chars(raw->data(), end, value);
  if (ec != std::errc() || ptr != end || value < 1 || value > kMaxPageSize) {
    return Error::BadRequest("limit must be an integer from 1 to " + std::to_string(kMaxPageSize));
  }
  return value;
}

Result<std::optional<std::string>> ParseCursor(const http::RequestContext& context) {
  auto raw = context.Query("cursor");
  if (!raw) return std::optional<std::string>();
  if (raw->size() > kMaxCursorLength) {
    return InvalidCursorError();
  }
  return std::optional<std::string>(std::move(*raw));
}

Status RequireSelf(const http::RequestContext& context) {
  if (context.PathParam("userId") != context.principal().user_id) {
    return Error{ErrorCode::kForbidden, "the token's user may not access another user's resources", {}};
  }
  return Status::Ok();
}

}  // namespace wdrbe::api
