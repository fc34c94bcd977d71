// `wdrbe backup DEST`: a consistent online copy of the embedded store of a
// data directory into the new directory DEST (wdrbe.db and cursor.key; no
// cursor.key when the server signs cursors with --cursor-key-file).
// Restoring: stop the server, copy DEST's files into the data directory
// (removing any wdrbe.db-wal and wdrbe.db-shm there), start it.
#pragma once

#include <string>

namespace wdrbe::app {

struct BackupOptions {
  std::string data_dir = "./wdrbe-data";
  std::string destination;
};

// Prints a JSON summary on stdout; returns the exit code (0 done, 1 error).
int RunBackup(const BackupOptions& options);

}  // namespace wdrbe::app
