// One step of a larger transaction that may fail alone: `body` runs inside
// a savepoint, and when it returns an error what it wrote is rolled back
// while the rest of the transaction goes on (a batch whose members are
// independent). On the writer thread, inside the writer's transaction.
#pragma once

#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

// The body's result; its error means "rolled back". An error of the
// savepoint statements themselves is returned the same way.
template <typename T, typename Body>
Result<T> InSavepoint(Connection& db, Body&& body) {
  if (Status s = db.Run("SAVEPOINT step"); !s.ok()) return s.error();
  Result<T> result = body();
  if (!result.ok()) {
    if (Status s = db.Run("ROLLBACK TO step"); !s.ok()) return s.error();
  }
  if (Status s = db.Run("RELEASE step"); !s.ok()) return s.error();
  return result;
}

}  // namespace wdrbe::sqlite
