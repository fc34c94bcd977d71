// Versioned schema migrations for the embedded store, applied in order at
// start. A migration is never edited once released: changes are new entries.
#pragma once

#include "wdrbe/base/result.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// Applies every migration newer than the database's version, each in its
// own transaction. Fails if the database is newer than this binary knows.
Status ApplyMigrations(Connection& connection);
// Only up to `version` (tests of a later migration start from an older
// schema this way).
Status ApplyMigrationsUpTo(Connection& connection, int version);

// The schema version this binary creates.
int LatestSchemaVersion();

}  // namespace wdrbe::sqlite
