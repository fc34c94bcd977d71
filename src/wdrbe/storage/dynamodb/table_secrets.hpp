// Secrets that every process on one table must share, kept in the table
// (the cursor key: a cursor made by one server is accepted by every other).
#pragma once

#include <cstddef>
#include <string>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::dynamodb {

// The secret `name` of `table` (its raw bytes): the stored one, or else
// `bytes` fresh bytes from `random`, stored only if no other process stored
// one first (a racing process's secret wins and is returned). Errors:
// those of the store (dynamodb_errors.hpp); kInternal for a stored secret
// that cannot be read.
Task<Result<std::string>> LoadOrCreateSecret(aws::AwsClients& clients, std::string table, std::string name,
                                             RandomSource& random, std::size_t bytes = 32);

}  // namespace wdrbe::dynamodb
