#include "wdrbe/storage/sqlite/online_backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "wdrbe/storage/private_files.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

Result<int> BackupDatabase(const std::string& source_path, const std::string& dest_path) {
  if (!std::filesystem::exists(source_path)) return Error::NotFound("no wdrbe database at " + source_path);
  if (std::filesystem::exists(dest_path))
    return Error::BadRequest(dest_path + " already exists; not overwriting it");
  auto source = Connection::Open(source_path, Connection::Mode::kReadOnly, Connection::Durability::kFull);
  if (!source.ok()) return source.error();
  // A copy of the data is as private as the data (its journal follows).
  if (Status s = EnsurePrivateFile(dest_path); !s.ok()) return s.error();
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> dest_owner(dest, &sqlite3_close);
  if (rc != SQLITE_OK) return SqliteError(dest, rc, "cannot create " + dest_path);

  // One step copies every page inside one read transaction of the source,
  // so the copy is a single consistent snapshot even while the server
  // commits; the busy timeout rides out a checkpoint holding a lock.
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", (*source)->handle(), "main");
  if (backup == nullptr) return SqliteError(dest, sqlite3_errcode(dest), "backup");
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const int pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    dest_owner.reset();
    std::filesystem::remove(dest_path);
    return SqliteError(nullptr, rc, "backup");
  }
  // The copy is a plain rollback-journal file: one file to move around.
  if (char* error = nullptr;
      sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, &error) != SQLITE_OK) {
    sqlite3_free(error);
  }
  return pages;
}

}  // namespace wdrbe::sqlite
