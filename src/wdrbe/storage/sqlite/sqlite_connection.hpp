// A thin RAII layer over one sqlite3 connection with a prepared-statement
// cache. Not thread-safe: each connection is owned by exactly one thread
// (the writer thread, a reader thread of the ReadPool, or one thread that
// reads inline).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wdrbe/base/result.hpp"

namespace wdrbe::sqlite {

// A prepared statement borrowed from a connection's cache. Reset and
// unbound when it goes out of scope, so the next borrower starts clean.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based like SQLite's; returns *this for chaining.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, std::int64_t value);
  Statement& BindOptional(int index, const std::optional<std::string>& text);  // NULL when absent
  Statement& BindNull(int index);

  // One step: kRow (a row is ready), kDone, or an error status.
  enum class StepResult { kRow, kDone };
  Result<StepResult> Step();
  // Steps to the end, for statements without rows, then resets, so the
  // statement can be bound and run again in a loop.
  Status Run();

  std::int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  enum class Durability { kFull, kNormal };

  // Opens (creating if needed in kReadWrite mode) the database at `path`,
  // in WAL mode with the given durability, and a busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Mode mode, Durability durability);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without results (may be several statements).
  Status Exec(std::string_view sql);

  // Runs one statement without results through the statement cache: for
  // short statements on hot paths (SAVEPOINT, RELEASE), where Exec would
  // parse the SQL again every time.
  Status Run(const std::string& sql);

  // A cached prepared statement for `sql` (kept for the connection's life).
  Result<std::unique_ptr<Statement>> Prepare(const std::string& sql);

  // Rows changed by the last statement.
  int Changes() const;

  // The users whose activities the open transaction added, noted by
  // InsertActivity for the writer, which wakes their live streams once the
  // transaction commits (activity_bus.hpp). A note of a savepoint that was
  // rolled back only wakes a stream that then finds nothing new.
  void NoteNewActivity(const std::string& user_id) { new_activity_users_.push_back(user_id); }
  std::vector<std::string> TakeNewActivityNotes() { return std::exchange(new_activity_users_, {}); }

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::vector<std::string> new_activity_users_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Turns an SQLite failure into an Error: busy/locked/full/IO become
// kUnavailable (the client may retry), anything else kInternal.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace wdrbe::sqlite
