// A unit of database work handed from a coroutine to a database thread, and
// the awaitable that hands it over. The job runs on the database thread; its
// result is posted back to the awaiting coroutine's executor, so network
// threads never block on SQLite.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/storage/sqlite/sqlite_connection.hpp"

namespace wdrbe::sqlite {

class DbJob {
 public:
  virtual ~DbJob() = default;
  // Runs the work on `connection`; returns its error, if it failed (a
  // writer rolls a failed job's savepoint back).
  virtual Status Run(Connection& connection) = 0;
  // Delivers the result. `commit` is the fate of the enclosing transaction:
  // when it failed, a successful job's result is replaced by that error.
  virtual void Complete(const Status& commit) = 0;
  // Delivers `error` whatever the work returned: its transaction was
  // abandoned, so nothing the work saw or decided stands.
  virtual void Abort(const Error& error) = 0;
};

// The work of a job; R is Status or Result<T>.
template <typename R>
using DbWork = std::function<R(Connection&)>;

template <typename R, typename Handler>
class TypedDbJob final : public DbJob {
 public:
  TypedDbJob(DbWork<R> work, Handler handler)
      : work_(std::move(work)),
        handler_(std::move(handler)),
        work_guard_(boost::asio::get_associated_executor(handler_)) {}

  Status Run(Connection& connection) override {
    result_.emplace(work_(connection));
    return result_->ok() ? Status::Ok() : Status(result_->error());
  }

  void Abort(const Error& error) override {
    result_.emplace(error);
    Complete(Status(error));
  }

  void Complete(const Status& commit) override {
    // A job that never ran: its transaction failed first, or the store stopped.
    if (!result_)
      result_.emplace(commit.ok() ? Error::Unavailable("the store is shutting down") : commit.error());
    if (!commit.ok() && result_->ok()) result_.emplace(commit.error());
    auto executor = work_guard_.get_executor();
    boost::asio::post(executor, [handler = std::move(handler_), result = std::move(*result_)]() mutable {
      std::move(handler)(std::move(result));
    });
    work_guard_.reset();
  }

 private:
  DbWork<R> work_;
  Handler handler_;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work_guard_;
  std::optional<R> result_;
};

// Wraps `work` in a job, gives it to `enqueue`, and awaits its result.
// Both are captured by value: the awaitable starts only when awaited.
//
// Callers return this Task directly rather than co_await it inside a
// coroutine of their own: GCC 12 destroys a lambda-to-std::function
// temporary twice when it appears in a co_await operand.
template <typename R, typename Enqueue>
Task<R> AwaitDbJob(Enqueue&& enqueue, DbWork<R> work) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
      [enqueue = std::forward<Enqueue>(enqueue), work = std::move(work)](auto handler) mutable {
        enqueue(std::unique_ptr<DbJob>(
            new TypedDbJob<R, decltype(handler)>(std::move(work), std::move(handler))));
      },
      boost::asio::use_awaitable);
}

}  // namespace wdrbe::sqlite
