// One SQS call with its failure as the service's Error (sqs_errors.hpp), and
// the per-entry answer of SQS's batch calls.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::sqs {

// Calls `operation` (through the clients' retry policy); `queue_url` is the
// queue the request names, for the error's message. Completes on the
// caller's executor.
Task<Result<boost::json::value>> CallSqs(aws::AwsClients& clients, std::string operation,
                                         boost::json::object request, std::string queue_url);

// The queue's attributes named `names` (GetQueueAttributes); absent ones
// are absent from the object.
Task<Result<boost::json::object>> GetQueueAttributes(aws::AwsClients& clients, std::string queue_url,
                                                     boost::json::array names);

struct BatchEntryFailure {
  std::string code;
  std::string message;
  bool sender_fault = false;
};

// Calls a batch operation (DeleteMessageBatch, ChangeMessageVisibilityBatch)
// on `queue_url` for `entries` (each without its "Id"), 10 per call. One
// answer per entry, in order: nullopt when it succeeded, else its failure
// (code "Unanswered" when SQS named it neither way). A failed call fails
// the whole, though earlier calls took effect.
Task<Result<std::vector<std::optional<BatchEntryFailure>>>> CallSqsBatch(
    aws::AwsClients& clients, std::string operation, std::string queue_url,
    std::vector<boost::json::object> entries);

}  // namespace wdrbe::sqs
