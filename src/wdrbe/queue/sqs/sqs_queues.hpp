// The two SQS queues of the AWS backend, by the URLs SQS answered for them
// (CreateQueue / GetQueueUrl). Pass them exactly so: some engines look a
// queue up by the exact string.
#pragma once

#include <string>

namespace wdrbe::sqs {

struct SqsQueues {
  std::string queue_url;              // the share events (a standard queue)
  std::string dead_letter_queue_url;  // its dead-letter queue (the redrive policy's target)
  friend bool operator==(const SqsQueues&, const SqsQueues&) = default;
};

}  // namespace wdrbe::sqs
