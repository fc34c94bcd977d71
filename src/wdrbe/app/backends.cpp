#include "wdrbe/app/backends.hpp"

#include "wdrbe/app/aws_backend.hpp"
#include "wdrbe/app/embedded_backend.hpp"

namespace wdrbe::app {

Result<Backend> OpenBackend(const ServeConfig& config, const BackendDependencies& deps) {
  if (config.backend == kAwsBackend) {
    return OpenAwsBackend(AwsBackendOptions{.aws = config.aws,
                                            .max_receives = config.max_receives,
                                            .receive_wait_seconds = kWorkerReceiveWaitSeconds,
                                            .check_table = true},
                          deps);
  }
  return OpenEmbeddedBackend(EmbeddedBackendOptions{.data_dir = config.data_dir,
                                                    .full_durability = config.durability == "full",
                                                    .read_connections = config.read_connections,
                                                    .max_receives = config.max_receives,
                                                    .serve = true},
                             deps);
}

Result<Backend> OpenBackendForAdmin(const BackendChoice& choice, const BackendDependencies& deps) {
  if (choice.backend == kAwsBackend) {
    // The dead-letter commands need the queues only.
    return OpenAwsBackend(
        AwsBackendOptions{
            .aws = choice.aws, .max_receives = 3, .receive_wait_seconds = 0, .check_table = false},
        deps);
  }
  return OpenEmbeddedBackend(
      EmbeddedBackendOptions{.data_dir = choice.data_dir, .read_connections = 0, .serve = false}, deps);
}

}  // namespace wdrbe::app
