// The baseline for durable writes: how many one-row transactions per second
// SQLite itself commits with journal_mode=WAL and synchronous=FULL on this
// disk. wdrbe's group commit is measured against this figure in the same run.
//
// Usage: sqlite_commit_rate DIR [SECONDS]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

bool Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", error != nullptr ? error : "error");
    sqlite3_free(error);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [SECONDS]\n", argv[0]);
    return 2;
  }
  const std::string path = std::string(argv[1]) + "/commit_rate.db";
  const double seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  std::remove(path.c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  if (!Exec(db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")) {
    return 1;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (payload) VALUES (?1)", -1, &insert, nullptr);
  const std::string payload(300, 'x');  // about the size of an item row
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  long commits = 0;
  while (std::chrono::steady_clock::now() < end) {
    Exec(db, "BEGIN");
    sqlite3_bind_text(insert, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    if (!Exec(db, "COMMIT")) return 1;
    ++commits;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sqlite_commits_per_second %.0f\n", static_cast<double>(commits) / elapsed);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::remove(path.c_str());
  return 0;
}
