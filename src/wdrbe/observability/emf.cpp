#include "wdrbe/observability/emf.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "wdrbe/base/json_writer.hpp"

namespace wdrbe::obs {
namespace {

constexpr std::string_view kItemCreated = "ItemCreated";
constexpr std::string_view kCategoryPrefix = "ItemCreated_";
constexpr std::string_view kBatchSize = "BatchSize";

// The contract's counters that are plain counters, by their EMF names.
struct NamedCounter {
  std::string_view name;
  const Counter* counter;
};

// How much `now` grew since `published`, which then becomes `now`. A
// counter never decreases; if one seemed to, nothing is published for it.
std::uint64_t Grown(std::uint64_t now, std::uint64_t& published) {
  const std::uint64_t grown = now > published ? now - published : 0;
  published = now;
  return grown;
}

void AppendNumber(std::string& out, double value) {
  // Counts are integers; they are written as such.
  if (value == std::floor(value) && std::fabs(value) < 9.0e15) {
    out.append(std::to_string(static_cast<std::int64_t>(value)));
    return;
  }
  char digits[32];
  const auto written = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, written.ptr);
}

// The number of value slices (of at most kEmfMaxValuesPerMetric) of `values`.
std::size_t Slices(const std::vector<double>& values) {
  return (values.size() + kEmfMaxValuesPerMetric - 1) / kEmfMaxValuesPerMetric;
}

}  // namespace

EmfPublisher::EmfPublisher(const ServiceMetrics& metrics, std::string service)
    : metrics_(metrics), service_(std::move(service)) {}

std::vector<double> EmfPublisher::BatchSizes() {
  // BatchSize's bucket bounds are the integers 1-10 (service_metrics.cpp),
  // so a batch's size is the bound of its bucket. Batches larger than the
  // last bound (an event source mapping with a batching window may deliver
  // more than 10 records) are published as their mean, which keeps Sum,
  // SampleCount and Average exact.
  Histogram::Snapshot now = metrics_.worker.batch_size.Read();
  const Histogram::Snapshot& before = published_batches_;
  std::vector<double> sizes;
  double published_sum = 0;
  std::uint64_t previous_now = 0;
  std::uint64_t previous_before = 0;
  for (std::size_t i = 0; i < now.cumulative_counts.size(); ++i) {
    const std::uint64_t in_bucket_now = now.cumulative_counts[i] - previous_now;
    const std::uint64_t cumulative_before =
        i < before.cumulative_counts.size() ? before.cumulative_counts[i] : 0;
    const std::uint64_t in_bucket_before = cumulative_before - previous_before;
    previous_now = now.cumulative_counts[i];
    previous_before = cumulative_before;
    const std::uint64_t batches = in_bucket_now > in_bucket_before ? in_bucket_now - in_bucket_before : 0;
    if (batches == 0) continue;
    if (i < now.upper_bounds.size()) {
      sizes.insert(sizes.end(), batches, now.upper_bounds[i]);
      published_sum += now.upper_bounds[i] * static_cast<double>(batches);
    } else {
      const double mean = (now.sum - before.sum - published_sum) / static_cast<double>(batches);
      sizes.insert(sizes.end(), batches, mean);
    }
  }
  published_batches_ = std::move(now);
  return sizes;
}

