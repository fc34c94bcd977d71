// Spans on the real binary, exported over OTLP/HTTP to a collector of the
// test's own on loopback: a create's server span is the one its response's
// traceparent names; a share's queueing is a producer span under the share
// request's, and the worker's span is its child; every store and queue call
// is a client span of the request or event it serves; a sampler can turn recording
// off; and a collector that does not answer never delays or fails a
// request, its spans dropped and counted.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "testing/aws_test_backend.hpp"
#include "testing/http_client.hpp"
#include "testing/lambda_harness.hpp"
#include "testing/loopback_http_server.hpp"
#include "testing/metric_samples.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// A span as the collector received it.
struct ReceivedSpan {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  std::int64_t kind = 0;
  std::map<std::string, std::string> attributes;  // values as text
  std::int64_t status_code = 0;
};

std::vector<ReceivedSpan> ReceivedSpans(const LoopbackHttpServer& collector) {
  std::vector<ReceivedSpan> spans;
  for (const RecordedRequest& post : collector.Requests()) {
    EXPECT_EQ(post.target, "/v1/traces");
    const json::value body = json::parse(post.body);
    const json::value& resource = body.at("resourceSpans").at(0);
    EXPECT_EQ(resource.at("resource").at("attributes").at(0).at("value").at("stringValue").as_string(),
              "wdrbe");
    for (const json::value& s : resource.at("scopeSpans").at(0).at("spans").as_array()) {
      ReceivedSpan span;
      span.trace_id = s.at("traceId").as_string();
      span.span_id = s.at("spanId").as_string();
      if (const auto* parent = s.as_object().if_contains("parentSpanId"))
        span.parent_span_id = parent->as_string();
      span.name = s.at("name").as_string();
      span.kind = s.at("kind").as_int64();
      for (const json::value& a : s.at("attributes").as_array()) {
        const json::object& value = a.at("value").as_object();
        const json::value& v = value.begin()->value();
        span.attributes[std::string(a.at("key").as_string())] =
            v.is_string() ? std::string(v.as_string()) : json::serialize(v);
      }
      if (const auto* code = s.at("status").as_object().if_contains("code"))
        span.status_code = code->as_int64();
      spans.push_back(std::move(span));
    }
  }
  return spans;
}

const ReceivedSpan* FindSpan(const std::vector<ReceivedSpan>& spans, std::string_view name,
                             std::string_view trace_id) {
  for (const ReceivedSpan& span : spans) {
    if (span.name == name && span.trace_id == trace_id) return &span;
  }
  return nullptr;
}

// Waits until the collector has a span of that name in that trace.
std::vector<ReceivedSpan> AwaitSpan(const LoopbackHttpServer& collector, std::string_view name,
                                    std::string_view trace_id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  std::vector<ReceivedSpan> spans;
  while (std::chrono::steady_clock::now() < deadline) {
    spans = ReceivedSpans(collector);
    if (FindSpan(spans, name, trace_id) != nullptr) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return spans;
}

// The trace id and span id of a response's traceparent.
std::pair<std::string, std::string> TraceAndSpan(const Response& response) {
  const std::string traceparent = response.Header("traceparent").value_or("");
  EXPECT_EQ(traceparent.size(), 55u) << response;
  if (traceparent.size() != 55) return {};
  return {traceparent.substr(3, 32), traceparent.substr(36, 16)};
}

ServerOptions TracedTo(const LoopbackHttpServer& collector,
                       std::vector<std::pair<std::string, std::string>> extra = {}) {
  ServerOptions options;
  options.extra_env = {
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + std::to_string(collector.port())},
      {"OTEL_BSP_SCHEDULE_DELAY", "50"}};
  for (auto& variable : extra) options.extra_env.push_back(std::move(variable));
  return options;
}

