// How many messages an SQS queue holds, as SQS counts them (approximately):
// visible, in flight and delayed. One GetQueueAttributes call.
#pragma once

#include <cstdint>
#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::sqs {

Task<Result<std::int64_t>> ApproximateDepth(aws::AwsClients& clients, std::string queue_url);

}  // namespace wdrbe::sqs
