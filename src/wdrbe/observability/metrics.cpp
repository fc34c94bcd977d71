#include "wdrbe/observability/metrics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>

namespace wdrbe::obs {
namespace {

// Enough shards that a handful of I/O and worker threads rarely share one.
constexpr std::size_t kShards = 16;
constexpr std::size_t kCacheLineBytes = 64;
constexpr std::size_t kWordsPerLine = kCacheLineBytes / sizeof(std::uint64_t);

// The label value every combination beyond a family's max_series shares.
constexpr std::string_view kOverflowLabelValue = "other";

LabelValues OverflowValues(std::size_t label_count) {
  return LabelValues(label_count, std::string(kOverflowLabelValue));
}

struct alignas(kCacheLineBytes) CacheLine {
  std::atomic<std::uint64_t> words[kWordsPerLine];
};

// The calling thread's shard, chosen once per thread. Threads take shards in
// turn rather than by hashing their id, so the first kShards threads are
// guaranteed distinct shards; the ticket only ever grows.
std::size_t ThisThreadShard() {
  static std::atomic<std::size_t> next_ticket{0};
  thread_local const std::size_t shard = next_ticket.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

// The bounds without a trailing +Inf (always the last bucket, so it may be
// written out or not); throws unless finite and strictly ascending.
std::vector<double> CheckedBounds(std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) bounds.pop_back();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    // Written as "not greater" so that NaN bounds are refused too.
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
      throw std::invalid_argument("histogram bounds must be finite and strictly ascending");
    }
  }
  return bounds;
}

}  // namespace

// ---------------------------------------------------------------- Counter

struct Counter::Slots {
  struct alignas(kCacheLineBytes) Slot {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<Slot, kShards> shards;
};

Counter::Counter() : slots_(std::make_unique<Slots>()) {}
Counter::~Counter() = default;

void Counter::Inc(std::uint64_t by) {
  slots_->shards[ThisThreadShard()].value.fetch_add(by, std::memory_order_relaxed);
}

std::uint64_t Counter::Value() const {
  std::uint64_t total = 0;
  for (const auto& slot : slots_->shards) total += slot.value.load(std::memory_order_relaxed);
  return total;
}

// -------------------------------------------------------------- Histogram

// Each shard owns whole cache lines, so two threads on different shards
// never write the same line. The sum is kept as a double's bits, added with
// a compare-exchange loop: exact for any unit and range, where integer
// nano-units would overflow or round for values far from seconds. The loop
// rarely retries because a shard is mostly written by one thread.
struct Histogram::Slots {
  explicit Slots(std::size_t buckets)
      : sum_word(buckets),
        lines_per_shard((buckets + 1 + kWordsPerLine - 1) / kWordsPerLine),
        lines(std::make_unique<CacheLine[]>(kShards * lines_per_shard)) {}

  std::atomic<std::uint64_t>& Word(std::size_t shard, std::size_t index) const {
    return lines[shard * lines_per_shard + index / kWordsPerLine].words[index % kWordsPerLine];
  }

  const std::size_t sum_word;  // index of the sum; buckets come before it
  const std::size_t lines_per_shard;
  std::unique_ptr<CacheLine[]> lines;
};

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(CheckedBounds(std::move(upper_bounds))),
      slots_(std::make_unique<Slots>(upper_bounds_.size() + 1)) {}

Histogram::~Histogram() = default;

void Histogram::Observe(double value) {
  // The first bound >= value: a value equal to a bound belongs to it ("le").
  // NaN compares false to every bound, so it is sent to +Inf explicitly.
  const std::size_t bucket =
      std::isnan(value)
          ? upper_bounds_.size()
          : static_cast<std::size_t>(std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
                                     upper_bounds_.begin());
  const std::size_t shard = ThisThreadShard();
  slots_->Word(shard, bucket).fetch_add(1, std::memory_order_relaxed);

  std::atomic<std::uint64_t>& sum = slots_->Word(shard, slots_->sum_word);
  std::uint64_t old_bits = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(old_bits,
                                    std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + value),
                                    std::memory_order_relaxed)) {
  }
}

// The count is the sum of the buckets rather than a separate word, so a scrape
// racing Observe never shows a count that disagrees with the +Inf bucket.
Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  snapshot.cumulative_counts.assign(upper_bounds_.size() + 1, 0);
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    for (std::size_t bucket = 0; bucket < snapshot.cumulative_counts.size(); ++bucket) {
      snapshot.cumulative_counts[bucket] += slots_->Word(shard, bucket).load(std::memory_order_relaxed);
    }
    snapshot.sum +=
        std::bit_cast<double>(slots_->Word(shard, slots_->sum_word).load(std::memory_order_relaxed));
  }
  for (std::size_t bucket = 1; bucket < snapshot.cumulative_counts.size(); ++bucket) {
    snapshot.cumulative_counts[bucket] += snapshot.cumulative_counts[bucket - 1];
  }
  snapshot.count = snapshot.cumulative_counts.back();
  return snapshot;
}

std::vector<double> LatencyBucketsSeconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// ----------------------------------------------------------------- Family

