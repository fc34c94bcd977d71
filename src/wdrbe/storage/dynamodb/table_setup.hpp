// Creating and checking the store's table (`wdrbe aws setup`, and the
// readiness check of a server at start).
#pragma once

#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::dynamodb {

// Creates `table` if it is missing: on-demand billing, the GSIs of
// table_layout.hpp (projection ALL), a stream of new and old images; waits
// until it and its indexes are ACTIVE; then enables TTL on ExpiresAt and
// point-in-time recovery (where the engine has it: DynamoDB Local does not,
// which is no error). True when it created the table. An existing table
// must have every index (kUnavailable naming the missing one, since the
// store cannot work on it); its TTL and recovery are enabled if they are
// not. Safe to run again, and from several processes at once.
Task<Result<bool>> EnsureTable(aws::AwsClients& clients, std::string table);

// DescribeTable: the table exists, is ACTIVE, and has every index.
// kUnavailable otherwise, saying to run `wdrbe aws setup`.
Task<Status> CheckTable(aws::AwsClients& clients, std::string table);

}  // namespace wdrbe::dynamodb
