// The one place that turns configuration into a backend. A new backend adds
// its Open function and one line here.
#pragma once

#include <string>

#include "wdrbe/app/backend.hpp"
#include "wdrbe/app/config.hpp"

namespace wdrbe::app {

// For `wdrbe serve`.
Result<Backend> OpenBackend(const ServeConfig& config, const BackendDependencies& deps);

// Which backend an operator command works on, and where.
struct BackendChoice {
  std::string backend = kEmbeddedBackend;  // --backend
  std::string data_dir = "./wdrbe-data";   // embedded
  AwsBackendConfig aws{};                  // aws
};

// For the operator commands that work beside running servers (`wdrbe
// dlq`): the backend's existing data, nothing created, no lock taken.
// `choice` must have passed CheckBackendFlags.
Result<Backend> OpenBackendForAdmin(const BackendChoice& choice, const BackendDependencies& deps);

}  // namespace wdrbe::app
