// Handler of the live activity stream, GET /users/{userId}/activities/stream
// (Server-Sent Events). It checks the request like every route, takes a
// stream slot (429 over the caps), subscribes, and answers with the head;
// the body then runs on the connection: a comment once subscribed, each
// new activity as an event, a comment heartbeat when idle, and an end when
// the client leaves or stops reading, the store fails or the server stops.
#pragma once

#include <chrono>

#include "wdrbe/api/stream_slots.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/http/request_context.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/storage/activity_watcher.hpp"

namespace wdrbe::api {

inline constexpr std::chrono::seconds kDefaultStreamHeartbeat{15};

class ActivityStreamApi {
 public:
  // `watcher` null: this process cannot hold streams open (Lambda), and
  // the route says so (501). All outlive the API.
  ActivityStreamApi(ActivityWatcher* watcher, StreamSlots& slots, obs::StreamMetrics& metrics,
                    std::chrono::seconds heartbeat = kDefaultStreamHeartbeat)
      : watcher_(watcher), slots_(slots), metrics_(metrics), heartbeat_(heartbeat) {}

  Task<http::HttpResponse> Stream(http::RequestContext& context);

 private:
  ActivityWatcher* const watcher_;
  StreamSlots& slots_;
  obs::StreamMetrics& metrics_;
  const std::chrono::seconds heartbeat_;
};

}  // namespace wdrbe::api
