#include "wdrbe/tracing/share_span.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace wdrbe::tracing {
namespace {

std::string_view Outcome(const HandledShare* handled) {
  if (handled == nullptr || !handled->application) return "failed";
  switch (*handled->application) {
    case ShareApplication::kApplied:
      return "applied";
    case ShareApplication::kAlreadyApplied:
      return "already_applied";
    case ShareApplication::kItemNotFound:
      return "item_not_found";
  }
  return "failed";
}

}  // namespace

ShareEnqueueSpan::ShareEnqueueSpan(const SpanTarget& target, const obs::TraceContext& request,
                                   ShareSubject subject)
    : target_(target),
      request_(request),
      subject_(subject),
      recorded_(target.spans != nullptr && (request.flags & 1) != 0) {
  if (!recorded_) return;
  span_id_ = obs::NewSpanId(*target_.random);
  start_unix_ns_ = target_.clock->NowNanos();
}

std::string ShareEnqueueSpan::EventTraceparent() const {
  if (!recorded_) return request_.Traceparent();
  obs::TraceContext producer;
  producer.trace_id = request_.trace_id;
  producer.span_id = span_id_;
  producer.flags = request_.flags;
  return producer.Traceparent();
}

std::optional<ParentSpan> ShareEnqueueSpan::AsParent() const {
  if (!recorded_) return std::nullopt;
  return ParentSpan{request_.trace_id, span_id_};
}

void ShareEnqueueSpan::End(const Result<AcceptedShare>& outcome) {
  if (!recorded_) return;
  recorded_ = false;  // once
  std::array<SpanAttribute, 8> attributes;
  std::size_t count = 0;
  attributes[count++] = {"messaging.system", MessagingSystem(target_)};
  attributes[count++] = {"messaging.operation.type", std::string_view("send")};
  attributes[count++] = {"wdrbe.item_id", subject_.item_id};
  attributes[count++] = {"enduser.id", subject_.user_id};
  attributes[count++] = {"wdrbe.request_id", subject_.request_id};
  const Error* error = outcome.ok() ? nullptr : &outcome.error();
  if (error == nullptr) {
    attributes[count++] = {"messaging.message.id", std::string_view(outcome->event_id)};
    // A replay queued nothing: the event of the key's first request stands.
    attributes[count++] = {"wdrbe.share.replayed", outcome->replayed};
  } else {
    attributes[count++] = {"wdrbe.share.rejected", std::string_view(error->message)};
  }
  Span span;
  span.trace_id = request_.trace_id;
  span.span_id = span_id_;
  span.parent_span_id = request_.span_id;
  span.name = kShareEnqueueSpanName;
  span.kind = SpanKind::kProducer;
  span.start_unix_ns = start_unix_ns_;
  span.end_unix_ns = target_.clock->NowNanos();
  span.attributes = std::span(attributes.data(), count);
  if (error != nullptr && error->IsServiceFailure()) {
    span.error = true;
    span.status_message = error->message;
  }
  target_.spans->Submit(span);
}

ShareProcessingSpans::ShareProcessingSpans(const SpanTarget& target)
    : target_(target), start_unix_ns_(target.spans != nullptr ? target.clock->NowNanos() : 0) {}

void ShareProcessingSpans::Begin(const ShareEvent& event) {
  if (target_.spans == nullptr) return;
  auto parent = obs::ParseTraceparent(event.trace_context);
  if (!parent || (parent->flags & 1) == 0) return;
  begun_.push_back(Begun{&event, std::move(*parent), obs::NewSpanId(*target_.random)});
}

std::span<const ParentSpan> ShareProcessingSpans::parents() {
  parents_.clear();
  for (const Begun& span : begun_) {
    // An event that ended before the batch's calls (a poison record, a
    // fault) is no part of them.
    if (!span.ended) parents_.push_back(ParentSpan{span.parent.trace_id, span.span_id});
  }
  return parents_;
}

void ShareProcessingSpans::End(const ShareEvent& event, const HandledShare* handled,
                               std::string_view failure) {
  auto begun = std::find_if(begun_.begin(), begun_.end(),
                            [&](const Begun& span) { return span.event == &event && !span.ended; });
  if (begun == begun_.end()) return;
  begun->ended = true;
  const std::string_view outcome = Outcome(handled);
  const std::array<SpanAttribute, 7> attributes{{
      {"messaging.system", MessagingSystem(target_)},
      {"messaging.operation.type", std::string_view("process")},
      {"messaging.message.id", std::string_view(event.event_id)},
      {"wdrbe.item_id", std::string_view(event.item_id)},
      {"enduser.id", std::string_view(event.user_id)},
      {"wdrbe.request_id", std::string_view(event.request_id)},
      {"wdrbe.share.outcome", outcome},
  }};
  Span span;
  span.trace_id = begun->parent.trace_id;
  span.span_id = begun->span_id;
  span.parent_span_id = begun->parent.parent_id;
  span.name = kShareProcessSpanName;
  span.kind = SpanKind::kConsumer;
  span.start_unix_ns = start_unix_ns_;
  span.end_unix_ns = target_.clock->NowNanos();
  span.attributes = attributes;
  if (outcome == "failed") {
    span.error = true;
    span.status_message = handled != nullptr && handled->error ? std::string_view(*handled->error) : failure;
  }
  target_.spans->Submit(span);
}

}  // namespace wdrbe::tracing
