// Prometheus metrics: counters, gauges and histograms, optionally with
// labels, rendered in the text exposition format (version 0.0.4).
//
// The hot path takes no lock: a counter or histogram is a set of atomic
// slots spread over cache lines (a thread adds to the slot of its own
// shard, relaxed), summed when /metrics is scraped. Looking a labelled
// series up takes a shared lock; callers on hot paths look their series up
// once and keep the pointer (series live as long as the registry).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wdrbe::obs {

using LabelValues = std::vector<std::string>;

// Sums of relaxed atomic slots, one per shard (cache line).
class Counter {
 public:
  Counter();
  ~Counter();
  void Inc(std::uint64_t by = 1);
  std::uint64_t Value() const;

 private:
  struct Slots;
  std::unique_ptr<Slots> slots_;
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative buckets with the given upper bounds (ascending, +Inf implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // CheckBounds()ed
  ~Histogram();
  void Observe(double value);

  // The bounds without a trailing +Inf (always the last bucket, so it may be
  // written out or not); throws std::invalid_argument unless they are finite
  // and strictly ascending.
  static std::vector<double> CheckBounds(std::vector<double> bounds);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  // Per shard: one count per bucket (not cumulative; +Inf last), then the
  // bits of the shard's sum as a double.
  struct Slots;
  std::vector<double> upper_bounds_;  // ascending, without +Inf
  std::unique_ptr<Slots> slots_;
};

// Bucket bounds for request latencies, in seconds (0.5 ms to 10 s).
std::vector<double> LatencyBucketsSeconds();

// A metric with labels. At most `max_series` label combinations are kept;
// any further combination is counted under every label set to "other", so a
// label fed from user input (an item's category) cannot grow memory or the
// scrape without bound.
template <typename Series>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::size_t max_series,
         std::function<std::unique_ptr<Series>()> make)
      : label_names_(std::move(label_names)), max_series_(max_series), make_(std::move(make)) {}

  // The series for these values (one per label name); stable address.
  Series& WithLabels(const LabelValues& values);

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Every series so far, ordered by label values.
  std::vector<std::pair<LabelValues, const Series*>> Collect() const;

 private:
  std::vector<std::string> label_names_;
  std::size_t max_series_;
  std::function<std::unique_ptr<Series>()> make_;
  mutable std::shared_mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Series>> series_;  // guarded by mutex_
  // Series created within max_series_; the "other" series is not one of them.
  std::size_t counted_series_ = 0;  // guarded by mutex_
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Owns every metric and renders them. Register at start-up (names must be
// unique and valid Prometheus names; a bad or repeated name throws
// std::invalid_argument, a programming error); record from any thread.
class Registry {
 public:
  Registry();
  ~Registry();

  Counter& AddCounter(std::string name, std::string help);
  Gauge& AddGauge(std::string name, std::string help);
  // A gauge read when /metrics is rendered (process figures).
  void AddGaugeFunction(std::string name, std::string help, std::function<double()> read);
  // A counter kept by someone else (the kernel's CPU time, the server's
  // connection figures), read when /metrics is rendered; `read` must never
  // decrease.
  void AddCounterFunction(std::string name, std::string help, std::function<double()> read);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds);
  CounterFamily& AddCounterFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                  std::size_t max_series = 1000);
  GaugeFamily& AddGaugeFamily(std::string name, std::string help, std::vector<std::string> label_names,
                              std::size_t max_series = 1000);
  HistogramFamily& AddHistogramFamily(std::string name, std::string help,
                                      std::vector<std::string> label_names, std::vector<double> upper_bounds,
                                      std::size_t max_series = 1000);

  // The text exposition format: # HELP and # TYPE lines, then samples;
  // metrics in registration order, series in label order; label values
  // escaped (\\, \", \n); counters end in _total as registered.
  std::string Render() const;

 private:
  struct Entry;
  // Checks the entry's name (and the sample names it implies) and keeps it.
  void Add(std::unique_ptr<Entry> entry);

  // Registration normally happens before serving, but the lock keeps a late
  // registration from racing a scrape.
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;      // guarded by mutex_
  std::set<std::string, std::less<>> sample_names_;  // guarded by mutex_
};

// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_cpu_seconds_total,
// process_start_time_seconds (read from /proc/self at scrape time) and
// wdrbe_uptime_seconds.
void AddProcessMetrics(Registry& registry);

}  // namespace wdrbe::obs
