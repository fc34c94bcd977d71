#include "wdrbe/api/activity_stream_api.hpp"

#include <boost/asio/this_coro.hpp>
#include <memory>

#include "wdrbe/api/request_parsing.hpp"
#include "wdrbe/api/sse_events.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/http/responses.hpp"

namespace wdrbe::api {
namespace {

// What the body of one stream owns once the handler has answered.
struct OpenStream {
  std::unique_ptr<StreamSlots::Slot> slot;
  std::shared_ptr<ActivitySubscription> subscription;
  obs::StreamMetrics& metrics;
  std::chrono::seconds heartbeat;
};

std::string_view EndReason(http::BodyWriteOutcome outcome) {
  switch (outcome) {
    case http::BodyWriteOutcome::kTooSlow:
      return "slow_consumer";
    case http::BodyWriteOutcome::kShuttingDown:
      return "shutdown";
    case http::BodyWriteOutcome::kPeerGone:
    case http::BodyWriteOutcome::kWritten:
      break;
  }
  return "client";
}

// The body: runs until the client leaves or stops reading, the store
// fails, or the server stops. Holds at most one delivery of events.
Task<void> RunStream(std::shared_ptr<OpenStream> stream, http::BodyWriter& writer) {
  Task<http::BodyWriteOutcome> greeting = writer.Write(kSseConnected);
  http::BodyWriteOutcome outcome = co_await std::move(greeting);
  std::string_view reason;
  while (outcome == http::BodyWriteOutcome::kWritten) {
    if (writer.shutting_down()) {
      reason = "shutdown";
      break;
    }
    Task<Result<std::vector<Activity>>> waiting = stream->subscription->Next(stream->heartbeat);
    Result<std::vector<Activity>> activities = co_await std::move(waiting);
    if (!activities.ok()) {
      reason = "error";
      break;
    }
    if (activities->empty()) {
      if (writer.shutting_down()) {
        reason = "shutdown";
        break;
      }
      Task<http::BodyWriteOutcome> beat = writer.Write(kSseHeartbeat);
      outcome = co_await std::move(beat);
      continue;
    }
    // Named: the writer's task holds a view of it until it is awaited.
    const std::string events = SseEvents(*activities);
    Task<http::BodyWriteOutcome> sending = writer.Write(events);
    outcome = co_await std::move(sending);
    if (outcome == http::BodyWriteOutcome::kWritten) stream->metrics.events.Inc(activities->size());
  }
  if (reason.empty()) reason = EndReason(outcome);
  stream->metrics.disconnects.WithLabels({std::string(reason)}).Inc();
}

// The resume point: the Last-Event-ID header (what EventSource sends when
// it reconnects) wins over the lastEventId parameter (what a page puts in
// the URL of its first connection).
Result<std::optional<std::string>> LastEventId(const http::RequestContext& context) {
  std::optional<std::string> id;
  if (auto header = context.Header("Last-Event-ID"); header && !header->empty()) {
    id = std::string(*header);
  } else {
    id = context.Query("lastEventId");
  }
  if (id && !UlidTimeMs(*id)) {
    return Error::BadRequest(
        "Last-Event-ID (or lastEventId) must be an activity id, as the stream's id: lines");
  }
  return id;
}

http::HttpResponse TooManyStreams(std::string_view request_id) {
  http::HttpResponse response = http::ErrorResponse(
      Error{ErrorCode::kTooManyRequests,
            "too many activity streams open (per user or on this server); close one or retry later",
            {}},
      request_id);
  response.set(http::beast_http::field::retry_after, "5");
  return response;
}

}  // namespace

Task<http::HttpResponse> ActivityStreamApi::Stream(http::RequestContext& context) {
  if (Status s = RequireSelf(context); !s.ok())
    co_return http::ErrorResponse(s.error(), context.request_id());
  auto last_event_id = LastEventId(context);
  if (!last_event_id.ok()) co_return http::ErrorResponse(last_event_id.error(), context.request_id());
  if (watcher_ == nullptr || context.body_stream() == nullptr) {
    co_return http::ErrorResponse(
        Error{ErrorCode::kNotImplemented,
              "the activity stream needs a long-lived server (wdrbe serve); poll GET "
              "/users/{userId}/activities instead",
              {}},
        context.request_id());
  }

  auto slot = slots_.TryTake(context.principal().user_id);
  if (!slot) co_return TooManyStreams(context.request_id());
  const auto executor = co_await boost::asio::this_coro::executor;
  Task<Result<std::unique_ptr<ActivitySubscription>>> subscribing =
      watcher_->Subscribe(context.principal().user_id, std::move(*last_event_id), executor);
  Result<std::unique_ptr<ActivitySubscription>> subscription = co_await std::move(subscribing);
  if (!subscription.ok()) co_return http::ErrorResponse(subscription.error(), context.request_id());

  auto stream = std::make_shared<OpenStream>(
      OpenStream{std::move(slot), std::move(*subscription), metrics_, heartbeat_});
  *context.body_stream() =
      http::BodyStream{[stream](http::BodyWriter& writer) { return RunStream(stream, writer); },
                       [subscription = stream->subscription] { subscription->Interrupt(); }};

  http::HttpResponse response{http::StatusCode::ok, 11};
  response.set(http::beast_http::field::content_type, "text/event-stream");
  response.set(http::beast_http::field::cache_control, "no-store");
  // Proxies that buffer responses (nginx) pass this one through as it comes.
  response.set("X-Accel-Buffering", "no");
  co_return response;
}

}  // namespace wdrbe::api