TEST(TracingTest, ACreateAndAShareAreOneTraceFromTheRequestToTheWorker) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200, {}, "{}"}; });
  auto server = TestServer::Start(TracedTo(collector));
  ApiClient owner(server->port(), "span-owner");

  const Response created = owner.CreateItem(ItemBody("Trench coat"));
  ASSERT_EQ(created.status, 201) << created;
  const auto [create_trace, create_span] = TraceAndSpan(created);
  const std::string item_id = created.String("itemId");
  auto spans = AwaitSpan(collector, "POST /users/{userId}/items", create_trace);
  const ReceivedSpan* create = FindSpan(spans, "POST /users/{userId}/items", create_trace);
  ASSERT_NE(create, nullptr) << server->Output();
  EXPECT_EQ(create->span_id, create_span) << "the span the response's traceparent names";
  EXPECT_EQ(create->kind, 2) << "SERVER";
  EXPECT_EQ(create->parent_span_id, "");
  EXPECT_EQ(create->attributes.at("http.response.status_code"), "201");
  EXPECT_EQ(create->attributes.at("http.route"), "/users/{userId}/items");
  EXPECT_EQ(create->attributes.at("enduser.id"), "span-owner");
  EXPECT_EQ(create->attributes.at("wdrbe.request_id"), created.Header("X-Request-Id").value_or(""));

  // A client's own trace is continued.
  const std::string client_trace = "0af7651916cd43dd8448eb211c80319c";
  const Response shared =
      owner.ShareItem(item_id, {{"traceparent", "00-" + client_trace + "-b7ad6b7169203331-01"}});
  ASSERT_EQ(shared.status, 202) << shared;
  const auto [share_trace, share_span] = TraceAndSpan(shared);
  EXPECT_EQ(share_trace, client_trace);
  spans = AwaitSpan(collector, "share.process", client_trace);
  const ReceivedSpan* request = FindSpan(spans, "POST /items/{itemId}/share", client_trace);
  const ReceivedSpan* enqueue = FindSpan(spans, "share.enqueue", client_trace);
  const ReceivedSpan* processing = FindSpan(spans, "share.process", client_trace);
  ASSERT_NE(request, nullptr) << server->Output();
  ASSERT_NE(enqueue, nullptr) << server->Output();
  ASSERT_NE(processing, nullptr) << server->Output();
  EXPECT_EQ(request->parent_span_id, "b7ad6b7169203331") << "the client's span is the parent";
  EXPECT_EQ(request->span_id, share_span);
  EXPECT_EQ(enqueue->parent_span_id, share_span) << "the queueing is a child of the request's span";
  EXPECT_EQ(enqueue->kind, 4) << "PRODUCER";
  EXPECT_EQ(enqueue->attributes.at("messaging.message.id"), shared.String("eventId"));
  EXPECT_EQ(enqueue->attributes.at("wdrbe.share.replayed"), "false");
  EXPECT_EQ(processing->parent_span_id, enqueue->span_id) << "the worker's span is the queueing's child";
  EXPECT_EQ(processing->kind, 5) << "CONSUMER";
  EXPECT_EQ(processing->attributes.at("wdrbe.share.outcome"), "applied");
  EXPECT_EQ(processing->attributes.at("messaging.message.id"), shared.String("eventId"));
  EXPECT_EQ(processing->attributes.at("wdrbe.item_id"), item_id);
  EXPECT_EQ(processing->status_code, 0);
  EXPECT_EQ(owner.AwaitSharedCount(item_id, 1), 1);

  const Response missing = owner.GetItem("no-such-item");
  EXPECT_EQ(missing.status, 404);
  const Response refused = owner.ShareItem("no-such-item");
  EXPECT_EQ(refused.status, 404);
  EXPECT_TRUE(server->Stop().ExitedWith(0));
  // Stop exported what was queued: the 404's span too, not an error (4xx).
  const auto [missing_trace, missing_span] = TraceAndSpan(missing);
  const std::vector<ReceivedSpan> after_stop = ReceivedSpans(collector);
  const ReceivedSpan* not_found = FindSpan(after_stop, "GET /items/{itemId}", missing_trace);
  ASSERT_NE(not_found, nullptr);
  EXPECT_EQ(not_found->status_code, 0);
  // A share the service refused queued nothing: its producer span says why,
  // and is no error (the client's mistake, not the service's).
  const ReceivedSpan* rejected = FindSpan(after_stop, "share.enqueue", TraceAndSpan(refused).first);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->status_code, 0);
  EXPECT_FALSE(rejected->attributes.at("wdrbe.share.rejected").empty());
  EXPECT_EQ(rejected->attributes.count("messaging.message.id"), 0u);
}

// The spans of a trace whose parent is `parent_span_id`, by name.
std::map<std::string, ReceivedSpan> ChildrenOf(const std::vector<ReceivedSpan>& spans,
                                               std::string_view parent_span_id) {
  std::map<std::string, ReceivedSpan> children;
  for (const ReceivedSpan& span : spans) {
    if (span.parent_span_id == parent_span_id) children[span.name] = span;
  }
  return children;
}

