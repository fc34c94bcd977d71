// The metrics registry: exact sums under concurrency, Prometheus bucket
// semantics, bounded label sets, name rules and the exact text format.
#include "wdrbe/observability/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <latch>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace wdrbe::obs {
namespace {

// Runs body(thread_index) on `threads` threads and waits for all. The
// threads start together, so that their work overlaps.
template <typename Body>
void RunOnThreads(int threads, Body body) {
  std::latch start(threads);
  std::vector<std::thread> running;
  running.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      start.arrive_and_wait();
      body(t);
    });
  }
  for (auto& thread : running) thread.join();
}

// The value of the unlabelled sample `name` in a rendering, if present.
std::optional<double> SampleValue(const std::string& rendered, const std::string& name) {
  std::istringstream lines(rendered);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(name + " ")) return std::stod(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

// How a gauge set to `value` renders its sample.
std::string RenderedGauge(double value) {
  Registry registry;
  registry.AddGauge("g", "h").Set(value);
  const std::string rendered = registry.Render();
  const std::string prefix = "# HELP g h\n# TYPE g gauge\ng ";
  EXPECT_TRUE(rendered.starts_with(prefix)) << rendered;
  return rendered.substr(prefix.size(), rendered.size() - prefix.size() - 1);
}

TEST(CounterTest, StartsAtZeroAndAddsIncrements) {
  Counter counter;
  EXPECT_EQ(counter.Value(), 0u);
  counter.Inc();
  counter.Inc(41);
  EXPECT_EQ(counter.Value(), 42u);
}

TEST(CounterTest, SumsExactlyAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 100'000;
  Counter counter;
  RunOnThreads(kThreads, [&](int) {
    for (int i = 0; i < kIncrements; ++i) counter.Inc();
  });
  EXPECT_EQ(counter.Value(), std::uint64_t{kThreads} * kIncrements);
}

// More threads than shards, so that some threads add to the same slot.
TEST(CounterTest, SumsExactlyWhenThreadsShareShards) {
  constexpr int kThreads = 64;
  constexpr int kIncrements = 50'000;
  Counter counter;
  RunOnThreads(kThreads, [&](int) {
    for (int i = 0; i < kIncrements; ++i) counter.Inc(3);
  });
  EXPECT_EQ(counter.Value(), std::uint64_t{kThreads} * kIncrements * 3);
}

TEST(HistogramTest, AValueEqualToABoundFallsInThatBucket) {
  Histogram histogram({0.1, 1, 10});
  histogram.Observe(0.1);
  histogram.Observe(1);
  histogram.Observe(10);
  const Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.upper_bounds, (std::vector<double>{0.1, 1, 10}));
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{1, 2, 3, 3}));
}

TEST(HistogramTest, ValuesJustAboveABoundFallInTheNextBucket) {
  Histogram histogram({0.1, 1, 10});
  histogram.Observe(std::nextafter(0.1, 1.0));
  histogram.Observe(10.5);
  histogram.Observe(-5);
  EXPECT_EQ(histogram.Read().cumulative_counts, (std::vector<std::uint64_t>{1, 2, 2, 3}));
}

TEST(HistogramTest, NanCountsOnlyInTheInfBucket) {
  Histogram histogram({1});
  histogram.Observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(histogram.Read().cumulative_counts, (std::vector<std::uint64_t>{0, 1}));
}

TEST(HistogramTest, KeepsSumAndCount) {
  Histogram histogram({1, 2});
  for (double value : {0.25, 0.5, 1.5, 4.0}) histogram.Observe(value);
  const Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.count, 4u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 6.25);
  EXPECT_EQ(snapshot.cumulative_counts.back(), snapshot.count);
}

