// Creating and checking the share queue and its dead-letter queue
// (`wdrbe aws setup`, and the start of `serve`/`worker`).
#pragma once

#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/queue/sqs/sqs_queues.hpp"

namespace wdrbe::sqs {

// How long SQS keeps a dead letter: 14 days, its longest.
inline constexpr int kDeadLetterRetentionSeconds = 14 * 24 * 60 * 60;
// The share queue's default visibility timeout, for consumers that give
// none (a Lambda event source mapping); the worker sets its own per receive.
inline constexpr int kQueueVisibilityTimeoutSeconds = 30;

// Makes `{queue_name}-dlq` (MessageRetentionPeriod 14 days) and
// `queue_name` (VisibilityTimeout 30 s, RedrivePolicy {deadLetterTargetArn:
// the dead-letter queue's ARN, maxReceiveCount: max_receives}) where they
// are missing. Queues that exist are kept as they are, except that the
// share queue's redrive policy is set when it differs. Safe to run again,
// also by two processes at once. kBadRequest for a name SQS would refuse or
// max_receives outside 1-1000; SQS failures as sqs_errors.hpp maps them.
Task<Result<SqsQueues>> EnsureQueues(aws::AwsClients& clients, std::string queue_name, int max_receives);

// Both queues exist (one GetQueueAttributes each); else kUnavailable naming
// the missing one and saying to run `wdrbe aws setup`.
Task<Status> CheckQueues(aws::AwsClients& clients, const SqsQueues& queues);

}  // namespace wdrbe::sqs
