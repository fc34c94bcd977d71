// The embedded backend: store, share queue and dead letters in one SQLite
// database in the data directory (the default; nothing else to install).
#pragma once

#include <filesystem>
#include <string>

#include "wdrbe/app/backend.hpp"

namespace wdrbe::app {

struct EmbeddedBackendOptions {
  std::filesystem::path data_dir;
  bool full_durability = true;  // synchronous=FULL: a write is answered once on disk
  int read_connections = 0;     // SQLite reader threads; 0: reads run on the awaiting thread
  int max_receives = 3;         // deliveries of a share event before it is dead-lettered
  // Serving: create the directory and database if needed, and hold the
  // directory's serve.lock for the life of the backend (one server per
  // directory). Otherwise (the dlq command, beside a running server) the
  // database must exist and no lock is taken.
  bool serve = true;
};

Result<Backend> OpenEmbeddedBackend(const EmbeddedBackendOptions& options, const BackendDependencies& deps);

// Copies the database of `data_dir` into the directory `destination`,
// consistently, beside a running server (`wdrbe backup`). Returns the pages
// copied.
Result<int> BackupEmbeddedDatabase(const std::filesystem::path& data_dir,
                                   const std::filesystem::path& destination);

}  // namespace wdrbe::app
