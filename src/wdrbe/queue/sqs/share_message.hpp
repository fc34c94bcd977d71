// A share event as the body and message attributes of an SQS message:
//
//   {"type":"SHARE_ITEM","eventId":"01J...","userId":"usr_1","itemId":"itm_1",
//    "timestamp":"2026-11-25T10:00:00.123Z","requestId":"req_..."}
//
// (the contract's shape, times as the API shows them: RFC 3339 UTC with
// milliseconds), and the trace context, when there is one, as the String
// message attribute "traceparent". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_event.hpp"

namespace wdrbe::sqs {

inline constexpr char kTraceparentAttribute[] = "traceparent";

std::string ShareEventBody(const ShareEvent& event);

// The event of a message body, with `trace_context` (the traceparent
// attribute's value, "" when absent). kBadRequest, saying what is wrong,
// for anything but an object with "type": "SHARE_ITEM", non-empty string
// "eventId", "userId" and "itemId", a string "requestId" and an RFC 3339
// UTC "timestamp"; other members are ignored.
Result<ShareEvent> ParseShareEventBody(std::string_view body, std::string trace_context);

// "2026-11-25T10:00:00.123Z" (or without fraction, or with 1-9 fraction
// digits, cut to milliseconds) as Unix milliseconds; nullopt otherwise.
std::optional<std::int64_t> ParseUtcTimestamp(std::string_view text);

}  // namespace wdrbe::sqs
