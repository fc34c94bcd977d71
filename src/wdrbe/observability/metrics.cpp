#include "wdrbe/observability/metrics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

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

std::vector<double> Histogram::CheckBounds(std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) bounds.pop_back();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    // Written as "not greater" so that NaN bounds are refused too.
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
      throw std::invalid_argument("histogram bounds must be finite and strictly ascending");
    }
  }
  return bounds;
}

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
    : upper_bounds_(CheckBounds(std::move(upper_bounds))),
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

}  // namespace wdrbe::obs
