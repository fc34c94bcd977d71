// The composition root of `wdrbe serve`: the only place that constructs
// adapters and wires them to ports. Opening does every fallible step
// (secrets, data directory, store, bind); Run only serves.
#pragma once

#include <memory>

#include "wdrbe/app/config.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::app {

class App {
 public:
  static Result<std::unique_ptr<App>> Open(const ServeConfig& config);
  ~App();

  // Serves until SIGTERM or SIGINT, then drains and closes; returns the
  // process exit code (0 after a clean shutdown).
  int Run();

 private:
  struct Parts;
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace wdrbe::app
