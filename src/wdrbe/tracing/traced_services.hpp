// The services one request (or one worker batch) runs on: the process's
// own, or, when its span is recorded, copies on ports that record each
// store and queue call as a child span (traced_*.hpp). Declared in the
// frame in which the service's calls run and end; an unsampled request
// costs one branch.
#pragma once

#include <optional>
#include <span>

#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/tracing/traced_atomic_shares.hpp"
#include "wdrbe/tracing/traced_item_store.hpp"
#include "wdrbe/tracing/traced_share_queue.hpp"

namespace wdrbe::tracing {

// ItemService or ActivityFeed: a service of the store alone, whose calls
// are children of the request's server span.
template <typename Service>
class StoreTracedService {
 public:
  StoreTracedService(Service& service, const SpanTarget& target, const obs::TraceContext& request)
      : service_(service), parent_{request.trace_id, request.span_id} {
    if (target.spans == nullptr || (request.flags & 1) == 0) return;
    store_.emplace(service.store(), target, std::span(&parent_, 1));
    traced_.emplace(service.WithStore(*store_));
  }
  StoreTracedService(const StoreTracedService&) = delete;
  StoreTracedService& operator=(const StoreTracedService&) = delete;

  Service* operator->() { return traced_ ? &*traced_ : &service_; }

 private:
  Service& service_;
  const ParentSpan parent_;
  std::optional<TracedItemStore> store_;
  std::optional<Service> traced_;
};

// The share service, whose store and queue calls are children of the
// share.enqueue span (`parent`; none when that span is not recorded).
class TracedShareService {
 public:
  TracedShareService(ShareService& service, const SpanTarget& target, std::optional<ParentSpan> parent)
      : service_(service), parent_(parent.value_or(ParentSpan{})) {
    if (target.spans == nullptr || !parent) return;
    const std::span<const ParentSpan> parents(&parent_, 1);
    store_.emplace(service.store(), target, parents);
    queue_.emplace(service.queue(), target, parents);
    if (service.sender() != nullptr) sender_.emplace(*service.sender(), target, parents);
    traced_.emplace(service.WithPorts(*store_, *queue_, sender_ ? &*sender_ : nullptr));
  }
  TracedShareService(const TracedShareService&) = delete;
  TracedShareService& operator=(const TracedShareService&) = delete;

  ShareService* operator->() { return traced_ ? &*traced_ : &service_; }

 private:
  ShareService& service_;
  const ParentSpan parent_;
  std::optional<TracedItemStore> store_;
  std::optional<TracedShareQueue> queue_;
  std::optional<TracedAtomicShareSender> sender_;
  std::optional<ShareService> traced_;
};

// A worker's share handler and queue, whose calls for a batch are
// children of each of `parents` (the batch's sampled share.process spans;
// none: untraced). `queue` is null in Lambda, where the event source
// mapping settles the batch.
class TracedShareHandling {
 public:
  TracedShareHandling(ShareEventHandler& handler, ShareQueue* queue, const SpanTarget& target,
                      std::span<const ParentSpan> parents)
      : handler_(handler), queue_(queue) {
    if (target.spans == nullptr || parents.empty()) return;
    traced_store_.emplace(handler.store(), target, parents);
    if (queue != nullptr) traced_queue_.emplace(*queue, target, parents);
    if (handler.settler() != nullptr) traced_settler_.emplace(*handler.settler(), target, parents);
    traced_handler_.emplace(handler.WithPorts(*traced_store_, traced_settler_ ? &*traced_settler_ : nullptr));
  }
  TracedShareHandling(const TracedShareHandling&) = delete;
  TracedShareHandling& operator=(const TracedShareHandling&) = delete;

  ShareEventHandler& handler() { return traced_handler_ ? *traced_handler_ : handler_; }
  ShareQueue* queue() { return traced_queue_ ? &*traced_queue_ : queue_; }

 private:
  ShareEventHandler& handler_;
  ShareQueue* queue_;
  std::optional<TracedItemStore> traced_store_;
  std::optional<TracedShareQueue> traced_queue_;
  std::optional<TracedAtomicShareSettler> traced_settler_;
  std::optional<ShareEventHandler> traced_handler_;
};

}  // namespace wdrbe::tracing
