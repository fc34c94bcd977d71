// `wdrbe aws setup` for a table and queue of a test's own, on the local
// engines, and the flags that point a command at them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace wdrbe::testing {

struct SetUpResources {
  std::string table;
  std::string queue_url;
  std::string dead_letter_queue_url;
};

// The engines' environment (AwsLocalEngines::Variables) as a child's extra env.
std::vector<std::pair<std::string, std::string>> EngineEnv();

// Runs `wdrbe aws setup` and reads what it printed; throws when it fails.
SetUpResources MustSetUp(const std::string& table, const std::string& queue_name);

// --backend aws --table T --queue-url Q --dead-letter-queue-url D
std::vector<std::string> BackendArgs(const SetUpResources& resources);

}  // namespace wdrbe::testing
