#include "wdrbe/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace wdrbe::http {
namespace {

constexpr std::int64_t kSweepIntervalMs = 10'000;

}  // namespace

void TokenBucket::Refill(const RateLimit& limit, std::int64_t now_ms) {
  if (now_ms <= last_ms_) return;
  tokens_ =
      std::min(limit.burst, tokens_ + static_cast<double>(now_ms - last_ms_) * limit.per_second / 1000.0);
  last_ms_ = now_ms;
}

std::int64_t TokenBucket::TryTake(const RateLimit& limit, std::int64_t now_ms) {
  Refill(limit, now_ms);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return 0;
  }
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil((1.0 - tokens_) * 1000.0 / limit.per_second)));
}

bool TokenBucket::IsFull(const RateLimit& limit, std::int64_t now_ms) const {
  const double refilled =
      tokens_ + static_cast<double>(std::max<std::int64_t>(0, now_ms - last_ms_)) * limit.per_second / 1000.0;
  return refilled >= limit.burst;
}

RateLimiter::RateLimiter(const Clock& clock, RateLimit global, RateLimit per_user)
    : clock_(clock), global_(global), per_user_(per_user), global_bucket_(global, clock.NowMillis()) {}

std::int64_t RateLimiter::AdmitRequest() {
  if (global_.per_second <= 0) return 0;
  const std::int64_t now = clock_.NowMillis();
  std::lock_guard lock(global_mutex_);
  return global_bucket_.TryTake(global_, now);
}

std::int64_t RateLimiter::AdmitUser(std::string_view user_id) {
  if (per_user_.per_second <= 0) return 0;
  const std::int64_t now = clock_.NowMillis();
  Shard& shard = shards_[UserIdHash{}(user_id) % kShards];
  std::lock_guard lock(shard.mutex);
  if (now >= shard.next_sweep_ms) Sweep(shard, now);
  auto it = shard.buckets.find(user_id);
  if (it == shard.buckets.end()) {
    // Still full of recently active users: forget one, in O(1) so that a
    // flood of new users cannot turn this lock into a bottleneck. It gets a
    // full bucket back if it returns, the price of bounded memory.
    if (shard.buckets.size() >= kMaxBucketsPerShard) shard.buckets.erase(shard.buckets.begin());
    it = shard.buckets.emplace(std::string(user_id), TokenBucket(per_user_, now)).first;
  }
  return it->second.TryTake(per_user_, now);
}

void RateLimiter::Sweep(Shard& shard, std::int64_t now_ms) {
  shard.next_sweep_ms = now_ms + kSweepIntervalMs;
  std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.IsFull(per_user_, now_ms); });
}

std::size_t RateLimiter::UserBucketCount() {
  std::size_t count = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.buckets.size();
  }
  return count;
}

}  // namespace wdrbe::http
