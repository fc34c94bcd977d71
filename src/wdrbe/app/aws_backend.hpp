// The AWS backend (`--backend aws`): items, activities and idempotency
// records in one DynamoDB table (storage/dynamodb), share events on an SQS
// queue and its dead-letter queue (queue/sqs), item photos in an S3 bucket
// when --image-bucket names one (storage/s3). Stateless: any number of
// processes may share one table and queue. Region, credentials and
// endpoints come from the AWS variables (aws/aws_clients.hpp).
#pragma once

#include <optional>
#include <string>

#include "wdrbe/app/backend.hpp"
#include "wdrbe/app/config.hpp"

namespace wdrbe::app {

// How long a worker's ReceiveMessage waits for events (SQS long polling):
// an idle worker makes one call per loop every this many seconds, and a
// stopping worker waits at most this long for its receives to return.
inline constexpr int kWorkerReceiveWaitSeconds = 2;

struct AwsBackendOptions {
  AwsBackendConfig aws{};
  int max_receives = 3;  // the queue's redrive policy must say the same
  int receive_wait_seconds = kWorkerReceiveWaitSeconds;
  // Check at open that the table exists with its indexes (serve, worker);
  // the dead-letter commands need only the queues.
  bool check_table = true;
};

// Errors say what to fix: no region or credentials (kBadRequest), the table
// or a queue missing ("run wdrbe aws setup"), an engine that does not
// answer (kUnavailable). The image bucket is not checked here: a missing
// bucket or a denied call fails the photo requests only, and their log
// lines name the bucket and the cause.
Result<Backend> OpenAwsBackend(const AwsBackendOptions& options, const BackendDependencies& deps);

struct AwsSetupOptions {
  std::string table = "WardrobeTable";
  std::string queue_name = "wdrbe-share-events";  // the DLQ is "{queue_name}-dlq"
  int max_receives = 3;
  std::optional<std::string> image_bucket = std::nullopt;  // made when given
};

// `wdrbe aws setup`: creates what is missing (the table with its indexes,
// on-demand billing, TTL, point-in-time recovery where the engine has it;
// the queue and its DLQ with the redrive policy; the image bucket when
// given, private as S3 makes new buckets: public access blocked, SSE-S3)
// and prints {"table", "queueUrl", "deadLetterQueueUrl"[, "imageBucket"]}.
// Safe to run again. Returns the exit code.
int RunAwsSetup(const AwsSetupOptions& options);

}  // namespace wdrbe::app