TEST(HistogramTest, CountsEveryObservationAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kObservations = 20'000;
  Histogram histogram({1, 2});
  RunOnThreads(kThreads, [&](int t) {
    for (int i = 0; i < kObservations; ++i) histogram.Observe(t % 2 == 0 ? 1.0 : 3.0);
  });
  const Histogram::Snapshot snapshot = histogram.Read();
  // Even threads observed 1 (bucket le=1), odd threads 3 (only +Inf).
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{80'000, 80'000, 160'000}));
  EXPECT_DOUBLE_EQ(snapshot.sum, 80'000 * 1.0 + 80'000 * 3.0);
  EXPECT_EQ(snapshot.count, 160'000u);
}

TEST(HistogramTest, RefusesBoundsThatAreNotStrictlyAscending) {
  EXPECT_THROW(Histogram({1, 0.5}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
  EXPECT_THROW(Histogram({-std::numeric_limits<double>::infinity(), 1}), std::invalid_argument);
}

TEST(HistogramTest, AnExplicitInfBoundIsNotDoubled) {
  Histogram histogram({1, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(histogram.Read().upper_bounds, (std::vector<double>{1}));
  EXPECT_EQ(histogram.Read().cumulative_counts.size(), 2u);
}

TEST(MetricsTest, LatencyBucketsAreHalfAMillisecondToTenSeconds) {
  EXPECT_EQ(LatencyBucketsSeconds(), (std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
}

TEST(MetricFamilyTest, TheSameValuesReturnTheSameSeries) {
  Registry registry;
  CounterFamily& family = registry.AddCounterFamily("hits_total", "h", {"route", "method"});
  Counter& first = family.WithLabels({"/items", "GET"});
  EXPECT_EQ(&family.WithLabels({"/items", "GET"}), &first);
  EXPECT_NE(&family.WithLabels({"/items", "POST"}), &first);
  EXPECT_EQ(family.Collect().size(), 2u);
}

TEST(MetricFamilyTest, AWrongNumberOfValuesThrows) {
  Registry registry;
  CounterFamily& family = registry.AddCounterFamily("hits_total", "h", {"route", "method"});
  EXPECT_THROW(family.WithLabels({"/items"}), std::invalid_argument);
  EXPECT_THROW(family.WithLabels({"/items", "GET", "extra"}), std::invalid_argument);
  EXPECT_TRUE(family.Collect().empty());
}

TEST(MetricFamilyTest, CombinationsBeyondTheLimitShareOneOtherSeries) {
  Registry registry;
  CounterFamily& family = registry.AddCounterFamily("hits_total", "h", {"category", "colour"}, 2);
  Counter& shirts = family.WithLabels({"shirts", "red"});
  Counter& shoes = family.WithLabels({"shoes", "blue"});
  Counter& hats = family.WithLabels({"hats", "green"});
  EXPECT_EQ(&family.WithLabels({"socks", "black"}), &hats);
  EXPECT_EQ(&family.WithLabels({"other", "other"}), &hats);
  // Series made before the limit keep their own.
  EXPECT_EQ(&family.WithLabels({"shirts", "red"}), &shirts);
  EXPECT_EQ(&family.WithLabels({"shoes", "blue"}), &shoes);

  const auto series = family.Collect();
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].first, (LabelValues{"other", "other"}));
  EXPECT_EQ(series[0].second, &hats);
}

TEST(MetricFamilyTest, TheOtherSeriesDoesNotCountTowardsTheLimit) {
  Registry registry;
  CounterFamily& family = registry.AddCounterFamily("hits_total", "h", {"category"}, 1);
  Counter& shirts = family.WithLabels({"shirts"});
  Counter& other = family.WithLabels({"shoes"});
  EXPECT_NE(&other, &shirts);
  for (const char* category : {"hats", "socks", "belts"}) {
    EXPECT_EQ(&family.WithLabels({category}), &other) << category;
  }
  EXPECT_EQ(family.Collect().size(), 2u);
}

TEST(MetricFamilyTest, CollectOrdersSeriesByLabelValues) {
  Registry registry;
  GaugeFamily& family = registry.AddGaugeFamily("depth", "h", {"queue"});
  for (const char* queue : {"shares", "activity", "retries"}) family.WithLabels({queue});
  const auto series = family.Collect();
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].first, LabelValues{"activity"});
  EXPECT_EQ(series[1].first, LabelValues{"retries"});
  EXPECT_EQ(series[2].first, LabelValues{"shares"});
}

TEST(MetricFamilyTest, ConcurrentLookupsAgreeAndCountEverything) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 10'000;
  Registry registry;
  CounterFamily& family = registry.AddCounterFamily("hits_total", "h", {"category"}, 4);
  RunOnThreads(kThreads, [&](int t) {
    for (int i = 0; i < kIncrements; ++i) family.WithLabels({"c" + std::to_string((t + i) % 8)}).Inc();
  });
  std::uint64_t total = 0;
  for (const auto& [values, counter] : family.Collect()) total += counter->Value();
  EXPECT_EQ(total, std::uint64_t{kThreads} * kIncrements);
  EXPECT_EQ(family.Collect().size(), 5u) << "four categories and other";
}

TEST(RegistryTest, RefusesInvalidMetricNames) {
  Registry registry;
  for (const char* name : {"", "1st", "with-dash", "with space", "caf\xc3\xa9", "a.b"}) {
    EXPECT_THROW(registry.AddCounter(name, "h"), std::invalid_argument) << name;
  }
  for (const char* name : {"a", "_private", ":recording:rule", "http_requests_total", "A9_:z"}) {
    EXPECT_NO_THROW(registry.AddGauge(name, "h")) << name;
  }
}

TEST(RegistryTest, RefusesARepeatedName) {
  Registry registry;
  registry.AddCounter("jobs_total", "h");
  EXPECT_THROW(registry.AddCounter("jobs_total", "h"), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("jobs_total", "h"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounterFamily("jobs_total", "h", {"kind"}), std::invalid_argument);
  EXPECT_THROW(registry.AddGaugeFunction("jobs_total", "h", [] { return 1.0; }), std::invalid_argument);
}

TEST(RegistryTest, AHistogramClaimsItsSampleNames) {
  Registry registry;
  registry.AddHistogram("latency_seconds", "h", {1});
  EXPECT_THROW(registry.AddCounter("latency_seconds_count", "h"), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("latency_seconds_sum", "h"), std::invalid_argument);
  registry.AddGauge("size_bucket", "h");
  EXPECT_THROW(registry.AddHistogramFamily("size", "h", {"kind"}, {1}), std::invalid_argument);
}

TEST(RegistryTest, RefusesInvalidLabelNames) {
  Registry registry;
  for (const char* label : {"", "1st", "with-dash", "has:colon", "__reserved"}) {
    EXPECT_THROW(registry.AddCounterFamily("c_total", "h", {label}), std::invalid_argument) << label;
  }
  EXPECT_THROW(registry.AddGaugeFamily("g", "h", {"kind", "kind"}), std::invalid_argument);
  EXPECT_NO_THROW(registry.AddCounterFamily("ok_total", "h", {"_kind", "Route2"}));
}

TEST(RegistryTest, LeIsReservedForHistograms) {
  Registry registry;
  EXPECT_THROW(registry.AddHistogramFamily("h_seconds", "h", {"route", "le"}, {1}), std::invalid_argument);
  EXPECT_NO_THROW(registry.AddGaugeFamily("g", "h", {"le"}));
}

TEST(RegistryTest, AHistogramFamilyWithBadBoundsFailsAtRegistration) {
  Registry registry;
  EXPECT_THROW(registry.AddHistogramFamily("h_seconds", "h", {"route"}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("h2_seconds", "h", {2, 1}), std::invalid_argument);
}

TEST(RegistryTest, RendersTheTextFormatExactly) {
  Registry registry;
  registry.AddCounter("app_requests_total", "Requests served").Inc(42);
  registry.AddGauge("app_temperature_celsius", "Current temperature").Set(21.5);
  Histogram& latency = registry.AddHistogram("app_latency_seconds", "Request latency", {0.25, 1, 2.5});
  for (double value : {0.25, 0.5, 3.0}) latency.Observe(value);
  CounterFamily& hits =
      registry.AddCounterFamily("app_route_hits_total", "Hits by route", {"route", "method"});
  hits.WithLabels({"/b", "GET"}).Inc(2);
  hits.WithLabels({"/a", "POST"}).Inc();
  registry.AddGaugeFamily("app_queue_depth", "Depth by queue", {"queue"});
  HistogramFamily& sizes = registry.AddHistogramFamily("app_batch_size", "Batch sizes", {"worker"}, {1, 2});
  sizes.WithLabels({"w1"}).Observe(2);
  registry.AddGaugeFunction("app_answer", "Computed at scrape", [] { return 42.0; });

  EXPECT_EQ(registry.Render(),
            "# HELP app_requests_total Requests served\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total 42\n"
            "# HELP app_temperature_celsius Current temperature\n"
            "# TYPE app_temperature_celsius gauge\n"
            "app_temperature_celsius 21.5\n"
            "# HELP app_latency_seconds Request latency\n"
            "# TYPE app_latency_seconds histogram\n"
            "app_latency_seconds_bucket{le=\"0.25\"} 1\n"
            "app_latency_seconds_bucket{le=\"1\"} 2\n"
            "app_latency_seconds_bucket{le=\"2.5\"} 2\n"
            "app_latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "app_latency_seconds_sum 3.75\n"
            "app_latency_seconds_count 3\n"
            "# HELP app_route_hits_total Hits by route\n"
            "# TYPE app_route_hits_total counter\n"
            "app_route_hits_total{route=\"/a\",method=\"POST\"} 1\n"
            "app_route_hits_total{route=\"/b\",method=\"GET\"} 2\n"
            "# HELP app_queue_depth Depth by queue\n"
            "# TYPE app_queue_depth gauge\n"
            "# HELP app_batch_size Batch sizes\n"
            "# TYPE app_batch_size histogram\n"
            "app_batch_size_bucket{worker=\"w1\",le=\"1\"} 0\n"
            "app_batch_size_bucket{worker=\"w1\",le=\"2\"} 1\n"
            "app_batch_size_bucket{worker=\"w1\",le=\"+Inf\"} 1\n"
            "app_batch_size_sum{worker=\"w1\"} 2\n"
            "app_batch_size_count{worker=\"w1\"} 1\n"
            "# HELP app_answer Computed at scrape\n"
            "# TYPE app_answer gauge\n"
            "app_answer 42\n");
}

TEST(RegistryTest, AnEmptyRegistryRendersNothing) { EXPECT_EQ(Registry().Render(), ""); }

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.AddCounterFamily("c_total", "Back\\slash, \"quotes\" stay,\nsecond line", {"v"})
      .WithLabels({"a\\b\"c\nd"})
      .Inc();
  EXPECT_EQ(registry.Render(),
            "# HELP c_total Back\\\\slash, \"quotes\" stay,\\nsecond line\n"
            "# TYPE c_total counter\n"
            "c_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(RegistryTest, FormatsNumbersSoTheyReadBackExactly) {
  EXPECT_EQ(RenderedGauge(0), "0");
  EXPECT_EQ(RenderedGauge(42), "42");
  EXPECT_EQ(RenderedGauge(-3), "-3");
  EXPECT_EQ(RenderedGauge(1e15), "1000000000000000");
  EXPECT_EQ(RenderedGauge(0.1), "0.1");
  EXPECT_EQ(RenderedGauge(0.0005), "0.0005");
  EXPECT_EQ(RenderedGauge(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(RenderedGauge(1e-7), "1e-07");
  EXPECT_EQ(RenderedGauge(1e20), "1e+20");
  EXPECT_EQ(RenderedGauge(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(RenderedGauge(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(RenderedGauge(-std::numeric_limits<double>::infinity()), "-Inf");
  for (double value : {1.0 / 3, 123456.789, 2.5e-9, 0.1 + 0.2}) {
    EXPECT_EQ(std::stod(RenderedGauge(value)), value) << RenderedGauge(value);
  }
}

TEST(RegistryTest, RendersWhileOtherThreadsRecord) {
  Registry registry;
  Counter& counter = registry.AddCounter("c_total", "h");
  HistogramFamily& latency =
      registry.AddHistogramFamily("l_seconds", "h", {"route"}, LatencyBucketsSeconds());
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) EXPECT_FALSE(registry.Render().empty());
  });
  RunOnThreads(4, [&](int t) {
    for (int i = 0; i < 5'000; ++i) {
      counter.Inc();
      latency.WithLabels({"/r" + std::to_string(t)}).Observe(0.001 * i);
    }
  });
  done.store(true);
  scraper.join();
  EXPECT_EQ(SampleValue(registry.Render(), "c_total").value_or(-1), 20'000);
}

TEST(ProcessMetricsTest, RenderPlausibleValues) {
  Registry registry;
  AddProcessMetrics(registry);
  const std::string rendered = registry.Render();
  const auto value = [&](const std::string& name) {
    const std::optional<double> found = SampleValue(rendered, name);
    EXPECT_TRUE(found.has_value()) << name << " missing from:\n" << rendered;
    return found.value_or(std::numeric_limits<double>::quiet_NaN());
  };

  const double resident = value("process_resident_memory_bytes");
  EXPECT_GT(resident, 0);
  EXPECT_GE(value("process_virtual_memory_bytes"), resident);
  const double open_fds = value("process_open_fds");
  EXPECT_GE(open_fds, 3) << "stdin, stdout and stderr at least";
  EXPECT_GT(value("process_max_fds"), open_fds);
  EXPECT_GE(value("process_cpu_seconds_total"), 0);
  EXPECT_NE(rendered.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);

  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = value("process_start_time_seconds");
  EXPECT_LE(start, now + 2) << "clock ticks round the start time";
  EXPECT_GT(start, now - 3600);
  const double uptime = value("wdrbe_uptime_seconds");
  EXPECT_GE(uptime, 0);
  EXPECT_LT(uptime, 3600);
  EXPECT_NEAR(start + uptime, now, 5);
}

}  // namespace
}  // namespace wdrbe::obs
