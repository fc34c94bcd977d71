#include "wdrbe/storage/sqlite/migrations.hpp"

#include <array>
#include <string>

#include "wdrbe/storage/sqlite/search_rows.hpp"

namespace wdrbe::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
  // Run after `sql`, in the same transaction: for what SQL cannot compute.
  Status (*fill)(Connection&) = nullptr;
};

// Every list the API offers is one range scan on one of these indexes:
// items by user (optionally by season, category or both) newest first,
// and activities by user newest first.
constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE items (
  item_id       TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL,
  name          TEXT NOT NULL,
  category      TEXT NOT NULL,
  season        TEXT,
  color         TEXT,
  brand         TEXT,
  purchase_date TEXT,
  image_url     TEXT,
  shared_count  INTEGER NOT NULL DEFAULT 0,
  is_public     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX items_by_user ON items (user_id, created_at, item_id);
CREATE INDEX items_by_user_category ON items (user_id, category, created_at, item_id);
CREATE INDEX items_by_user_season ON items (user_id, season, created_at, item_id);
CREATE INDEX items_by_user_season_category ON items (user_id, season, category, created_at, item_id);

CREATE TABLE activities (
  activity_id   TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  item_name     TEXT NOT NULL,
  ts            INTEGER NOT NULL,
  metadata      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX activities_by_user ON activities (user_id, ts, activity_id);

CREATE TABLE idempotency_keys (
  user_id     TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
)sql"},
    // The share queue lives beside the items so that enqueueing commits
    // with the share request, and applying commits with the acknowledgement.
    Migration{2, R"sql(
CREATE TABLE share_queue (
  event_id        TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  item_id         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  request_id      TEXT NOT NULL,
  trace_context   TEXT NOT NULL,
  visible_at      INTEGER NOT NULL,
  receive_count   INTEGER NOT NULL DEFAULT 0,
  lease_id        TEXT,
  first_seen      INTEGER,
  last_tried      INTEGER,
  last_error      TEXT,
  history         TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
CREATE INDEX share_queue_by_visibility ON share_queue (visible_at, event_id);

CREATE TABLE share_dead_letters (
  event_id        TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  item_id         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  request_id      TEXT NOT NULL,
  trace_context   TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  last_error      TEXT NOT NULL,
  first_seen      INTEGER NOT NULL,
  last_tried      INTEGER NOT NULL,
  dead_lettered_at INTEGER NOT NULL,
  history         TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE applied_share_events (
  event_id   TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE share_idempotency_keys (
  user_id    TEXT NOT NULL,
  idem_key   TEXT NOT NULL,
  item_id    TEXT NOT NULL,
  event_id   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX share_idempotency_keys_by_age ON share_idempotency_keys (created_at);
)sql"},
    // One idempotency model for creates and shares (domain/idempotency): the
    // two key tables become one, keyed by operation too. A share's record is
    // completed once its event is on the queue; records carried over were.
    Migration{3, R"sql(
CREATE TABLE idempotency_records (
  user_id     TEXT NOT NULL,
  operation   TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  outcome_id  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  completed   INTEGER NOT NULL,
  PRIMARY KEY (user_id, operation, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);
INSERT INTO idempotency_records
  SELECT user_id, 'create', idem_key, fingerprint, item_id, created_at, 1 FROM idempotency_keys;
INSERT INTO idempotency_records
  SELECT user_id, 'share', idem_key, item_id, event_id, created_at, 1 FROM share_idempotency_keys;
DROP TABLE idempotency_keys;
DROP TABLE share_idempotency_keys;
)sql"},
    // Applied-share markers expire (idempotency_rows.hpp,
    // kAppliedShareRetentionMs): the sweep walks them oldest first.
    Migration{4, R"sql(
CREATE INDEX applied_share_events_by_age ON applied_share_events (applied_at);
)sql"},
    // Item search (search_rows.hpp): a doc per item in creation order, and
    // the FTS5 index of the items' search words, built for the items
    // already there (their words come from C++: SearchWordsOf).
    Migration{5, R"sql(
CREATE TABLE item_search_docs (
  item_id TEXT PRIMARY KEY,
  doc     INTEGER NOT NULL UNIQUE
) WITHOUT ROWID;
CREATE VIRTUAL TABLE item_search USING fts5(
  item_id UNINDEXED, name, other, filters,
  tokenize = 'ascii', detail = 'column', prefix = '17 18 19 20 21 22'
);
)sql",
              &IndexEveryItemForSearch},
    // The live activity stream (activity_stream_rows.hpp): each user's
    // activities numbered in commit order, so that a stream resumes after
    // an activity with no gap and no duplicate. Existing ones are numbered
    // in the feed's order.
    Migration{6, R"sql(
ALTER TABLE activities ADD COLUMN seq INTEGER;
UPDATE activities SET seq = numbered.n FROM (
  SELECT activity_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts, activity_id) AS n FROM activities
) AS numbered WHERE numbered.activity_id = activities.activity_id;
CREATE UNIQUE INDEX activities_by_user_seq ON activities (user_id, seq);
)sql"},
};

Result<int> CurrentVersion(Connection& connection) {
  if (Status s = connection.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                 "applied_at INTEGER NOT NULL)");
      !s.ok()) {
    return s.error();
  }
  auto stmt = connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt.ok()) return stmt.error();
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  return static_cast<int>((*stmt)->ColumnInt(0));
}

}  // namespace

int LatestSchemaVersion() { return kMigrations.back().version; }

Status ApplyMigrations(Connection& connection) {
  return ApplyMigrationsUpTo(connection, LatestSchemaVersion());
}

Status ApplyMigrationsUpTo(Connection& connection, int version) {
  auto current = CurrentVersion(connection);
  if (!current.ok()) return current.error();
  if (*current > LatestSchemaVersion()) {
    return Error::Internal("database schema version " + std::to_string(*current) +
                           " is newer than this binary supports (" + std::to_string(LatestSchemaVersion()) +
                           ")");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current || migration.version > version) continue;
    std::string sql = "BEGIN IMMEDIATE;";
    sql += migration.sql;
    Status applied = connection.Exec(sql);
    if (applied.ok() && migration.fill != nullptr) applied = migration.fill(connection);
    if (applied.ok()) {
      applied = connection.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                std::to_string(migration.version) +
                                ", CAST(strftime('%s','now') AS INTEGER) * 1000);COMMIT;");
    }
    if (!applied.ok()) {
      (void)connection.Exec("ROLLBACK");
      return applied.error();
    }
  }
  return Status::Ok();
}

}  // namespace wdrbe::sqlite
