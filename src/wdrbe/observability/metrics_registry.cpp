#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>

#include "wdrbe/observability/metrics.hpp"

namespace wdrbe::obs {

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
  auto family = std::make_unique<HistogramFamily>(std::move(label_names), max_series,
                                                  [bounds = Histogram::CheckBounds(std::move(upper_bounds))] {
                                                    return std::make_unique<Histogram>(bounds);
                                                  });
  HistogramFamily& added = *family;
  Add(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family)}));
  return added;
}

// Rendering, in the text exposition format.

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