std::vector<EmfPublisher::Change> EmfPublisher::CollectChanges() {
  std::vector<Change> categories;
  std::uint64_t created = 0;
  for (const auto& [labels, counter] : metrics_.items.created.Collect()) {
    const std::string& category = labels.front();
    const std::uint64_t grown = Grown(counter->Value(), published_categories_[category]);
    if (grown == 0) continue;
    created += grown;
    categories.push_back({std::string(kCategoryPrefix) + category, {static_cast<double>(grown)}});
  }

  std::vector<Change> changes;
  if (created > 0) changes.push_back({std::string(kItemCreated), {static_cast<double>(created)}});
  const auto add_counter = [&](std::string_view name, const Counter& counter) {
    auto published = published_.find(name);
    if (published == published_.end()) published = published_.emplace(std::string(name), 0).first;
    const std::uint64_t grown = Grown(counter.Value(), published->second);
    if (grown > 0) changes.push_back({std::string(name), {static_cast<double>(grown)}});
  };
  add_counter("ItemCreatedIdempotent", metrics_.items.created_idempotent);
  for (Change& category : categories) changes.push_back(std::move(category));
  add_counter("ItemsListed", metrics_.items.listed);
  add_counter("ShareEventsEnqueued", metrics_.shares.enqueued);
  add_counter("UnhandledErrors", metrics_.http.unhandled_errors);
  add_counter("ShareEventsProcessed", metrics_.worker.processed);
  add_counter("ItemNotFound", metrics_.worker.item_not_found);
  if (std::vector<double> sizes = BatchSizes(); !sizes.empty()) {
    changes.push_back({std::string(kBatchSize), std::move(sizes)});
  }
  add_counter("SuccessfulRecords", metrics_.worker.successful);
  add_counter("FailedRecords", metrics_.worker.failed);
  return changes;
}

std::vector<std::string> EmfPublisher::Take(std::int64_t timestamp_ms,
                                            std::initializer_list<EmfProperty> properties) {
  std::lock_guard lock(mutex_);
  const std::vector<Change> changes = CollectChanges();
  std::size_t slices = 0;
  for (const Change& change : changes) slices = std::max(slices, Slices(change.values));

  // Slice 0 of every metric first, then the further slices of the metrics
  // that have more than kEmfMaxValuesPerMetric values (a busy interval's
  // BatchSize), each document with at most kEmfMaxMetricsPerDocument.
  std::vector<std::string> documents;
  for (std::size_t slice = 0; slice < slices; ++slice) {
    std::vector<const Change*> in_slice;
    for (const Change& change : changes) {
      if (slice < Slices(change.values)) in_slice.push_back(&change);
    }
    for (std::size_t first = 0; first < in_slice.size(); first += kEmfMaxMetricsPerDocument) {
      const std::size_t last = std::min(in_slice.size(), first + kEmfMaxMetricsPerDocument);
      const std::vector<const Change*> chunk(in_slice.begin() + static_cast<std::ptrdiff_t>(first),
                                             in_slice.begin() + static_cast<std::ptrdiff_t>(last));
      documents.push_back(Document(timestamp_ms, chunk, slice, properties));
    }
  }
  return documents;
}

std::string EmfPublisher::Document(std::int64_t timestamp_ms, const std::vector<const Change*>& metrics,
                                   std::size_t slice, std::initializer_list<EmfProperty> properties) const {
  std::string out;
  JsonWriter json(out);
  json.BeginObject().Key("_aws").BeginObject();
  json.Key("Timestamp").Int(timestamp_ms);
  json.Key("CloudWatchMetrics").BeginArray().BeginObject();
  json.Member("Namespace", kEmfNamespace);
  json.Key("Dimensions").BeginArray().BeginArray().String(kEmfServiceDimension).EndArray().EndArray();
  json.Key("Metrics").BeginArray();
  for (const Change* metric : metrics) {
    json.BeginObject().Member("Name", metric->name).Member("Unit", "Count").EndObject();
  }
  json.EndArray().EndObject().EndArray();
  json.EndObject();  // _aws
  json.Member(kEmfServiceDimension, service_);
  for (const EmfProperty& property : properties) {
    if (!property.value.empty()) json.Member(property.key, property.value);
  }
  for (const Change* metric : metrics) {
    const std::size_t first = slice * kEmfMaxValuesPerMetric;
    const std::size_t last = std::min(metric->values.size(), first + kEmfMaxValuesPerMetric);
    std::string values;
    if (last - first == 1) {
      AppendNumber(values, metric->values[first]);
    } else {
      values.push_back('[');
      for (std::size_t i = first; i < last; ++i) {
        if (i > first) values.push_back(',');
        AppendNumber(values, metric->values[i]);
      }
      values.push_back(']');
    }
    json.Key(metric->name).Raw(values);
  }
  json.EndObject();
  return out;
}

}  // namespace wdrbe::obs
