// Metrics, access logs and tracing on the real binary: /metrics counts what
// happened, every request has a JSON log line with its requestId and
// traceId (and never its token), a traceparent sent with a share shows up in
// the worker's log line for that event, and the alert rules only use
// metrics the service exposes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/emf_documents.hpp"
#include "testing/http_client.hpp"
#include "testing/metric_samples.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Every JSON log line the server wrote to stdout so far.
std::vector<json::object> LogLines(const TestServer& server) {
  std::vector<json::object> lines;
  std::istringstream output(server.Output());
  for (std::string line; std::getline(output, line);) {
    if (line.empty() || line[0] != '{') continue;
    boost::system::error_code ec;
    json::value parsed = json::parse(line, ec);
    if (!ec && parsed.is_object()) lines.push_back(parsed.as_object());
  }
  return lines;
}

std::string Field(const json::object& line, std::string_view key) {
  auto it = line.find(key);
  return it != line.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

// Waits for a log line matching `match` (log lines are written by a thread
// of their own, a moment after the response).
std::optional<json::object> AwaitLogLine(const TestServer& server,
                                         const std::function<bool(const json::object&)>& match) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  do {
    for (const json::object& line : LogLines(server)) {
      if (match(line)) return line;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  return std::nullopt;
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = TestServer::Start(); }
  std::unique_ptr<TestServer> server_;
};

TEST_F(ObservabilityTest, MetricsCountACreateAListAShareAndA404) {
  ApiClient owner(server_->port(), "metrics-owner");
  const std::string item_id =
      std::string(owner.MustCreate(ItemBody("Coat", "Outerwear")).at("itemId").as_string());
  ASSERT_EQ(owner.CreateItem(ItemBody("Coat", "Outerwear"), {{"Idempotency-Key", "k1"}}).status, 201);
  ASSERT_EQ(owner.CreateItem(ItemBody("Coat", "Outerwear"), {{"Idempotency-Key", "k1"}}).status, 200);
  ASSERT_EQ(owner.ListItems().status, 200);
  ASSERT_EQ(owner.SearchItems({{"q", "coat"}}).status, 200);
  ASSERT_EQ(owner.SearchItems({{"q", ""}}).status, 400) << "a refused search is not counted";
  ASSERT_EQ(owner.ShareItem(item_id, {{"Idempotency-Key", "s1"}}).status, 202);
  ASSERT_EQ(owner.ShareItem(item_id, {{"Idempotency-Key", "s1"}}).status, 202) << "a replay";
  ASSERT_EQ(owner.AwaitSharedCount(item_id, 1), 1);
  ASSERT_EQ(owner.GetItem("no-such-item").status, 404);

  Response page = owner.http().Get("/metrics");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_TRUE(EmfDocuments(server_->Output()).empty()) << "serve writes EMF only with --metrics-emf";
  EXPECT_EQ(page.Header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  const auto samples = ParseMetricSamples(page.body);
  EXPECT_EQ(MetricSample(samples, R"(wdrbe_item_created_total{category="Outerwear"})"), 2) << page.body;
  EXPECT_EQ(MetricSample(samples, "wdrbe_item_created_idempotent_total"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_items_listed_total"), 2) << "a list of two items";
  EXPECT_EQ(MetricSample(samples, "wdrbe_item_searches_total"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_share_events_enqueued_total"), 1) << "the replay enqueued nothing";
  EXPECT_EQ(MetricSample(samples, "wdrbe_share_idempotent_total"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_share_events_processed_total"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_worker_successful_records_total"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_worker_failed_records_total"), 0);
  EXPECT_EQ(MetricSample(samples, "wdrbe_worker_batch_size_count"), 1);
  EXPECT_EQ(MetricSample(samples, "wdrbe_share_queue_depth"), 0);
  EXPECT_EQ(MetricSample(samples, "wdrbe_share_dead_letters"), 0);
  EXPECT_EQ(
      MetricSample(
          samples,
          R"(wdrbe_http_requests_total{route="/users/{userId}/items",method="POST",status_class="2xx"})"),
      3);
  EXPECT_EQ(
      MetricSample(samples,
                   R"(wdrbe_http_requests_total{route="/items/{itemId}",method="GET",status_class="4xx"})"),
      1);
  EXPECT_EQ(
      MetricSample(
          samples,
          R"(wdrbe_http_requests_total{route="/items/{itemId}/share",method="POST",status_class="2xx"})"),
      2);
  EXPECT_EQ(
      MetricSample(
          samples,
          R"(wdrbe_http_request_duration_seconds_count{route="/users/{userId}/items",method="GET",status_class="2xx"})"),
      1);
  EXPECT_EQ(
      MetricSample(
          samples,
          R"(wdrbe_http_request_duration_seconds_bucket{route="/users/{userId}/items",method="GET",status_class="2xx",le="+Inf"})"),
      1);
  EXPECT_GT(MetricSample(samples, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(MetricSample(samples, "process_open_fds"), 3);

  // An unknown path is one "unmatched" series, whatever the path.
  ASSERT_EQ(owner.http().Get("/nowhere/1").status, 404);
  ASSERT_EQ(owner.http().Get("/nowhere/2").status, 404);
  const auto after = ParseMetricSamples(owner.http().Get("/metrics").body);
  EXPECT_EQ(
      MetricSample(after, R"(wdrbe_http_requests_total{route="unmatched",method="GET",status_class="4xx"})"),
      2);
  EXPECT_EQ(
      MetricSample(after, R"(wdrbe_http_requests_total{route="/metrics",method="GET",status_class="2xx"})"),
      1)
      << "the first scrape is counted once it is answered";
}

TEST_F(ObservabilityTest, EachRequestHasAnAccessLineWithItsIdsAndNeverTheToken) {
  ApiClient owner(server_->port(), "log-owner");
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  Response created = owner.CreateItem(
      ItemBody("Scarf"),
      {{"X-Request-Id", "req-log-1"}, {"traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string returned = created.Header("traceparent").value_or("");
  ASSERT_EQ(returned.size(), 55u) << returned;
  EXPECT_EQ(returned.substr(3, 32), trace_id) << "the trace is continued";
  EXPECT_NE(returned.substr(36, 16), "00f067aa0ba902b7") << "with a span of the server's own";

  auto line =
      AwaitLogLine(*server_, [](const json::object& l) { return Field(l, "requestId") == "req-log-1"; });
  ASSERT_TRUE(line.has_value()) << server_->Output();
  EXPECT_EQ(Field(*line, "traceId"), trace_id);
  EXPECT_EQ(Field(*line, "spanId"), returned.substr(36, 16));
  EXPECT_EQ(Field(*line, "level"), "info");
  EXPECT_EQ(Field(*line, "service"), "wdrbe");
  EXPECT_EQ(Field(*line, "message"), "request");
  EXPECT_EQ(Field(*line, "method"), "POST");
  EXPECT_EQ(Field(*line, "route"), "/users/{userId}/items");
  EXPECT_EQ(Field(*line, "userId"), "log-owner");
  EXPECT_EQ(line->at("status"), 201);
  EXPECT_TRUE(line->at("durationMs").is_number());
  EXPECT_TRUE(std::regex_match(Field(*line, "timestamp"),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));

  // A request without trace headers starts a trace; its id is in the line.
  Response fresh = owner.http().Get("/healthz", "", {{"X-Request-Id", "req-log-2"}});
  const std::string fresh_trace = fresh.Header("traceparent").value_or("");
  ASSERT_EQ(fresh_trace.size(), 55u);
  auto fresh_line =
      AwaitLogLine(*server_, [](const json::object& l) { return Field(l, "requestId") == "req-log-2"; });
  ASSERT_TRUE(fresh_line.has_value());
  EXPECT_EQ(Field(*fresh_line, "traceId"), fresh_trace.substr(3, 32));

  // Behind an AWS load balancer: the X-Amzn-Trace-Id root is the trace.
  Response amazon =
      owner.http().Get("/healthz", "",
                       {{"X-Request-Id", "req-log-3"},
                        {"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}});
  EXPECT_EQ(amazon.Header("traceparent").value_or("").substr(3, 32), "5759e988bd862e3fe1be46a994272793");

  // No token (valid, or rejected) ever reaches the log.
  ASSERT_EQ(owner.http().Get("/users/log-owner/items", "not.a.valid-token-xyz").status, 401);
  ASSERT_TRUE(AwaitLogLine(
      *server_, [](const json::object& l) { return l.contains("status") && l.at("status") == 401; }));
  const std::string output = server_->Output();
  EXPECT_EQ(output.find(owner.token()), std::string::npos);
  EXPECT_EQ(output.find("not.a.valid-token-xyz"), std::string::npos);
  EXPECT_EQ(output.find("Scarf"), std::string::npos) << "request bodies are not logged";
}

TEST_F(ObservabilityTest, AShareCanBeFollowedFromTheRequestToTheWorkersLogLine) {
  ApiClient owner(server_->port(), "trace-owner");
  const std::string item_id = std::string(owner.MustCreate(ItemBody()).at("itemId").as_string());
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  Response shared = owner.ShareItem(item_id, {{"traceparent", "00-" + trace_id + "-b7ad6b7169203331-01"}});
  ASSERT_EQ(shared.status, 202) << shared;
  const std::string event_id = shared.String("eventId");
  const std::string request_span = shared.Header("traceparent").value_or("").substr(36, 16);

  auto applied = AwaitLogLine(*server_, [&](const json::object& l) {
    return Field(l, "eventId") == event_id && Field(l, "message") == "share event applied";
  });
  ASSERT_TRUE(applied.has_value()) << server_->Output();
  EXPECT_EQ(Field(*applied, "traceId"), trace_id);
  EXPECT_EQ(Field(*applied, "parentSpanId"), request_span) << "the worker's work is a child of the request";
  EXPECT_EQ(Field(*applied, "itemId"), item_id);
  EXPECT_EQ(Field(*applied, "userId"), "trace-owner");
  EXPECT_EQ(Field(*applied, "requestId"), shared.Header("X-Request-Id").value_or(""));

  const std::string request_id = shared.Header("X-Request-Id").value_or("");
  auto access = AwaitLogLine(*server_, [&](const json::object& l) {
    return Field(l, "message") == "request" && Field(l, "requestId") == request_id;
  });
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(Field(*access, "itemId"), item_id)
      << "the access line names the item of an /items/{itemId} route";
}

TEST(MetricsListenerTest, MetricsMoveToTheirOwnListener) {
  ServerOptions options;
  options.extra_args = {"--metrics-listen", "127.0.0.1:0"};
  auto server = TestServer::Start(options);
  HttpClient main(server->port());
  EXPECT_EQ(main.Get("/metrics").status, 404) << "not on the public listener";

  std::smatch match;
  const std::string output = server->Output();
  ASSERT_TRUE(std::regex_search(output, match,
                                std::regex(R"(metrics listening on http://127\.0\.0\.1:(\d+)/metrics)")))
      << output;
  HttpClient metrics(static_cast<std::uint16_t>(std::stoi(match[1])));
  Response page = metrics.Get("/metrics");
  EXPECT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("# TYPE wdrbe_http_requests_total counter"), std::string::npos);
  EXPECT_EQ(metrics.Get("/healthz").status, 200);
  EXPECT_EQ(metrics.Get("/users/u/items").status, 404) << "the API is not on the metrics listener";
  EXPECT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
}

TEST(MetricsListenerTest, MetricsPublicAndMetricsListenExcludeEachOther) {
  const ProcessOutcome outcome =
      RunToExit({"serve", "--metrics-public", "--metrics-listen", "127.0.0.1:0", "--data-dir", "unused"},
                std::string(kTestJwtSecret));
  EXPECT_FALSE(outcome.status.ExitedWith(0)) << outcome.output;
  EXPECT_NE(outcome.output.find("--metrics-public and --metrics-listen"), std::string::npos)
      << outcome.output;
}

// A scrape costs the store two counts; a client that asks for /metrics in a
// loop gets the figures of at most one count per refresh interval.
TEST(MetricsListenerTest, QueueDepthsAreCountedAtMostOncePerInterval) {
  ServerOptions options;
  options.extra_args = {"--worker-concurrency", "0"};  // shares stay queued
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "depth-owner");
  const std::string first =
      std::string(owner.MustCreate(ItemBody("Coat", "Outerwear")).at("itemId").as_string());
  const std::string second =
      std::string(owner.MustCreate(ItemBody("Scarf", "Accessories")).at("itemId").as_string());
  ASSERT_EQ(owner.ShareItem(first).status, 202);
  const auto depth = [&] {
    return MetricSample(ParseMetricSamples(owner.http().Get("/metrics").body), "wdrbe_share_queue_depth");
  };
  const auto counted = std::chrono::steady_clock::now();
  ASSERT_EQ(depth(), 1);
  ASSERT_EQ(owner.ShareItem(second).status, 202);
  const double cached = depth();
  if (std::chrono::steady_clock::now() - counted < std::chrono::milliseconds(1500)) {
    EXPECT_EQ(cached, 1) << "counted again within the interval";
  }
  std::this_thread::sleep_until(counted + std::chrono::milliseconds(2100));
  EXPECT_EQ(depth(), 2) << "counted again once the interval passed";
}

// The EMF documents in the server's output so far, each checked.
std::vector<json::object> ValidEmfDocuments(const TestServer& server) {
  std::vector<json::object> documents = EmfDocuments(server.Output());
  for (const json::object& document : documents) ExpectValidEmf(document);
  return documents;
}

TEST(MetricsEmfTest, ServePublishesWhatChangedEachIntervalAndTheRestAtShutdown) {
  ServerOptions options;
  options.extra_args = {"--metrics-emf", "--metrics-emf-interval", "1", "--service-name", "wdrbe-ecs"};
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "emf-owner");
  owner.MustCreate(ItemBody("Parka", "emf-outerwear"));
  ASSERT_EQ(owner.ListItems().status, 200);

  std::vector<json::object> documents;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    documents = ValidEmfDocuments(*server);
    if (EmfSums(documents)["ItemCreated"] >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(EmfSums(documents)["ItemCreated"], 1) << server->Output();
  EXPECT_EQ(EmfSums(documents)["ItemCreated_emf-outerwear"], 1);
  EXPECT_EQ(EmfSums(documents)["ItemsListed"], 1);
  EXPECT_EQ(documents.front().at("service").as_string(), "wdrbe-ecs");

  // Idle intervals write nothing (health checks are not business metrics).
  ASSERT_EQ(owner.http().Get("/healthz").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(ValidEmfDocuments(*server).size(), documents.size()) << server->Output();

  // A create just before SIGTERM is published by the last, partial interval.
  owner.MustCreate(ItemBody("Anorak", "emf-outerwear"));
  EXPECT_TRUE(server->Stop().ExitedWith(0));
  const auto sums = EmfSums(ValidEmfDocuments(*server));
  EXPECT_EQ(sums.at("ItemCreated"), 2) << server->Output();
  EXPECT_EQ(sums.at("ItemCreated_emf-outerwear"), 2);
}

TEST(LogLevelTest, WarnLeavesOutAccessLinesButKeepsStartAndStop) {
  ServerOptions options;
  options.extra_args = {"--log-level", "warn"};
  auto server = TestServer::Start(options);
  HttpClient http(server->port());
  ASSERT_EQ(http.Get("/healthz", "", {{"X-Request-Id", "req-quiet"}}).status, 200);
  ASSERT_TRUE(server->Stop().ExitedWith(0));
  const std::string output = server->Output();
  EXPECT_EQ(output.find("req-quiet"), std::string::npos) << output;
  EXPECT_NE(output.find("\"stopped\""), std::string::npos) << output;
}

// Alert rules that name a metric the service does not expose never fire.
TEST_F(ObservabilityTest, TheAlertRulesUseOnlyExposedMetrics) {
  std::ifstream file(std::string(WDRBE_SOURCE_DIR) + "/deploy/prometheus/wdrbe-alerts.yml");
  ASSERT_TRUE(file) << "deploy/prometheus/wdrbe-alerts.yml is missing";
  const std::string rules((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string page = HttpClient(server_->port()).Get("/metrics").body;
  std::set<std::string> names;
  const std::regex metric(R"(\b(wdrbe_[a-z_]+|process_[a-z_]+)\b)");
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), metric); it != std::sregex_iterator();
       ++it) {
    names.insert((*it)[1]);
  }
  ASSERT_GE(names.size(), 4u) << "the four alarms of the original design";
  for (std::string name : names) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (name.ends_with(suffix) && page.find("# TYPE " + name.substr(0, name.size() - std::strlen(suffix)) +
                                              " histogram") != std::string::npos) {
        name = name.substr(0, name.size() - std::strlen(suffix));
      }
    }
    EXPECT_NE(page.find("# TYPE " + name + " "), std::string::npos) << name << " is not exposed";
  }
}

}  // namespace
}  // namespace wdrbe::testing