template <typename Series>
Series& Family<Series>::WithLabels(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("expected " + std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(values.size()));
  }
  {
    std::shared_lock lock(mutex_);
    if (auto it = series_.find(values); it != series_.end()) return *it->second;
    // Once full, unseen combinations keep to the shared lock as well.
    if (counted_series_ >= max_series_) {
      if (auto it = series_.find(OverflowValues(values.size())); it != series_.end()) return *it->second;
    }
  }
  std::unique_lock lock(mutex_);
  // Another thread may have inserted it between the two locks.
  if (auto it = series_.find(values); it != series_.end()) return *it->second;
  if (counted_series_ < max_series_) {
    ++counted_series_;
    return *series_.emplace(values, make_()).first->second;
  }
  auto [it, inserted] = series_.try_emplace(OverflowValues(values.size()));
  if (inserted) it->second = make_();
  return *it->second;
}

template <typename Series>
std::vector<std::pair<LabelValues, const Series*>> Family<Series>::Collect() const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<LabelValues, const Series*>> all;
  all.reserve(series_.size());
  for (const auto& [values, series] : series_) all.emplace_back(values, series.get());
  return all;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --------------------------------------------------------------- Registry

namespace {

// Values read when rendering, told apart by the TYPE they render with.
struct GaugeFunction {
  std::function<double()> read;
};
struct CounterFunction {
  std::function<double()> read;
};

}  // namespace

struct Registry::Entry {
  using Metric = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>,
                              std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
                              std::unique_ptr<HistogramFamily>, GaugeFunction, CounterFunction>;
  std::string name;
  std::string help;
  Metric metric;

  template <typename... Kinds>
  bool is_one_of() const {
    return (std::holds_alternative<Kinds>(metric) || ...);
  }
  bool is_histogram() const {
    return is_one_of<std::unique_ptr<Histogram>, std::unique_ptr<HistogramFamily>>();
  }
  std::string_view type() const {
    if (is_histogram()) return "histogram";
    if (is_one_of<std::unique_ptr<Counter>, std::unique_ptr<CounterFamily>, CounterFunction>())
      return "counter";
    return "gauge";
  }
};

namespace {

bool IsValidName(std::string_view name, bool allow_colon) {
  const auto is_first = [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  };
  const auto is_rest = [&](char c) { return is_first(c) || (c >= '0' && c <= '9'); };
  return !name.empty() && is_first(name.front()) && std::all_of(name.begin() + 1, name.end(), is_rest);
}

// Label names starting with "__" belong to Prometheus; "le" carries a
// histogram's bucket bound.
void CheckLabelNames(const std::vector<std::string>& names, bool is_histogram) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (!IsValidName(name, /*allow_colon=*/false) || name.starts_with("__")) {
      throw std::invalid_argument("invalid label name '" + name + "'");
    }
    if (is_histogram && name == "le") throw std::invalid_argument("label name 'le' is reserved for buckets");
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("label name '" + name + "' given twice");
    }
  }
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::Add(std::unique_ptr<Entry> entry) {
  if (!IsValidName(entry->name, /*allow_colon=*/true)) {
    throw std::invalid_argument("invalid metric name '" + entry->name + "'");
  }
  // A histogram's samples are named name_bucket, name_sum and name_count, so
  // it also claims those names.
  std::vector<std::string> claimed = {entry->name};
  if (entry->is_histogram()) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) claimed.push_back(entry->name + suffix);
  }
  std::lock_guard lock(mutex_);
  for (const std::string& name : claimed) {
    if (sample_names_.contains(name)) throw std::invalid_argument("metric name '" + name + "' taken");
  }
  sample_names_.insert(claimed.begin(), claimed.end());
  entries_.push_back(std::move(entry));
}

Counter& Registry::AddCounter(std::string name, std::string help) {
  auto counter = std::make_unique<Counter>();
  Counter& added = *counter;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(counter)}));
  return added;
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  auto gauge = std::make_unique<Gauge>();
  Gauge& added = *gauge;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(gauge)}));
  return added;
}

void Registry::AddGaugeFunction(std::string name, std::string help, std::function<double()> read) {
  if (!read) throw std::invalid_argument("gauge function '" + name + "' is empty");
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), GaugeFunction{std::move(read)}}));
}

void Registry::AddCounterFunction(std::string name, std::string help, std::function<double()> read) {
  if (!read) throw std::invalid_argument("counter function '" + name + "' is empty");
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), CounterFunction{std::move(read)}}));
}

Histogram& Registry::AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds) {
  auto histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  Histogram& added = *histogram;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(histogram)}));
  return added;
}

CounterFamily& Registry::AddCounterFamily(std::string name, std::string help,
                                          std::vector<std::string> label_names, std::size_t max_series) {
  CheckLabelNames(label_names, /*is_histogram=*/false);
  auto family = std::make_unique<CounterFamily>(std::move(label_names), max_series,
                                                [] { return std::make_unique<Counter>(); });
  CounterFamily& added = *family;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family)}));
  return added;
}

