#include "wdrbe/lambda/worker_function.hpp"

#include <string>
#include <utility>
#include <vector>

#include "wdrbe/lambda/sqs_event.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"
#include "wdrbe/tracing/traced_services.hpp"
#include "wdrbe/worker/share_settlement.hpp"

namespace wdrbe::lambda {
Task<Result<std::string>> WorkerFunction::Invoke(const Invocation& invocation) {
  Result<std::vector<SqsRecord>> records = ParseSqsEvent(invocation.event);
  if (!records.ok()) co_return records.error();
  metrics_.batch_size.Observe(static_cast<double>(records->size()));
  tracing::ShareProcessingSpans spans(tracing_);

  std::vector<std::string> failed;
  std::vector<ShareDelivery> deliveries;
  std::vector<const SqsRecord*> delivered;  // the record of each delivery
  for (const SqsRecord& record : *records) {
    Result<ShareEvent> event = sqs::ParseShareEventBody(record.body, record.traceparent);
    if (!event.ok()) {
      // SQS retries it until maxReceiveCount, then dead-letters it.
      logger_.Log(obs::LogLevel::kError, "SQS record is not a share event; reported as failed",
                  {{"messageId", record.message_id},
                   {"attempt", std::int64_t{record.receive_count}},
                   {"error", event.error().message}});
      failed.push_back(record.message_id);
      continue;
    }
    if (faults_ && faults_->ShouldFail(kFaultWorkerProcess, event->item_id)) {
      logger_.Log(obs::LogLevel::kWarn, "share event failed; reported for retry",
                  {{"messageId", record.message_id},
                   {"eventId", event->event_id},
                   {"error", "injected fault: worker.process"}});
      spans.Begin(*event);
      spans.End(*event, nullptr, "injected fault: worker.process");
      failed.push_back(record.message_id);
      continue;
    }
    ShareDelivery delivery;
    delivery.event = std::move(*event);
    delivery.receipt_handle = record.receipt_handle;
    delivery.receive_count = record.receive_count;
    delivery.first_received_ms = record.first_received_ms;
    deliveries.push_back(std::move(delivery));
    delivered.push_back(&record);
  }

  std::vector<HandledShare> handled;
  // The batch's store calls are children of every sampled event's span.
  for (const ShareDelivery& delivery : deliveries) spans.Begin(delivery.event);
  tracing::TracedShareHandling ports(handler_, nullptr, tracing_, spans.parents());
  if (!deliveries.empty()) {
    Task<std::vector<HandledShare>> handling = ports.handler().Handle(deliveries);
    handled = co_await std::move(handling);
  }
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    const ShareEvent& event = deliveries[i].event;
    const SqsRecord& record = *delivered[i];
    const bool done = i < handled.size() && handled[i].application.has_value();
    const std::string error = i < handled.size() && handled[i].error ? *handled[i].error : "no result";
    if (done) CountSettlement(metrics_, AcknowledgedAs(*handled[i].application));
    spans.End(event, i < handled.size() ? &handled[i] : nullptr, error);
    if (!done) failed.push_back(record.message_id);
    const obs::LogLevel level = done ? obs::LogLevel::kInfo : obs::LogLevel::kWarn;
    if (!logger_.Enabled(level)) continue;
    const auto parent = obs::ParseTraceparent(event.trace_context);
    logger_.Log(level,
                done ? LogLineOf(AcknowledgedAs(*handled[i].application)).message
                     : "share event failed; reported for retry",
                {{"messageId", record.message_id},
                 {"eventId", event.event_id},
                 {"itemId", event.item_id},
                 {"userId", event.user_id},
                 {"requestId", event.request_id},
                 {"traceId", parent ? std::string_view(parent->trace_id) : std::string_view()},
                 {"parentSpanId", parent ? std::string_view(parent->parent_id) : std::string_view()},
                 {"attempt", std::int64_t{record.receive_count}},
                 {"error", done ? std::string_view() : std::string_view(error)}});
  }
  // Poison records, injected faults and failed applications alike.
  metrics_.failed.Inc(failed.size());
  co_return BatchItemFailures(failed);
}

}  // namespace wdrbe::lambda
