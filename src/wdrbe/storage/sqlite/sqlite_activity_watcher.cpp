#include "wdrbe/storage/sqlite/sqlite_activity_watcher.hpp"

#include <atomic>

#include "wdrbe/storage/sqlite/activity_stream_rows.hpp"

namespace wdrbe::sqlite {
namespace {

class SqliteActivitySubscription final : public ActivitySubscription {
 public:
  SqliteActivitySubscription(std::shared_ptr<Database> database, std::string user_id,
                             boost::asio::any_io_executor executor)
      : database_(std::move(database)),
        user_id_(std::move(user_id)),
        wakeup_(Wakeup::On(std::move(executor))),
        listening_(database_->activity_bus(), user_id_, wakeup_) {}

  // Reads where the stream starts; after listening began, so that nothing
  // committed from here on can be missed.
  Task<Status> Start(std::optional<std::string> last_event_id) {
    DbWork<Result<std::int64_t>> work = [user_id = user_id_,
                                         last_event_id = std::move(last_event_id)](Connection& db) {
      return StreamStartAfter(db, user_id, last_event_id);
    };
    Task<Result<std::int64_t>> reading = database_->readers().Submit<Result<std::int64_t>>(std::move(work));
    Result<std::int64_t> start = co_await std::move(reading);
    if (!start.ok()) co_return start.error();
    last_seq_ = *start;
    co_return Status::Ok();
  }

  Task<Result<std::vector<Activity>>> Next(std::chrono::steady_clock::duration at_most) override {
    const auto deadline = std::chrono::steady_clock::now() + at_most;
    for (;;) {
      if (interrupted_.load()) co_return std::vector<Activity>{};
      // Read after every wake-up and every wait: the database, not the
      // signal, says what is new.
      DbWork<Result<std::vector<NumberedActivity>>> work = [user_id = user_id_,
                                                            after = last_seq_](Connection& db) {
        return ActivitiesAfter(db, user_id, after, kMaxActivitiesPerDelivery);
      };
      Task<Result<std::vector<NumberedActivity>>> reading =
          database_->readers().Submit<Result<std::vector<NumberedActivity>>>(std::move(work));
      Result<std::vector<NumberedActivity>> rows = co_await std::move(reading);
      if (!rows.ok()) co_return rows.error();
      if (!rows->empty()) {
        last_seq_ = rows->back().seq;
        std::vector<Activity> activities;
        activities.reserve(rows->size());
        for (NumberedActivity& row : *rows) activities.push_back(std::move(row.activity));
        co_return activities;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) co_return std::vector<Activity>{};
      Task<bool> waiting = wakeup_->Wait(deadline - now);
      co_await std::move(waiting);
    }
  }

  void Interrupt() override {
    interrupted_.store(true);
    wakeup_->Signal();
  }

 private:
  const std::shared_ptr<Database> database_;
  const std::string user_id_;
  const std::shared_ptr<Wakeup> wakeup_;
  ActivityBus::Listening listening_;
  std::int64_t last_seq_ = 0;  // the number of the last activity handed over
  std::atomic<bool> interrupted_{false};
};

}  // namespace

Task<Result<std::unique_ptr<ActivitySubscription>>> SqliteActivityWatcher::Subscribe(
    std::string user_id, std::optional<std::string> last_event_id, boost::asio::any_io_executor executor) {
  auto subscription = std::make_unique<SqliteActivitySubscription>(database_, std::move(user_id), executor);
  Task<Status> starting = subscription->Start(std::move(last_event_id));
  if (Status s = co_await std::move(starting); !s.ok()) co_return s.error();
  co_return std::unique_ptr<ActivitySubscription>(std::move(subscription));
}

}  // namespace wdrbe::sqlite
