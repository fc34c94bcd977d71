// The batch span exporter against a collector on loopback: batches reach
// it as OTLP JSON, Flush and Stop deliver what is queued, and a collector
// that is slow, refusing or absent never blocks Submit: spans are dropped
// and counted, the queue stays bounded.
#include "wdrbe/tracing/span_exporter.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "testing/loopback_http_server.hpp"

namespace wdrbe::tracing {
namespace {

using std::chrono::milliseconds;
using wdrbe::testing::CannedResponse;
using wdrbe::testing::LoopbackHttpServer;
using wdrbe::testing::RecordedRequest;

// Submits span-N (the exporter reads the span during the call only).
void SubmitNamed(BatchSpanExporter& exporter, int n) {
  const std::string span_id = "00f067aa0ba9" + std::to_string(1000 + n);
  const std::string name = "span-" + std::to_string(n);
  exporter.Submit(Span{.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                       .span_id = span_id,
                       .name = name,
                       .kind = SpanKind::kServer,
                       .start_unix_ns = 1,
                       .end_unix_ns = 2});
}

SpanExporterOptions To(std::uint16_t port) {
  auto endpoint = aws::ParseEndpointUrl("http://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(endpoint.ok());
  return SpanExporterOptions{.endpoint = *endpoint,
                             .target = "/v1/traces",
                             .service_name = "wdrbe-test",
                             .max_queue = 64,
                             .max_batch = 16,
                             .schedule_delay = milliseconds(60'000),
                             .timeout = milliseconds(2000)};
}

std::vector<std::string> SpanNames(const std::vector<RecordedRequest>& posts) {
  std::vector<std::string> names;
  for (const RecordedRequest& post : posts) {
    const boost::json::value body = boost::json::parse(post.body);
    for (const auto& span : body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array()) {
      names.emplace_back(span.at("name").as_string());
    }
  }
  return names;
}

std::unique_ptr<BatchSpanExporter> MustStart(SpanExporterOptions options) {
  auto exporter = BatchSpanExporter::Start(std::move(options));
  EXPECT_TRUE(exporter.ok()) << exporter.error().message;
  return std::move(*exporter);
}

TEST(BatchSpanExporterTest, FlushPostsTheQueuedSpansAsOtlpJson) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200, {}, "{}"}; });
  auto exporter = MustStart(To(collector.port()));
  for (int i = 0; i < 3; ++i) SubmitNamed(*exporter, i);
  exporter->Flush(milliseconds(5000));

  const auto posts = collector.Requests();
  ASSERT_EQ(posts.size(), 1u) << "one batch";
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].target, "/v1/traces");
  EXPECT_EQ(posts[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(SpanNames(posts), (std::vector<std::string>{"span-0", "span-1", "span-2"}));
  EXPECT_EQ(exporter->exported(), 3u);
}

TEST(BatchSpanExporterTest, AFullBatchIsPostedWithoutWaitingForTheScheduleDelay) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  auto exporter = MustStart(To(collector.port()));
  for (int i = 0; i < 16; ++i) SubmitNamed(*exporter, i);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (exporter->exported() < 16 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(exporter->exported(), 16u) << "the schedule delay is a minute";
}

TEST(BatchSpanExporterTest, StopDeliversWhatIsQueuedAndLaterSpansAreDropped) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  auto exporter = MustStart(To(collector.port()));
  SubmitNamed(*exporter, 1);
  SubmitNamed(*exporter, 2);
  exporter->Stop();
  EXPECT_EQ(SpanNames(collector.Requests()), (std::vector<std::string>{"span-1", "span-2"}));
  SubmitNamed(*exporter, 3);
  EXPECT_EQ(exporter->dropped_queue_full(), 1u);
  exporter->Stop();  // again: nothing happens
}

TEST(BatchSpanExporterTest, ASlowCollectorNeverBlocksSubmitAndTheQueueStaysBounded) {
  LoopbackHttpServer collector(
      [](const RecordedRequest&) { return CannedResponse{.status = 200, .delay = milliseconds(1500)}; });
  SpanExporterOptions options = To(collector.port());
  options.max_queue = 8;
  options.max_batch = 4;
  options.timeout = milliseconds(200);
  auto exporter = MustStart(options);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) SubmitNamed(*exporter, i);
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(500)) << "Submit does not wait";
  exporter->Flush(milliseconds(5000));
  // At most the queue and the batch in flight were kept; the rest dropped.
  EXPECT_GE(exporter->dropped_queue_full(), 1000u - 8 - 4);
  EXPECT_GE(exporter->dropped_export_failed(), 4u) << "batches not answered within the timeout";
  EXPECT_EQ(exporter->exported(), 0u);
  EXPECT_EQ(exporter->dropped_queue_full() + exporter->dropped_export_failed(), 1000u);
}

TEST(BatchSpanExporterTest, AQueueThatWasFullTakesSpansAgainOnceABatchHasLeftIt) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  SpanExporterOptions options = To(collector.port());
  options.max_queue = 4;
  options.max_batch = 4;
  options.schedule_delay = milliseconds(60'000);
  auto exporter = MustStart(options);
  // The first full batch wakes the export thread; whatever arrives while
  // the queue is full is dropped (how many depends on how soon the thread
  // takes the batch).
  for (int i = 0; i < 4; ++i) SubmitNamed(*exporter, i);
  for (int i = 4; i < 40; ++i) SubmitNamed(*exporter, i);
  exporter->Flush(milliseconds(5000));
  const std::uint64_t dropped = exporter->dropped_queue_full();
  const std::uint64_t exported = exporter->exported();
  EXPECT_EQ(dropped + exported, 40u);
  EXPECT_GE(exported, 4u);
  // Drained: a span is taken, not dropped for the queue's former state.
  SubmitNamed(*exporter, 40);
  exporter->Flush(milliseconds(5000));
  EXPECT_EQ(exporter->dropped_queue_full(), dropped);
  EXPECT_EQ(exporter->exported(), exported + 1);
  EXPECT_EQ(SpanNames(collector.Requests()).back(), "span-40");
}

TEST(BatchSpanExporterTest, ARefusingOrAbsentCollectorCountsTheBatchAsFailed) {
  LoopbackHttpServer refusing([](const RecordedRequest&) { return CannedResponse{503}; });
  auto exporter = MustStart(To(refusing.port()));
  SubmitNamed(*exporter, 1);
  exporter->Flush(milliseconds(5000));
  EXPECT_EQ(exporter->dropped_export_failed(), 1u);

  std::uint16_t closed_port = 0;
  {
    LoopbackHttpServer gone([](const RecordedRequest&) { return CannedResponse{200}; });
    closed_port = gone.port();
  }
  auto absent = MustStart(To(closed_port));
  SubmitNamed(*absent, 2);
  absent->Flush(milliseconds(5000));
  EXPECT_EQ(absent->dropped_export_failed(), 1u);
  EXPECT_EQ(absent->exported(), 0u);
}

}  // namespace
}  // namespace wdrbe::tracing
