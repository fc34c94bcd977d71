#include "wdrbe/queue/sqs/share_message.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "wdrbe/domain/timestamp.hpp"

namespace wdrbe::sqs {
namespace {

// Reads `count` decimal digits at `text[at]`.
std::optional<int> Digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

Result<std::string> RequiredString(const boost::json::object& body, std::string_view key, bool may_be_empty) {
  const boost::json::value* value = body.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return Error::BadRequest("\"" + std::string(key) + "\" is missing or not a string");
  }
  if (!may_be_empty && value->as_string().empty()) {
    return Error::BadRequest("\"" + std::string(key) + "\" is empty");
  }
  return std::string(value->as_string());
}

}  // namespace

std::string ShareEventBody(const ShareEvent& event) {
  const boost::json::object body{{"type", kShareEventType},
                                 {"eventId", event.event_id},
                                 {"userId", event.user_id},
                                 {"itemId", event.item_id},
                                 {"timestamp", FormatTimestamp(event.timestamp_ms)},
                                 {"requestId", event.request_id}};
  return boost::json::serialize(body);
}

Result<ShareEvent> ParseShareEventBody(std::string_view body, std::string trace_context) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (ec) return Error::BadRequest("the body is not JSON");
  if (!parsed.is_object()) return Error::BadRequest("the body is not a JSON object");
  const boost::json::object& object = parsed.as_object();
  const boost::json::value* type = object.if_contains("type");
  if (type == nullptr || !type->is_string() || type->as_string() != kShareEventType) {
    return Error::BadRequest(std::string("\"type\" is not \"") + kShareEventType + "\"");
  }
  ShareEvent event;
  auto event_id = RequiredString(object, "eventId", false);
  if (!event_id.ok()) return event_id.error();
  auto user_id = RequiredString(object, "userId", false);
  if (!user_id.ok()) return user_id.error();
  auto item_id = RequiredString(object, "itemId", false);
  if (!item_id.ok()) return item_id.error();
  auto request_id = RequiredString(object, "requestId", true);
  if (!request_id.ok()) return request_id.error();
  auto timestamp = RequiredString(object, "timestamp", false);
  if (!timestamp.ok()) return timestamp.error();
  const std::optional<std::int64_t> timestamp_ms = ParseUtcTimestamp(*timestamp);
  if (!timestamp_ms) return Error::BadRequest("\"timestamp\" is not an RFC 3339 UTC time");
  event.event_id = std::move(*event_id);
  event.user_id = std::move(*user_id);
  event.item_id = std::move(*item_id);
  event.timestamp_ms = *timestamp_ms;
  event.request_id = std::move(*request_id);
  event.trace_context = std::move(trace_context);
  return event;
}

std::optional<std::int64_t> ParseUtcTimestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto year = Digits(text, 0, 4);
  const auto month = Digits(text, 5, 2);
  const auto day = Digits(text, 8, 2);
  const auto hour = Digits(text, 11, 2);
  const auto minute = Digits(text, 14, 2);
  const auto second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (text[at] == '.') {
    ++at;
    const std::size_t first_digit = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - first_digit < 3) millis = millis * 10 + (text[at] - '0');
      ++at;
    }
    const std::size_t digits = at - first_digit;
    if (digits == 0 || digits > 9) return std::nullopt;
    for (std::size_t d = digits; d < 3; ++d) millis *= 10;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  const milliseconds since_epoch = sys_days{date}.time_since_epoch() + hours{*hour} + minutes{*minute} +
                                   seconds{*second} + milliseconds{millis};
  return since_epoch.count();
}

}  // namespace wdrbe::sqs
