// The services one request (or one worker batch) runs on: the process's
// own, or, when its span is recorded, copies on ports that record each
// store and queue call as a child span (traced_*.hpp). Declared in the
// frame in which the service's calls run and end; an unsampled request
// costs one branch.
#pragma once

#include <optional>
#include <span>
#include <utility>

#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/share_service.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/tracing/traced_atomic_shares.hpp"
#include "wdrbe/tracing/traced_item_store.hpp"
#include "wdrbe/tracing/traced_share_queue.hpp"

namespace wdrbe::tracing {

// A service, or a copy of it on traced ports once Trace() was called. The
// copy views the traced ports, so an owner declares this after them.
template <typename Service>
class ServiceOrTracedCopy {
 public:
  explicit ServiceOrTracedCopy(Service& service) : service_(service) {}
  ServiceOrTracedCopy(const ServiceOrTracedCopy&) = delete;
  ServiceOrTracedCopy& operator=(const ServiceOrTracedCopy&) = delete;

  void Trace(Service traced) { traced_.emplace(std::move(traced)); }
  Service& get() { return traced_ ? *traced_ : service_; }

 private:
  Service& service_;
  std::optional<Service> traced_;
};

// ItemService or ActivityFeed: a service of the store alone, whose calls
// are children of the request's server span.
template <typename Service>
class StoreTracedService {
 public:
  StoreTracedService(Service& service, const SpanTarget& target, const obs::TraceContext& request)
      : parent_{request.trace_id, request.span_id}, service_(service) {
    if (target.spans == nullptr || (request.flags & 1) == 0) return;
    store_.emplace(service.store(), target, std::span(&parent_, 1));
    service_.Trace(service.WithStore(*store_));
  }

  Service* operator->() { return &service_.get(); }

 private:
  const ParentSpan parent_;
  std::optional<TracedItemStore> store_;
  ServiceOrTracedCopy<Service> service_;
};

// The share service, whose store and queue calls are children of the
// share.enqueue span (`parent`; none when that span is not recorded).
class TracedShareService {
 public:
  TracedShareService(ShareService& service, const SpanTarget& target, std::optional<ParentSpan> parent)
      : parent_(parent.value_or(ParentSpan{})), service_(service) {
    if (target.spans == nullptr || !parent) return;
    const std::span<const ParentSpan> parents(&parent_, 1);
    store_.emplace(service.store(), target, parents);
    queue_.emplace(service.queue(), target, parents);
    if (service.sender() != nullptr) sender_.emplace(*service.sender(), target, parents);
    service_.Trace(service.WithPorts(*store_, *queue_, sender_ ? &*sender_ : nullptr));
  }

  ShareService* operator->() { return &service_.get(); }

 private:
  const ParentSpan parent_;
  std::optional<TracedItemStore> store_;
  std::optional<TracedShareQueue> queue_;
  std::optional<TracedAtomicShareSender> sender_;
  ServiceOrTracedCopy<ShareService> service_;
};

// A worker's share handler and queue, whose calls for a batch are
// children of each of `parents` (the batch's sampled share.process spans;
// none: untraced). `queue` is null in Lambda, where the event source
// mapping settles the batch.
class TracedShareHandling {
 public:
  TracedShareHandling(ShareEventHandler& handler, ShareQueue* queue, const SpanTarget& target,
                      std::span<const ParentSpan> parents)
      : queue_(queue), handler_(handler) {
    if (target.spans == nullptr || parents.empty()) return;
    traced_store_.emplace(handler.store(), target, parents);
    if (queue != nullptr) queue_ = &traced_queue_.emplace(*queue, target, parents);
    if (handler.settler() != nullptr) traced_settler_.emplace(*handler.settler(), target, parents);
    handler_.Trace(handler.WithPorts(*traced_store_, traced_settler_ ? &*traced_settler_ : nullptr));
  }
  TracedShareHandling(const TracedShareHandling&) = delete;
  TracedShareHandling& operator=(const TracedShareHandling&) = delete;

  ShareEventHandler& handler() { return handler_.get(); }
  ShareQueue* queue() { return queue_; }

 private:
  std::optional<TracedItemStore> traced_store_;
  std::optional<TracedShareQueue> traced_queue_;
  std::optional<TracedAtomicShareSettler> traced_settler_;
  ShareQueue* queue_;  // the queue, or traced_queue_
  ServiceOrTracedCopy<ShareEventHandler> handler_;
};

}  // namespace wdrbe::tracing