GaugeFamily& Registry::AddGaugeFamily(std::string name, std::string help,
                                      std::vector<std::string> label_names, std::size_t max_series) {
  CheckLabelNames(label_names, /*is_histogram=*/false);
  auto family = std::make_unique<GaugeFamily>(std::move(label_names), max_series,
                                              [] { return std::make_unique<Gauge>(); });
  GaugeFamily& added = *family;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family)}));
  return added;
}

HistogramFamily& Registry::AddHistogramFamily(std::string name, std::string help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> upper_bounds, std::size_t max_series) {
  CheckLabelNames(label_names, /*is_histogram=*/true);
  // Checked now, so that bad bounds fail at registration, not at first use.
  auto family = std::make_unique<HistogramFamily>(
      std::move(label_names), max_series,
      [bounds = CheckedBounds(std::move(upper_bounds))] { return std::make_unique<Histogram>(bounds); });
  HistogramFamily& added = *family;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family)}));
  return added;
}

// ------------------------------------------------------------- Rendering

namespace {

// Integers print as integers (42, not 42.0 or 4.2e+01); other values as the
// shortest text that reads back as the same double, without an exponent
// unless they are very small or very large.
void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  constexpr double kLargestPlainInteger = 1e18;  // fits an int64 exactly
  constexpr double kSmallestPlainFraction = 1e-4;
  char buffer[64];
  std::to_chars_result result;
  if (value == std::trunc(value) && std::fabs(value) < kLargestPlainInteger) {
    result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value));
  } else if (std::fabs(value) >= kSmallestPlainFraction && std::fabs(value) < kLargestPlainInteger) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  out.append(buffer, result.ptr);
}

void AppendNumber(std::string& out, std::uint64_t value) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

// HELP text escapes \ and newline; label values also escape ".
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

struct Labels {
  const std::vector<std::string>& names;
  const LabelValues& values;
};

const std::vector<std::string> kNoLabelNames;
const LabelValues kNoLabelValues;
const Labels kNoLabels{kNoLabelNames, kNoLabelValues};

// `name{labels,le="bound"} ` up to the value; braces only if there are labels.
void AppendSampleName(std::string& out, std::string_view name, const Labels& labels,
                      const double* le = nullptr) {
  out += name;
  if (!labels.names.empty() || le != nullptr) {
    out += '{';
    for (std::size_t i = 0; i < labels.names.size(); ++i) {
      if (i > 0) out += ',';
      out += labels.names[i];
      out += "=\"";
      AppendEscaped(out, labels.values[i], /*escape_quote=*/true);
      out += '"';
    }
    if (le != nullptr) {
      out += labels.names.empty() ? "le=\"" : ",le=\"";
      AppendNumber(out, *le);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void AppendSeries(std::string& out, const std::string& name, const Labels& labels, const Counter& counter) {
  AppendSampleName(out, name, labels);
  AppendNumber(out, counter.Value());
  out += '\n';
}

void AppendSeries(std::string& out, const std::string& name, const Labels& labels, const Gauge& gauge) {
  AppendSampleName(out, name, labels);
  AppendNumber(out, gauge.Value());
  out += '\n';
}

void AppendSeries(std::string& out, const std::string& name, const Labels& labels,
                  const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.Read();
  const std::string bucket_name = name + "_bucket";
  for (std::size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
    const double bound =
        i < snapshot.upper_bounds.size() ? snapshot.upper_bounds[i] : std::numeric_limits<double>::infinity();
    AppendSampleName(out, bucket_name, labels, &bound);
    AppendNumber(out, snapshot.cumulative_counts[i]);
    out += '\n';
  }
  AppendSampleName(out, name + "_sum", labels);
  AppendNumber(out, snapshot.sum);
  out += '\n';
  AppendSampleName(out, name + "_count", labels);
  AppendNumber(out, snapshot.count);
  out += '\n';
}

template <typename Series>
void AppendFamily(std::string& out, const std::string& name, const Family<Series>& family) {
  for (const auto& [values, series] : family.Collect()) {
    AppendSeries(out, name, Labels{family.label_names(), values}, *series);
  }
}

}  // namespace

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) {
    out += "# HELP ";
    out += entry->name;
    out += ' ';
    AppendEscaped(out, entry->help, /*escape_quote=*/false);
    out += "\n# TYPE ";
    out += entry->name;
    out += ' ';
    out += entry->type();
    out += '\n';
    const std::string& name = entry->name;
    std::visit(
        [&](const auto& metric) {
          using Metric = std::decay_t<decltype(metric)>;
          if constexpr (std::is_same_v<Metric, GaugeFunction> || std::is_same_v<Metric, CounterFunction>) {
            AppendSampleName(out, name, kNoLabels);
            AppendNumber(out, metric.read());
            out += '\n';
          } else if constexpr (std::is_same_v<Metric, std::unique_ptr<CounterFamily>> ||
                               std::is_same_v<Metric, std::unique_ptr<GaugeFamily>> ||
                               std::is_same_v<Metric, std::unique_ptr<HistogramFamily>>) {
            AppendFamily(out, name, *metric);
          } else {
            AppendSeries(out, name, kNoLabels, *metric);
          }
        },
        entry->metric);
  }
  return out;
}

}  // namespace wdrbe::obs
