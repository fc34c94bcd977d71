// The ShareQueue on an SQS standard queue and its dead-letter queue.
//
// Calls (one each unless said): Send: SendMessage. Receive: ReceiveMessage
// (plus, per message whose body is no share event, SendMessage to the
// dead-letter queue and DeleteMessage). Delete: DeleteMessageBatch per 10
// handles. Retry: ChangeMessageVisibilityBatch per 10 failures, plus for
// each one dead-lettered SendMessage to the dead-letter queue and
// DeleteMessage. Release: ChangeMessageVisibilityBatch per 10. Depth:
// GetQueueAttributes.
//
// What SQS gives differently from the port's strongest promises (the
// capabilities that say so are false):
// - Stale handles: SQS accepts a DeleteMessage with a handle whose delivery
//   is over (it "succeeds"; the message may still be deleted or not). Delete
//   answers kDeleted whenever SQS accepted the handle and kLeaseLost only
//   when SQS calls it invalid, or when the handle is not one this queue
//   made (delivery_handle.hpp) — so a handle cut, altered or made up is
//   always kLeaseLost. Retry and Release change visibility, for which SQS
//   does refuse a handle whose lease ended.
// - Release: the message is visible at once (ChangeMessageVisibility 0), but
//   SQS cannot take back a receive: the released delivery still counts
//   against maxReceiveCount, and the next one has the next receive count.
// - History: a failed delivery is retried by changing its visibility, which
//   cannot change the message, so a dead letter's history holds the
//   failure that dead-lettered it (and those carried from before a
//   redrive), not every retried one.
// - A Send of an event id that is still queued is a second message (a
//   standard queue has no deduplication); the store applies it once.
// - Depth is SQS's approximate count; leases and delays follow SQS's clock,
//   in whole seconds (rounded up).
// - Order: SQS standard queues order best-effort; each batch is sorted by
//   SentTimestamp.
//
// Dead-lettering: the failure of the max_receives-th delivery moves the
// event to the dead-letter queue explicitly (with its last error, attempts
// and times as message attributes: dead_letter_message.hpp), so the dead
// letter says why. The queue's redrive policy (maxReceiveCount =
// max_receives, set by EnsureQueues) is the safety net for a delivery whose
// worker died on its last attempt: SQS moves it on the next receive.
//
// Receipt handles carry what Retry needs (delivery_handle.hpp); nothing is
// kept per delivery, so every method is thread-safe and any process may
// settle a delivery. Errors: kUnavailable for throttling, 5xx, network
// failures and a missing queue ("run wdrbe aws setup"); kBadRequest for a
// delay SQS cannot give; kInternal for a request SQS refused.
#pragma once

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/queue/share_queue.hpp"
#include "wdrbe/queue/sqs/dead_letter_message.hpp"
#include "wdrbe/queue/sqs/delivery_handle.hpp"
#include "wdrbe/queue/sqs/sqs_message.hpp"
#include "wdrbe/queue/sqs/sqs_queues.hpp"

namespace wdrbe::sqs {

struct SqsQueueOptions {
  // Deliveries before dead-lettering: the queue's RedrivePolicy
  // maxReceiveCount must be the same (EnsureQueues makes it so). 1-1000.
  int max_receives = 3;
  // ReceiveMessage long polling, 0-20 s: an empty queue answers after this
  // long, a message as soon as it is there. Keep it below the AWS clients'
  // request deadline (10 s by default). 0: an empty Receive is immediate.
  int wait_time_seconds = 0;
};

class SqsShareQueue final : public ShareQueue {
 public:
  // `clients` and `clock` (the times a dead letter records) must outlive
  // the queue.
  SqsShareQueue(aws::AwsClients& clients, SqsQueues queues, SqsQueueOptions options, const Clock& clock)
      : clients_(clients), queues_(std::move(queues)), options_(options), clock_(clock) {}

  QueueCapabilities capabilities() const override { return {}; }
  // DelaySeconds is the delay rounded up to whole seconds; over 900 s:
  // kBadRequest. Succeeds only once SQS has the message.
  Task<Status> Send(ShareEvent event, std::int64_t delay_ms = 0) override;
  // VisibilityTimeout is visibility_ms rounded up (at most 12 hours). A
  // message whose body is no share event is dead-lettered with the reason
  // and not returned.
  Task<Result<std::vector<ShareDelivery>>> Receive(int max, std::int64_t visibility_ms) override;
  Task<Result<std::vector<AckResult>>> Delete(std::vector<std::string> receipt_handles) override;
  // Retry delays are rounded up to whole seconds (at most 12 hours).
  Task<Result<std::vector<RetryResult>>> Retry(std::vector<FailedDelivery> failures) override;
  Task<Status> Release(std::vector<std::string> receipt_handles) override;
  // ApproximateNumberOfMessages + ...NotVisible + ...Delayed.
  Task<Result<std::int64_t>> Depth() override;

 private:
  struct VisibilityChange {
    std::string sqs_receipt_handle;
    int visibility_seconds = 0;
  };
  // One answer per change: true when changed, false when SQS says the
  // lease is lost.
  Task<Result<std::vector<bool>>> ChangeVisibility(std::vector<VisibilityChange> changes);
  // SendMessage of `body` to the dead-letter queue, then DeleteMessage of
  // the delivery from the share queue.
  Task<Status> MoveToDeadLetters(std::string body, std::string sqs_receipt_handle,
                                 DeadLettering dead_lettering);
  Task<void> DeadLetterMalformed(const ReceivedMessage& message, const std::string& why);

  aws::AwsClients& clients_;
  const SqsQueues queues_;
  const SqsQueueOptions options_;
  const Clock& clock_;
};

}  // namespace wdrbe::sqs
