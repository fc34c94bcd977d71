// What the DynamoDB engine tests share: the AWS clients of the test binary
// (one per binary, on the local engines) and fresh tables with the store's
// layout.
#pragma once

#include <memory>
#include <string>

#include "wdrbe/aws/aws_clients.hpp"

namespace wdrbe::dynamodb::testing {

// The binary's clients on the local engines, made on first use.
aws::AwsClients& EngineClients();

// Clients of their own, as another process on the same table would have.
std::unique_ptr<aws::AwsClients> NewEngineClients();

// A table of the store's layout under a name no other test uses.
std::string NewTable(const std::string& prefix = "items");

}  // namespace wdrbe::dynamodb::testing