std::vector<std::string> Names(const std::map<std::string, ReceivedSpan>& spans) {
  std::vector<std::string> names;
  for (const auto& [name, span] : spans) names.push_back(name);
  return names;
}

TEST(TracingTest, EveryStoreAndQueueCallIsAClientSpanOfTheRequestOrEventItServes) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200, {}, "{}"}; });
  auto server = TestServer::Start(TracedTo(collector));
  ApiClient owner(server->port(), "span-calls");
  const bool aws = OnAwsTestBackend();
  const std::string db_system = aws ? "aws.dynamodb" : "sqlite";

  const Response created = owner.CreateItem(ItemBody("Raincoat"));
  ASSERT_EQ(created.status, 201) << created;
  const auto [create_trace, create_span] = TraceAndSpan(created);
  auto spans = AwaitSpan(collector, "ItemStore.CreateItem", create_trace);
  auto children = ChildrenOf(spans, create_span);
  ASSERT_EQ(Names(children), std::vector<std::string>{"ItemStore.CreateItem"}) << server->Output();
  const ReceivedSpan& create = children.at("ItemStore.CreateItem");
  EXPECT_EQ(create.trace_id, create_trace);
  EXPECT_EQ(create.kind, 3) << "CLIENT";
  EXPECT_EQ(create.attributes.at("db.system.name"), db_system);
  EXPECT_EQ(create.attributes.at("db.operation.name"), "CreateItem");
  EXPECT_EQ(create.attributes.at("wdrbe.result"), "ok");
  EXPECT_EQ(create.status_code, 0);
  if (aws) {
    // What the ADOT collector's X-Ray exporter draws as the DynamoDB node.
    EXPECT_EQ(create.attributes.at("rpc.system"), "aws-api");
    EXPECT_EQ(create.attributes.at("rpc.service"), "DynamoDB");
  } else {
    EXPECT_EQ(create.attributes.count("rpc.system"), 0u);
  }

  // A refusal is the store's answer, not its failure.
  const Response missing = owner.GetItem("no-such-item");
  ASSERT_EQ(missing.status, 404);
  const auto [missing_trace, missing_span] = TraceAndSpan(missing);
  spans = AwaitSpan(collector, "ItemStore.GetItem", missing_trace);
  children = ChildrenOf(spans, missing_span);
  ASSERT_EQ(children.count("ItemStore.GetItem"), 1u) << server->Output();
  EXPECT_EQ(children.at("ItemStore.GetItem").attributes.at("wdrbe.result"), "refused");
  EXPECT_EQ(children.at("ItemStore.GetItem").status_code, 0);

  const Response listed = owner.ListItems({{"limit", "5"}});
  ASSERT_EQ(listed.status, 200) << listed;
  const auto [list_trace, list_span] = TraceAndSpan(listed);
  spans = AwaitSpan(collector, "ItemStore.ListItems", list_trace);
  EXPECT_EQ(Names(ChildrenOf(spans, list_span)), std::vector<std::string>{"ItemStore.ListItems"});

  // A share's store and queue calls are the producer span's children; the
  // worker's are the consumer span's. The embedded backend does each in
  // one SQLite transaction; AWS takes the store, then the queue.
  const Response shared = owner.ShareItem(created.String("itemId"), {{"Idempotency-Key", "span-calls-1"}});
  ASSERT_EQ(shared.status, 202) << shared;
  const auto [share_trace, share_span] = TraceAndSpan(shared);
  spans = AwaitSpan(collector, "share.process", share_trace);
  const ReceivedSpan* enqueue = FindSpan(spans, "share.enqueue", share_trace);
  const ReceivedSpan* processing = FindSpan(spans, "share.process", share_trace);
  ASSERT_NE(enqueue, nullptr) << server->Output();
  ASSERT_NE(processing, nullptr) << server->Output();
  EXPECT_EQ(Names(ChildrenOf(spans, share_span)), std::vector<std::string>{"share.enqueue"})
      << "the request's own calls are all under its producer span";
  children = ChildrenOf(spans, enqueue->span_id);
  if (aws) {
    EXPECT_EQ(Names(children), (std::vector<std::string>{"ItemStore.AdmitShare", "ItemStore.CompleteShareKey",
                                                         "ShareQueue.Send", "share.process"}));
    ASSERT_EQ(children.count("ShareQueue.Send"), 1u);
    const ReceivedSpan& send = children.at("ShareQueue.Send");
    EXPECT_EQ(send.kind, 3) << "CLIENT";
    EXPECT_EQ(send.attributes.at("messaging.system"), "aws_sqs");
    EXPECT_EQ(send.attributes.at("rpc.service"), "SQS");
    EXPECT_EQ(send.attributes.at("messaging.operation.name"), "Send");
  } else {
    EXPECT_EQ(Names(children), (std::vector<std::string>{"AtomicShareSender.AdmitAndSend", "share.process"}));
  }
  children = ChildrenOf(spans, processing->span_id);
  const std::vector<std::string> settled =
      aws ? std::vector<std::string>{"ItemStore.ApplyShares", "ShareQueue.Delete"}
          : std::vector<std::string>{"AtomicShareSettler.ApplyAndDelete"};
  EXPECT_EQ(Names(children), settled) << server->Output();
  for (const auto& [name, span] : children) {
    EXPECT_EQ(span.trace_id, share_trace);
    EXPECT_EQ(span.kind, 3) << name;
    EXPECT_GE(std::stoi(span.attributes.at("messaging.batch.message_count")), 1) << name;
    EXPECT_EQ(span.attributes.at("wdrbe.result"), "ok") << name;
  }

  const Response feed = owner.ListActivities();
  ASSERT_EQ(feed.status, 200) << feed;
  const auto [feed_trace, feed_span] = TraceAndSpan(feed);
  spans = AwaitSpan(collector, "ItemStore.ListActivities", feed_trace);
  EXPECT_EQ(Names(ChildrenOf(spans, feed_span)), std::vector<std::string>{"ItemStore.ListActivities"});
}

