// The one place that turns configuration into a backend. A new backend adds
// its Open function and one line here.
#pragma once

#include "wdrbe/app/backend.hpp"
#include "wdrbe/app/config.hpp"

namespace wdrbe::app {

// For `wdrbe serve`.
Result<Backend> OpenBackend(const ServeConfig& config, const BackendDependencies& deps);

// For the operator commands that work beside a running server (`wdrbe
// dlq`): the backend's existing data, nothing created, no lock taken.
Result<Backend> OpenBackendForAdmin(const std::string& data_dir, const BackendDependencies& deps);

}  // namespace wdrbe::app
