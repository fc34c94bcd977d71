// Operator access to the embedded dead-letter queue (`wdrbe dlq`). Opens
// the database file itself, so it works beside a running server: SQLite's
// locking (with a busy timeout) orders its writes with the server's.
// Not thread-safe; one command at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

class DeadLetterAdmin {
 public:
  // Fails with kNotFound when there is no database at `path`.
  static Result<std::unique_ptr<DeadLetterAdmin>> Open(const std::string& path);

  // Oldest first.
  Result<std::vector<DeadLetter>> List();
  Result<std::optional<DeadLetter>> Get(const std::string& event_id);
  // Moves the event back to the queue, visible now with a fresh attempt
  // count; kNotFound when it is not a dead letter.
  Status Redrive(const std::string& event_id, std::int64_t now_ms);
  // Redrives every dead letter; returns how many.
  Result<std::int64_t> RedriveAll(std::int64_t now_ms);

 private:
  explicit DeadLetterAdmin(std::unique_ptr<Connection> db) : db_(std::move(db)) {}
  std::unique_ptr<Connection> db_;
};

}  // namespace wdrbe::sqlite
