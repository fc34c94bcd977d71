// `wdrbe dlq list | show ID | redrive ID | redrive --all` on the embedded
// store of a data directory; safe beside a running server.
#pragma once

#include <optional>
#include <string>

namespace wdrbe::app {

struct DlqOptions {
  std::string data_dir = "./wdrbe-data";
  std::string action;  // list | show | redrive
  std::optional<std::string> event_id;
  bool all = false;
};

// Prints JSON on stdout; returns the exit code (1 on errors, 2 on misuse,
// 3 when the named dead letter does not exist).
int RunDlq(const DlqOptions& options);

}  // namespace wdrbe::app
