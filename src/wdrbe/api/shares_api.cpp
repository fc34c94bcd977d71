#include "wdrbe/api/shares_api.hpp"

#include "wdrbe/api/request_parsing.hpp"
#include "wdrbe/domain/item_validation.hpp"
#include "wdrbe/http/responses.hpp"
#include "wdrbe/tracing/traced_services.hpp"

namespace wdrbe::api {

Task<http::HttpResponse> SharesApi::Share(http::RequestContext& context) {
  // The share takes no body; one that is sent must still be JSON.
  if (!context.request().body().empty()) {
    auto body = ParseJsonBody(context);
    if (!body.ok()) co_return http::ErrorResponse(body.error(), context.request_id());
  }
  ShareRequest request;
  request.user_id = context.principal().user_id;
  request.item_id = std::string(context.PathParam("itemId"));
  if (auto key = context.Header("Idempotency-Key")) {
    if (!IsValidIdempotencyKey(*key)) {
      co_return http::ErrorResponse(
          Error{ErrorCode::kValidationFailed,
                "request validation failed",
                {{"idempotencyKey", "Idempotency-Key must be 1-128 printable ASCII characters"}}},
          context.request_id());
    }
    request.idempotency_key = std::string(*key);
  }
  request.request_id = std::string(context.request_id());
  // The event carries the producer span's traceparent (else the
  // request's): the worker's span and log lines continue it.
  const std::string item_id = request.item_id;
  const std::string user_id = request.user_id;
  tracing::ShareEnqueueSpan enqueue(spans_, context.trace(), {item_id, user_id, context.request_id()});
  request.trace_context = enqueue.EventTraceparent();
  tracing::TracedShareService shares(shares_, spans_, enqueue.AsParent());
  auto accepted = co_await shares->Share(std::move(request));
  enqueue.End(accepted);
  if (!accepted.ok()) co_return http::ErrorResponse(accepted.error(), context.request_id());
  (accepted->replayed ? metrics_.replayed : metrics_.enqueued).Inc();
  co_return http::JsonResponse(http::StatusCode::accepted,
                               {{"itemId", item_id}, {"status", "queued"}, {"eventId", accepted->event_id}});
}

}  // namespace wdrbe::api
