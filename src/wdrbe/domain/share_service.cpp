#include "wdrbe/domain/share_service.hpp"

#include "wdrbe/domain/item_validation.hpp"

namespace wdrbe {

Task<Result<AcceptedShare>> ShareService::Share(ShareRequest request) {
  if (!IsValidItemId(request.item_id)) co_return Error::NotFound("item not found");
  const std::int64_t now = clock_.NowMillis();
  EnqueueShareCommand command;
  command.event = ShareEvent{ids_.Next(),
                             request.user_id,
                             request.item_id,
                             now,
                             std::move(request.request_id),
                             std::move(request.trace_context)};
  command.user_id = std::move(request.user_id);
  command.item_id = std::move(request.item_id);
  command.idempotency_key = std::move(request.idempotency_key);
  command.now_ms = now;
  const std::string new_event_id = command.event.event_id;
  auto event_id = co_await queue_.EnqueueShare(std::move(command));
  if (!event_id.ok()) co_return event_id.error();
  // Event ids are never reused, so another id means the key's earlier event.
  const bool replayed = *event_id != new_event_id;
  if (!replayed && on_enqueued_) on_enqueued_();
  co_return AcceptedShare{std::move(*event_id), replayed};
}

}  // namespace wdrbe
