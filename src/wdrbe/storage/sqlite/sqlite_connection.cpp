#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

#include <string>

#include "wdrbe/storage/private_files.hpp"

namespace wdrbe::sqlite {
namespace {

// How long a connection waits for a lock held by another process (for
// example `wdrbe backup` or `wdrbe dlq` next to a running server).
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Error::Unavailable(std::move(message));
    default:
      return Error::Internal(std::move(message));
  }
}

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::BindOptional(int index, const std::optional<std::string>& text) {
  if (text) return Bind(index, std::string_view(*text));
  return BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<Statement::StepResult> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return StepResult::kRow;
  if (rc == SQLITE_DONE) return StepResult::kDone;
  return SqliteError(sqlite3_db_handle(stmt_), rc, "step");
}

Status Statement::Run() {
  Status status;
  for (;;) {
    auto step = Step();
    if (!step.ok()) {
      status = step.error();
      break;
    }
    if (*step == StepResult::kDone) break;
  }
  // Ready to be bound and run again: binding a statement that was not reset
  // fails (SQLITE_MISUSE), and the next run would reuse the old values.
  sqlite3_reset(stmt_);
  return status;
}

std::int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return ColumnText(column);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Mode mode,
                                                     Durability durability) {
  if (mode == Mode::kReadWrite) {
    // SQLite would create the file 0644 less the umask, and its -wal and
    // -shm files after it; made 0600 first, all three are private.
    if (Status s = EnsurePrivateFile(path); !s.ok()) return s.error();
  }
  sqlite3* db = nullptr;
  const int flags =
      (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, "cannot open database " + path);
    sqlite3_close(db);
    return error;
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (mode == Mode::kReadWrite) {
    pragmas += "PRAGMA journal_mode=WAL;";
    pragmas += durability == Durability::kFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  }
  if (Status s = connection->Exec(pragmas); !s.ok()) return s.error();
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
  return Status::Ok();
}

Status Connection::Run(const std::string& sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  return (*stmt)->Run();
}

Result<std::unique_ptr<Statement>> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    it = cache_.emplace(sql, stmt).first;
  }
  return std::make_unique<Statement>(it->second);
}

int Connection::Changes() const { return sqlite3_changes(db_); }

}  // namespace wdrbe::sqlite
