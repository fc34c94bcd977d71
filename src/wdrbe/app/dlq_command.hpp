// `wdrbe dlq list | show ID | redrive ID | redrive --all` on the dead
// letters of the configured backend (the embedded store of a data
// directory, or the SQS dead-letter queue); safe beside running servers.
#pragma once

#include <optional>
#include <string>

#include "wdrbe/app/backends.hpp"

namespace wdrbe::app {

struct DlqOptions {
  BackendChoice backend;
  std::string action;  // list | show | redrive
  std::optional<std::string> event_id;
  bool all = false;
};

// Prints JSON on stdout; returns the exit code (1 on errors, 2 on misuse,
// 3 when the named dead letter does not exist).
int RunDlq(const DlqOptions& options);

}  // namespace wdrbe::app
