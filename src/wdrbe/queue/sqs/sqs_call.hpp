// One SQS call with its failure as the service's Error (sqs_errors.hpp), and
// the per-entry answer of SQS's batch calls.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <set>
#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::sqs {

// Calls `operation` (through the clients' retry policy); `queue_url` is the
// queue the request names, for the error's message. Completes on the
// caller's executor.
Task<Result<boost::json::value>> CallSqs(aws::AwsClients& clients, std::string operation,
                                         boost::json::object request, std::string queue_url);

struct BatchEntryFailure {
  std::string code;
  std::string message;
  bool sender_fault = false;
};

// {"Successful":[{"Id":...}], "Failed":[{"Id","Code","Message","SenderFault"}]}
struct BatchAnswer {
  std::set<std::string> successful;
  std::map<std::string, BatchEntryFailure> failed;
};
BatchAnswer ParseBatchAnswer(const boost::json::value& answer);

}  // namespace wdrbe::sqs
