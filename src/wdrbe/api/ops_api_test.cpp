// Readiness and the share worker. A process whose worker has stopped still
// answers requests and still accepts shares (they are durably queued), but
// nothing applies them any more: it must leave rotation (503) so that the
// operator hears about it, even though its store and queue answer.
//
// The worker of a running binary cannot be stopped without stopping the
// server, so this drives OpsApi::Readyz directly, over a real store and
// queue and a real ShareWorker that is started, then stopped. The worker's
// state reaches readiness as app.cpp passes it: a function of running().
#include "wdrbe/api/ops_api.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/app/embedded_backend.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/domain/share_event_handler.hpp"
#include "wdrbe/domain/ulid.hpp"
#include "wdrbe/observability/log.hpp"
#include "wdrbe/observability/service_metrics.hpp"
#include "wdrbe/worker/share_worker.hpp"

namespace wdrbe::api {
namespace {

namespace json = boost::json;
using wdrbe::testing::RunTask;

// Bounds a worker that does not stop; it stops in milliseconds.
constexpr auto kStopDeadline = std::chrono::seconds(10);

// A store and a queue over one SQLite file, and what a worker needs besides.
// Everything that depends on the adapters' and OpsApi's constructors is in
// SetUp and Readyz, so that a change of those ports is adapted here alone.
class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = app::OpenEmbeddedBackend(
        app::EmbeddedBackendOptions{.data_dir = dir_.path(), .full_durability = false, .read_connections = 1},
        app::BackendDependencies{clock_, random_, nullptr});
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    backend_ = std::move(*backend);
    handler_ = std::make_unique<ShareEventHandler>(*backend_.store, nullptr, clock_, ids_);
  }

  void TearDown() override {
    if (backend_.close) backend_.close();
  }

  // GET /readyz of an OpsApi over the store and queue, with `worker_state`.
  http::HttpResponse Readyz(std::function<std::string()> worker_state) {
    OpsApi ops(*backend_.store, *backend_.queue, *backend_.dead_letters, std::move(worker_state), metrics_,
               clock_);
    const http::HttpRequest request{http::Verb::get, "/readyz", 11};
    http::RequestContext context(request, "readyz-test", boost::urls::url_view("/readyz"), {});
    return RunTask(ops.Readyz(context));
  }

  std::unique_ptr<ShareWorker> MakeWorker(boost::asio::io_context& io) {
    return std::make_unique<ShareWorker>(io, *backend_.queue, *handler_, random_, nullptr,
                                         ShareWorkerOptions{.concurrency = 1}, metrics_.worker, logger_);
  }

  wdrbe::testing::TempDir dir_;
  SystemClock clock_;
  SecureRandom random_;
  UlidGenerator ids_{clock_, random_};
  obs::ServiceMetrics metrics_;
  obs::Logger logger_{obs::LoggerOptions{.level = obs::LogLevel::kWarn}, clock_};
  app::Backend backend_;
  std::unique_ptr<ShareEventHandler> handler_;
};

// The body's string field `key`; "" when it is absent or not a string.
std::string Field(const http::HttpResponse& response, std::string_view key) {
  boost::system::error_code ec;
  const json::value body = json::parse(response.body(), ec);
  if (ec || !body.is_object()) return "";
  const json::value* field = body.as_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->as_string()) : "";
}

TEST_F(ReadinessTest, AStoppedWorkerMakesTheProcessUnreadyThoughTheStoreAndQueueAnswer) {
  boost::asio::io_context io;
  std::unique_ptr<ShareWorker> worker = MakeWorker(io);
  auto worker_state = [&worker] { return std::string(worker->running() ? "running" : "stopped"); };

  worker->Start();
  // Let its loop poll the empty queue and go idle a few times: a worker
  // that is really running, not one that was merely constructed.
  io.run_for(std::chrono::milliseconds(100));
  const http::HttpResponse running = Readyz(worker_state);
  EXPECT_EQ(running.result(), http::StatusCode::ok) << running.body();
  EXPECT_EQ(Field(running, "status"), "ready") << running.body();
  EXPECT_EQ(Field(running, "worker"), "running") << running.body();

  bool stopped = false;
  worker->Stop([&] {
    stopped = true;
    io.stop();
  });
  io.restart();
  io.run_for(kStopDeadline);
  ASSERT_TRUE(stopped) << "the worker did not stop within " << kStopDeadline.count() << " s";
  ASSERT_FALSE(worker->running());

  const http::HttpResponse unready = Readyz(worker_state);
  EXPECT_EQ(unready.result(), http::StatusCode::service_unavailable) << unready.body();
  EXPECT_EQ(Field(unready, "status"), "unavailable") << unready.body();
  EXPECT_EQ(Field(unready, "worker"), "stopped") << unready.body();
  // The store and queue still answer: the worker is what is down.
  EXPECT_EQ(Field(unready, "store"), "ok") << unready.body();
  EXPECT_EQ(Field(unready, "queue"), "ok") << unready.body();
}

}  // namespace
}  // namespace wdrbe::api
