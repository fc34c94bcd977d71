#include "wdrbe/queue/sqs/sqs_share_queue.hpp"

#include <algorithm>
#include <optional>

#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"
#include "wdrbe/queue/sqs/sqs_call.hpp"
#include "wdrbe/queue/sqs/sqs_depth.hpp"
#include "wdrbe/queue/sqs/sqs_errors.hpp"
#include "wdrbe/queue/sqs/sqs_limits.hpp"

namespace wdrbe::sqs {
namespace {

// The lease a delivery being dead-lettered is given first: the check that
// it is still this consumer's, and time enough to copy it to the
// dead-letter queue before anyone else could receive it.
constexpr int kDeadLetteringLeaseSeconds = 30;

// The error of a batch entry that failed for another reason than a lost lease.
Error EntryError(std::string_view operation, const BatchEntryFailure& failure) {
  std::string what = "SQS " + std::string(operation) + " failed for an entry: " + failure.code;
  if (!failure.message.empty()) what += ": " + failure.message;
  return failure.sender_fault ? Error::Internal(std::move(what)) : Error::Unavailable(std::move(what));
}

}  // namespace

Task<Status> SqsShareQueue::Send(ShareEvent event, std::int64_t delay_ms) {
  const Result<int> delay = DelaySecondsFor(delay_ms);
  if (!delay.ok()) co_return delay.error();
  boost::json::object request{
      {"QueueUrl", queues_.queue_url}, {"MessageBody", ShareEventBody(event)}, {"DelaySeconds", *delay}};
  if (!event.trace_context.empty()) {
    request["MessageAttributes"] =
        boost::json::object{{kTraceparentAttribute, StringAttribute(event.trace_context)}};
    // The same trace as X-Ray's own header: Lambda's SQS event source
    // mapping starts the worker invocation's segment in this trace, so
    // X-Ray links API, queue and worker without reading our attribute.
    if (const auto traceparent = obs::ParseTraceparent(event.trace_context)) {
      request["MessageSystemAttributes"] =
          boost::json::object{{"AWSTraceHeader", StringAttribute(obs::AmznTraceIdOf(*traceparent))}};
    }
  }
  Task<Result<boost::json::value>> call =
      CallSqs(clients_, "SendMessage", std::move(request), queues_.queue_url);
  const Result<boost::json::value> sent = co_await std::move(call);
  co_return sent.status();
}

Task<Result<std::vector<ShareDelivery>>> SqsShareQueue::Receive(int max, std::int64_t visibility_ms) {
  boost::json::object request{
      {"QueueUrl", queues_.queue_url},
      {"MaxNumberOfMessages", std::clamp(max, 1, kMaxReceiveBatch)},
      {"VisibilityTimeout", VisibilitySecondsFor(visibility_ms)},
      {"WaitTimeSeconds", std::clamp(options_.wait_time_seconds, 0, kMaxWaitTimeSeconds)},
      {"MessageSystemAttributeNames", ReceivedSystemAttributes()},
      {"MessageAttributeNames", boost::json::array{"All"}}};
  Task<Result<boost::json::value>> call =
      CallSqs(clients_, "ReceiveMessage", std::move(request), queues_.queue_url);
  const Result<boost::json::value> answer = co_await std::move(call);
  if (!answer.ok()) co_return answer.error();

  std::vector<ShareDelivery> deliveries;
  for (const ReceivedMessage& message : ParseReceivedMessages(*answer)) {
    std::string trace_context = message.Attribute(kTraceparentAttribute).value_or("");
    Result<ShareEvent> event = ParseShareEventBody(message.body, trace_context);
    if (!event.ok()) {
      // A message from outside that no worker could ever process: out of
      // the way at once, so it neither wedges a batch nor comes back.
      Task<void> moved = DeadLetterMalformed(message, event.error().message);
      co_await std::move(moved);
      continue;
    }
    ShareDelivery delivery;
    delivery.event = std::move(*event);
    delivery.receive_count = message.receive_count;
    delivery.first_received_ms = message.first_received_ms;
    delivery.receipt_handle = EncodeDeliveryHandle(
        DeliveryHandle{message.receipt_handle, message.receive_count, message.first_received_ms, message.body,
                       std::move(trace_context), message.Attribute(kHistoryAttribute).value_or("")});
    deliveries.push_back(std::move(delivery));
  }
  co_return deliveries;
}

Task<Result<std::vector<AckResult>>> SqsShareQueue::Delete(std::vector<std::string> receipt_handles) {
  std::vector<AckResult> results(receipt_handles.size(), AckResult::kLeaseLost);
  std::vector<std::size_t> indices;  // of the handles this queue made
  std::vector<boost::json::object> entries;
  for (std::size_t i = 0; i < receipt_handles.size(); ++i) {
    std::optional<DeliveryHandle> handle = DecodeDeliveryHandle(receipt_handles[i]);
    if (!handle) continue;
    indices.push_back(i);
    entries.push_back(boost::json::object{{"ReceiptHandle", std::move(handle->sqs_receipt_handle)}});
  }
  Task<Result<std::vector<std::optional<BatchEntryFailure>>>> call =
      CallSqsBatch(clients_, "DeleteMessageBatch", queues_.queue_url, std::move(entries));
  const Result<std::vector<std::optional<BatchEntryFailure>>> answers = co_await std::move(call);
  if (!answers.ok()) co_return answers.error();
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const std::optional<BatchEntryFailure>& failure = (*answers)[k];
    if (!failure) {
      results[indices[k]] = AckResult::kDeleted;
    } else if (!IsLostLease(failure->code, failure->message)) {
      co_return EntryError("DeleteMessageBatch", *failure);
    }
  }
  co_return results;
}

