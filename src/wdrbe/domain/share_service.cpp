#include "wdrbe/domain/share_service.hpp"

#include "wdrbe/domain/item_validation.hpp"

namespace wdrbe {

Task<Result<AcceptedShare>> ShareService::Share(ShareRequest request) {
  if (!IsValidItemId(request.item_id)) co_return Error::NotFound("item not found");
  AdmitShareCommand command{request.user_id, request.item_id, request.idempotency_key, ids_.Next(),
                            clock_.NowMillis()};
  // The event to send; its id and timestamp are the admission's.
  ShareEvent event{"", std::move(request.user_id),    std::move(request.item_id),
                   0,  std::move(request.request_id), std::move(request.trace_context)};
  if (sender_) {
    auto admission = co_await sender_->AdmitAndSend(std::move(command), std::move(event));
    if (!admission.ok()) co_return admission.error();
    if (admission->needs_send && on_sent_) on_sent_();
    co_return AcceptedShare{std::move(admission->event_id), admission->replayed};
  }

  auto admission = co_await store_.AdmitShare(std::move(command));
  if (!admission.ok()) co_return admission.error();
  if (admission->needs_send) {
    event.event_id = admission->event_id;
    event.timestamp_ms = admission->event_timestamp_ms;
    const std::string user_id = event.user_id;
    if (Status sent = co_await queue_.Send(std::move(event)); !sent.ok()) co_return sent.error();
    if (request.idempotency_key) {
      // If this fails the record stays not completed, and a replay sends the
      // event once more: a duplicate the store ignores, never a lost share.
      (void)co_await store_.CompleteShareKey(user_id, *request.idempotency_key);
    }
    if (on_sent_) on_sent_();
  }
  co_return AcceptedShare{std::move(admission->event_id), admission->replayed};
}

}  // namespace wdrbe
