// How SQS's answers become the service's errors. One place decides, so the
// share queue, its dead letters and the set-up command say the same thing
// for the same failure.
#pragma once

#include <string_view>

#include "wdrbe/aws/json_protocol.hpp"
#include "wdrbe/base/error.hpp"

namespace wdrbe::sqs {

// A queue that does not exist (the legacy code
// "AWS.SimpleQueueService.NonExistentQueue" or the JSON protocol's
// "QueueDoesNotExist").
bool IsMissingQueue(const aws::AwsError& error);

// A receipt handle that no longer names a delivery: "ReceiptHandleIsInvalid",
// "MessageNotInflight" (with or without the legacy prefix), or the
// "InvalidParameterValue" that SQS answers for an expired handle, which
// names the ReceiptHandle parameter.
bool IsLostLease(std::string_view code, std::string_view message);

// kUnavailable "SQS queue URL does not exist: run wdrbe aws setup (URL)" for a
// missing queue; kUnavailable for throttling, 5xx answers and network
// failures; kInternal (a request the service refused: a bug here) otherwise.
// `operation` and `queue_url` name what failed.
Error ToError(const aws::AwsError& error, std::string_view operation, std::string_view queue_url);

}  // namespace wdrbe::sqs