Task<Result<std::vector<RetryResult>>> SqsShareQueue::Retry(std::vector<FailedDelivery> failures) {
  std::vector<RetryResult> results(failures.size(), RetryResult::kLeaseLost);
  std::vector<std::size_t> indices;  // of the failures whose handle this queue made
  std::vector<DeliveryHandle> handles;
  std::vector<VisibilityChange> changes;
  for (std::size_t i = 0; i < failures.size(); ++i) {
    std::optional<DeliveryHandle> handle = DecodeDeliveryHandle(failures[i].receipt_handle);
    if (!handle) continue;
    const bool last = handle->receive_count >= options_.max_receives;
    changes.push_back(VisibilityChange{
        handle->sqs_receipt_handle,
        last ? kDeadLetteringLeaseSeconds : VisibilitySecondsFor(failures[i].retry_delay_ms)});
    indices.push_back(i);
    handles.push_back(std::move(*handle));
  }
  Task<Result<std::vector<bool>>> change = ChangeVisibility(changes);
  const Result<std::vector<bool>> changed = co_await std::move(change);
  if (!changed.ok()) co_return changed.error();

  for (std::size_t k = 0; k < handles.size(); ++k) {
    if (!(*changed)[k]) continue;  // kLeaseLost
    const DeliveryHandle& handle = handles[k];
    if (handle.receive_count < options_.max_receives) {
      results[indices[k]] = RetryResult::kRetryScheduled;
      continue;
    }
    const std::int64_t now = clock_.NowMillis();
    DeadLettering dead_lettering;
    dead_lettering.error = CleanErrorText(failures[indices[k]].error);
    dead_lettering.attempts = handle.receive_count;
    dead_lettering.first_received_ms = handle.first_received_ms;
    dead_lettering.dead_lettered_ms = now;
    dead_lettering.history_json = AppendFailure(handle.history_json, now, dead_lettering.error);
    dead_lettering.trace_context = handle.trace_context;
    Task<Status> move = MoveToDeadLetters(handle.body, handle.sqs_receipt_handle, dead_lettering);
    const Status moved = co_await std::move(move);
    if (!moved.ok()) co_return moved.error();
    results[indices[k]] = RetryResult::kDeadLettered;
  }
  co_return results;
}

