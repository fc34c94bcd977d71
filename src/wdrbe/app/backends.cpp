#include "wdrbe/app/backends.hpp"

#include "wdrbe/app/embedded_backend.hpp"

namespace wdrbe::app {

Result<Backend> OpenBackend(const ServeConfig& config, const BackendDependencies& deps) {
  return OpenEmbeddedBackend(EmbeddedBackendOptions{.data_dir = config.data_dir,
                                                    .full_durability = config.durability == "full",
                                                    .read_connections = config.read_connections,
                                                    .max_receives = config.max_receives,
                                                    .serve = true},
                             deps);
}

Result<Backend> OpenBackendForAdmin(const std::string& data_dir, const BackendDependencies& deps) {
  return OpenEmbeddedBackend(
      EmbeddedBackendOptions{.data_dir = data_dir, .read_connections = 1, .serve = false}, deps);
}

}  // namespace wdrbe::app