TEST(TracingTest, TheAlwaysOffSamplerRecordsNothingAndSaysSoInTheTraceparent) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  auto server = TestServer::Start(TracedTo(collector, {{"OTEL_TRACES_SAMPLER", "always_off"}}));
  ApiClient owner(server->port(), "span-off");
  const Response created = owner.CreateItem(ItemBody());
  ASSERT_EQ(created.status, 201);
  EXPECT_TRUE(created.Header("traceparent").value_or("").ends_with("-00")) << "not sampled";
  const std::string item_id = created.String("itemId");
  ASSERT_EQ(owner.ShareItem(item_id).status, 202);
  EXPECT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  EXPECT_TRUE(server->Stop().ExitedWith(0));
  EXPECT_TRUE(ReceivedSpans(collector).empty());
}

TEST(TracingTest, ACollectorThatDoesNotAnswerNeverDelaysRequestsAndItsSpansAreCounted) {
  LoopbackHttpServer stuck(
      [](const RecordedRequest&) { return CannedResponse{.status = 200, .delay = milliseconds(3000)}; });
  // Each post waits out its 1 s timeout, so at most 2 spans a second leave
  // the queue of 4: the 50 spans of requests made within 5 s overflow it
  // however slow the store is.
  auto server = TestServer::Start(TracedTo(stuck, {{"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
                                                   {"OTEL_BSP_MAX_QUEUE_SIZE", "4"},
                                                   {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2"}}));
  ApiClient owner(server->port(), "span-stuck");
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i)
    ASSERT_EQ(owner.CreateItem(ItemBody("Scarf " + std::to_string(i))).status, 201);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::seconds(5)) << "no request waited for the collector";

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  double dropped = 0;
  double failed = 0;
  while (std::chrono::steady_clock::now() < deadline && (dropped == 0 || failed == 0)) {
    const Response page = owner.http().Get("/metrics");
    dropped = MetricSample(page.body, "wdrbe_trace_spans_dropped_total");
    failed = MetricSample(page.body, "wdrbe_trace_spans_export_failed_total");
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_GT(dropped, 0) << "the queue of 4 overflowed";
  EXPECT_GT(failed, 0) << "batches timed out";
  EXPECT_EQ(MetricSample(owner.http().Get("/metrics").body, "wdrbe_trace_spans_exported_total"), 0);
}

std::vector<std::pair<std::string, std::string>> LambdaTracingEnv(const LoopbackHttpServer& collector) {
  // A schedule delay of a minute: only the flush after each invocation
  // can have delivered the spans by the time the answer is posted.
  return {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + std::to_string(collector.port())},
          {"OTEL_BSP_SCHEDULE_DELAY", "60000"}};
}

TEST(TracingTest, ALambdaInvocationsSpansReachTheCollectorBeforeItsAnswer) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  TempDir data_dir;
  LambdaHarness api(LambdaHarnessOptions{.function = "api",
                                         .args = {"--data-dir", data_dir.path().string()},
                                         .env = LambdaTracingEnv(collector)});
  const ProxyAnswer answer = ReadProxyAnswer(api.Invoke(ApiGatewayEvent({})));
  ASSERT_EQ(answer.status, 200);
  const std::string traceparent = answer.Header("traceparent");
  ASSERT_EQ(traceparent.size(), 55u);
  const std::vector<ReceivedSpan> spans = ReceivedSpans(collector);
  const ReceivedSpan* healthz = FindSpan(spans, "GET /healthz", traceparent.substr(3, 32));
  ASSERT_NE(healthz, nullptr) << api.Output();
  EXPECT_EQ(healthz->span_id, traceparent.substr(36, 16));
  // The invocation's sampled X-Ray trace is continued: its Root is the
  // trace and its Parent (Lambda's segment) the span's parent.
  EXPECT_EQ(obs::TraceIdFromAmznTraceId(api.last_trace_id()).value_or(""), traceparent.substr(3, 32));
  EXPECT_EQ(healthz->parent_span_id, "53995c3f42cd8ad8");

  // It wins over a client's traceparent.
  const ProxyAnswer with_client_trace = ReadProxyAnswer(api.Invoke(ApiGatewayEvent(
      {.headers = {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}})));
  EXPECT_EQ(with_client_trace.Header("traceparent").substr(3, 32),
            obs::TraceIdFromAmznTraceId(api.last_trace_id()).value_or(""));
}

TEST(TracingTest, TheLambdaWorkersSpanIsAChildOfTheSharingRequestsSpan) {
  LoopbackHttpServer collector([](const RecordedRequest&) { return CannedResponse{200}; });
  TempDir data_dir;
  LambdaHarness worker(LambdaHarnessOptions{.function = "worker",
                                            .args = {"--data-dir", data_dir.path().string()},
                                            .env = LambdaTracingEnv(collector)});
  ShareEvent event;
  event.event_id = "01JDTRACEDLAMBDAWORKER0001";
  event.user_id = "span-lambda";
  event.item_id = "01JDNOSUCHITEM000000000001";
  event.timestamp_ms = 1764583200000;
  event.request_id = "req-traced";
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const RuntimeAnswer answer =
      worker.Invoke(SqsEvent({SqsRecord({.message_id = "msg-traced",
                                         .receipt_handle = "AQEBtraced",
                                         .body = sqs::ShareEventBody(event),
                                         .traceparent = "00-" + trace + "-00f067aa0ba902b7-01"})}));
  ASSERT_EQ(answer.kind, RuntimeAnswer::Kind::kResponse) << answer.body;
  const std::vector<ReceivedSpan> spans = ReceivedSpans(collector);
  const ReceivedSpan* processing = FindSpan(spans, "share.process", trace);
  ASSERT_NE(processing, nullptr) << worker.Output();
  EXPECT_EQ(processing->parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(processing->attributes.at("wdrbe.share.outcome"), "item_not_found");
  EXPECT_EQ(processing->attributes.at("messaging.system"), OnAwsTestBackend() ? "aws_sqs" : "wdrbe");
  // Lambda settles the batch itself: the worker's one call is the store's.
  const auto children = ChildrenOf(spans, processing->span_id);
  ASSERT_EQ(Names(children), std::vector<std::string>{"ItemStore.ApplyShares"}) << worker.Output();
  EXPECT_EQ(children.at("ItemStore.ApplyShares").attributes.at("db.system.name"),
            OnAwsTestBackend() ? "aws.dynamodb" : "sqlite");
}

TEST(TracingTest, AnUnusableTracingVariableStopsTheStartNamingIt) {
  TempDir data_dir;
  const ProcessOutcome outcome =
      RunToExit({"serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.path().string()},
                std::string(kTestJwtSecret),
                {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"}, {"OTEL_TRACES_SAMPLER", "maybe"}});
  EXPECT_FALSE(outcome.status.ExitedWith(0)) << outcome.output;
  EXPECT_NE(outcome.output.find("OTEL_TRACES_SAMPLER must be"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace wdrbe::testing