Task<Status> SqsShareQueue::Release(std::vector<std::string> receipt_handles) {
  std::vector<VisibilityChange> changes;
  for (const auto& text : receipt_handles) {
    std::optional<DeliveryHandle> handle = DecodeDeliveryHandle(text);
    if (handle) changes.push_back(VisibilityChange{std::move(handle->sqs_receipt_handle), 0});
  }
  Task<Result<std::vector<bool>>> change = ChangeVisibility(changes);
  const Result<std::vector<bool>> changed = co_await std::move(change);
  co_return changed.status();  // a lost lease is no one's to release
}

Task<Result<std::int64_t>> SqsShareQueue::Depth() {
  Task<Result<std::int64_t>> depth = ApproximateDepth(clients_, queues_.queue_url);
  co_return co_await std::move(depth);
}

Task<Result<std::vector<bool>>> SqsShareQueue::ChangeVisibility(std::vector<VisibilityChange> changes) {
  std::vector<boost::json::object> entries;
  for (auto& change : changes) {
    entries.push_back(boost::json::object{{"ReceiptHandle", std::move(change.sqs_receipt_handle)},
                                          {"VisibilityTimeout", change.visibility_seconds}});
  }
  Task<Result<std::vector<std::optional<BatchEntryFailure>>>> call =
      CallSqsBatch(clients_, "ChangeMessageVisibilityBatch", queues_.queue_url, std::move(entries));
  const Result<std::vector<std::optional<BatchEntryFailure>>> answers = co_await std::move(call);
  if (!answers.ok()) co_return answers.error();
  std::vector<bool> changed;
  for (const auto& failure : *answers) {
    if (failure && !IsLostLease(failure->code, failure->message)) {
      co_return EntryError("ChangeMessageVisibilityBatch", *failure);
    }
    changed.push_back(!failure);
  }
  co_return changed;
}

Task<Status> SqsShareQueue::MoveToDeadLetters(std::string body, std::string sqs_receipt_handle,
                                              DeadLettering dead_lettering) {
  // Copy first, then delete: a failure between the two leaves the event in
  // both queues, never in neither (the store applies it once either way).
  Task<Result<boost::json::value>> send =
      CallSqs(clients_, "SendMessage",
              boost::json::object{{"QueueUrl", queues_.dead_letter_queue_url},
                                  {"MessageBody", body},
                                  {"MessageAttributes", DeadLetterAttributes(dead_lettering)}},
              queues_.dead_letter_queue_url);
  const Result<boost::json::value> sent = co_await std::move(send);
  if (!sent.ok()) co_return sent.error();
  Task<Result<boost::json::value>> remove =
      CallSqs(clients_, "DeleteMessage",
              boost::json::object{{"QueueUrl", queues_.queue_url}, {"ReceiptHandle", sqs_receipt_handle}},
              queues_.queue_url);
  const Result<boost::json::value> removed = co_await std::move(remove);
  co_return removed.status();
}

Task<void> SqsShareQueue::DeadLetterMalformed(const ReceivedMessage& message, const std::string& why) {
  const std::int64_t now = clock_.NowMillis();
  DeadLettering dead_lettering;
  dead_lettering.error = CleanErrorText("the message body is not a share event: " + why);
  dead_lettering.attempts = message.receive_count;
  dead_lettering.first_received_ms = message.first_received_ms;
  dead_lettering.dead_lettered_ms = now;
  dead_lettering.history_json =
      AppendFailure(message.Attribute(kHistoryAttribute).value_or(""), now, dead_lettering.error);
  dead_lettering.trace_context = message.Attribute(kTraceparentAttribute).value_or("");
  dead_lettering.source_message_id = message.message_id;
  Task<Status> move = MoveToDeadLetters(message.body, message.receipt_handle, dead_lettering);
  // When the move fails the message's lease ends, and it is tried again on
  // a later receive (or moved by the redrive policy).
  (void)co_await std::move(move);
}

}  // namespace wdrbe::sqs
