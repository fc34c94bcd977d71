// A consistent copy of a live embedded database (SQLite's online backup
// API), safe while `wdrbe serve` keeps writing: the copy is one snapshot,
// taken through a read transaction on the WAL database.
#pragma once

#include <string>

#include "wdrbe/base/result.hpp"

namespace wdrbe::sqlite {

// Copies the database at `source_path` into a new file `dest_path` (which
// must not exist). Returns the number of pages copied.
Result<int> BackupDatabase(const std::string& source_path, const std::string& dest_path);

}  // namespace wdrbe::sqlite
