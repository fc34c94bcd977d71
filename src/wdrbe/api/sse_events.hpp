// The text of the activity stream (Server-Sent Events, text/event-stream):
// each activity as one event, and the comment lines the stream sends when
// it opens and when it has nothing to say.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/domain/activity.hpp"

namespace wdrbe::api {

// Sent once the subscription is in place: whatever commits from then on
// reaches the client.
inline constexpr std::string_view kSseConnected = ": connected\n\n";
// Sent when the stream has been idle for a heartbeat interval, so that
// proxies keep the connection and the server notices a client that left.
inline constexpr std::string_view kSseHeartbeat = ": heartbeat\n\n";

// "id: {activityId}\nevent: {activityType}\ndata: {the feed's JSON}\n\n"
// for each activity, in order. The JSON is one line (the writer escapes
// every control character), as a data field must be.
std::string SseEvents(const std::vector<Activity>& activities);

}  // namespace wdrbe::api
