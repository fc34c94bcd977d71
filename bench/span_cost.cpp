// What recording and exporting a span costs the process that makes it, in
// CPU microseconds: the server span of a request (RequestSpanRecorder, as
// `serve` records one for GET /items/{itemId}) and the client span of a
// store call (RecordPortCallSpans, as for ItemStore.GetItem), each submitted
// to the real BatchSpanExporter, which encodes it, queues it and posts it
// from its own thread to a collector (bench/otlp_sink, in another process:
// its cost is the collector's, not ours).
//
// End-to-end throughput (bench/observability.sh) puts the cost of spans at a
// few percent of a request, below what that machine's noise lets it tell
// apart; this measures the same code alone, with the process's own CPU
// time (all threads, getrusage), so that the cost per request is a
// subtraction-free figure to set against a route's CPU per request.
//
// Spans go in rounds of --round spans, each followed by Flush(): the queue
// never fills, so no span is dropped (a dropped span would cost less than
// an exported one and flatter the figure). Prints one JSON line.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/observability/trace_context.hpp"
#include "wdrbe/observability/trace_id_random.hpp"
#include "wdrbe/tracing/port_call_span.hpp"
#include "wdrbe/tracing/request_span_recorder.hpp"
#include "wdrbe/tracing/span_exporter.hpp"

namespace {

using namespace wdrbe;

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Measured {
  double cpu_us_per_span = 0;
  double spans_per_s = 0;
};

// Runs `record` (which submits one span) `spans` times in rounds, flushing
// after each; returns the process's CPU per span.
template <typename Record>
Measured Measure(tracing::BatchSpanExporter& exporter, std::int64_t spans, std::int64_t round,
                 Record record) {
  const double cpu_before = ProcessCpuSeconds();
  const auto wall_before = std::chrono::steady_clock::now();
  for (std::int64_t done = 0; done < spans;) {
    for (std::int64_t i = 0; i < round && done < spans; ++i, ++done) record();
    exporter.Flush(std::chrono::seconds(30));
  }
  const double cpu = ProcessCpuSeconds() - cpu_before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  return {cpu * 1e6 / static_cast<double>(spans), static_cast<double>(spans) / wall};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CPU cost of recording and exporting spans"};
  std::string collector;
  std::int64_t spans = 1'000'000;
  std::int64_t round = 1'000;
  app.add_option("--collector", collector, "the collector's base URL (http://127.0.0.1:PORT)")->required();
  app.add_option("--spans", spans, "spans of each kind")->check(CLI::PositiveNumber);
  app.add_option("--round", round, "spans submitted between flushes (at most the queue, 2048)")
      ->check(CLI::Range(1, 2048));
  CLI11_PARSE(app, argc, argv);

  auto endpoint = aws::ParseEndpointUrl(collector);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "span_cost: %s\n", endpoint.error().message.c_str());
    return 2;
  }
  tracing::SpanExporterOptions options;
  options.endpoint = *endpoint;
  options.target = endpoint->base_path + "/v1/traces";
  options.service_name = "wdrbe";
  auto exporter = tracing::BatchSpanExporter::Start(options);
  if (!exporter.ok()) {
    std::fprintf(stderr, "span_cost: %s\n", exporter.error().message.c_str());
    return 1;
  }

  SystemClock clock;
  SecureRandom seeds;
  obs::TraceIdRandom random(seeds);
  const tracing::SpanTarget target{exporter->get(), &clock, &random, tracing::SpanBackend::kEmbedded};

  // A GET /items/{itemId} as serve records it: its ids are the request's,
  // made whether or not spans are exported, so they are made once here.
  obs::TraceContext sampled = obs::ContinueOrStartTrace(std::nullopt, std::nullopt, random);
  sampled.flags = 1;
  tracing::RequestSpanRecorder recorder(**exporter, clock, {{"GET", "/items/{itemId}"}}, nullptr);
  http::RequestRecord request;
  request.method = "GET";
  request.path = "/items/01JDV2Q0X8M6R2F4S7T9W1Y3Z5";
  request.route_index = 0;
  request.status = 200;
  request.duration_seconds = 0.000031;
  request.request_id = "01JDV2Q0X8M6R2F4S7T9W1Y3Z6";
  request.trace = &sampled;
  request.user_id = "bench-u3";
  request.item_id = "01JDV2Q0X8M6R2F4S7T9W1Y3Z5";

  const tracing::ParentSpan parent{sampled.trace_id, sampled.span_id};
  const tracing::PortCall get_item{"ItemStore.GetItem", "GetItem", tracing::PortEngine::kStore, 0};

  const auto server_span = [&] { recorder.OnRequest(request); };
  const auto client_span = [&] {
    const std::int64_t start = clock.NowNanos();
    tracing::RecordPortCallSpans(target, std::span(&parent, 1), get_item, start, {});
  };
  // Warm the buffers and the collector's connection.
  Measure(**exporter, 20'000, round, server_span);
  const Measured server = Measure(**exporter, spans, round, server_span);
  const Measured client = Measure(**exporter, spans, round, client_span);
  const std::uint64_t dropped = (*exporter)->dropped_queue_full() + (*exporter)->dropped_export_failed();
  (*exporter)->Stop();

  std::printf(
      "{\"server_span_cpu_us\":%.3f,\"server_spans_per_s\":%.0f,\"client_span_cpu_us\":%.3f,"
      "\"client_spans_per_s\":%.0f,\"exported\":%llu,\"dropped\":%llu}\n",
      server.cpu_us_per_span, server.spans_per_s, client.cpu_us_per_span, client.spans_per_s,
      static_cast<unsigned long long>((*exporter)->exported()), static_cast<unsigned long long>(dropped));
  return dropped == 0 ? 0 : 1;
}
