// The embedded store's live activity stream: pushed, not polled. A
// subscription listens on the database's ActivityBus, which the writer
// tells of each commit that added activities, and reads what is new by
// each user's commit-order numbers (activity_stream_rows.hpp); so an event
// reaches a stream within a few milliseconds of its commit, in commit
// order, with no gap and no duplicate, resumed exactly after any activity.
#pragma once

#include <memory>

#include "wdrbe/storage/activity_watcher.hpp"
#include "wdrbe/storage/sqlite/database.hpp"

namespace wdrbe::sqlite {

class SqliteActivityWatcher final : public ActivityWatcher {
 public:
  explicit SqliteActivityWatcher(std::shared_ptr<Database> database) : database_(std::move(database)) {}

  Task<Result<std::unique_ptr<ActivitySubscription>>> Subscribe(
      std::string user_id, std::optional<std::string> last_event_id,
      boost::asio::any_io_executor executor) override;

 private:
  std::shared_ptr<Database> database_;
};

}  // namespace wdrbe::sqlite
