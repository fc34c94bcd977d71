#include "wdrbe/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace wdrbe::http {
namespace {

constexpr std::int64_t kSweepIntervalMs = 10'000;
constexpr std::int64_t kForcedSweepIntervalMs = 1'000;

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

KeyedBuckets::KeyedBuckets(const Clock& clock, RateLimit limit) : clock_(clock), limit_(limit) {
  const std::int64_t now = clock.NowMillis();
  for (Shard& shard : shards_) shard.overflow = TokenBucket(limit, now);
}

std::int64_t KeyedBuckets::Admit(std::string_view key) {
  if (!enabled()) return 0;
  const std::int64_t now = clock_.NowMillis();
  Shard& shard = shards_[KeyHash{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  if (now >= shard.next_sweep_ms) Sweep(shard, now);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxBucketsPerShard && now >= shard.next_forced_sweep_ms) {
      shard.next_forced_sweep_ms = now + kForcedSweepIntervalMs;
      Sweep(shard, now);
    }
    // Still full of active buckets: none may be forgotten (that would reset
    // a throttled client), so the newcomer shares the overflow bucket.
    if (shard.buckets.size() >= kMaxBucketsPerShard) return shard.overflow.TryTake(limit_, now);
    it = shard.buckets.emplace(std::string(key), TokenBucket(limit_, now)).first;
  }
  return it->second.TryTake(limit_, now);
}

void KeyedBuckets::Sweep(Shard& shard, std::int64_t now_ms) {
  shard.next_sweep_ms = now_ms + kSweepIntervalMs;
  std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.IsFull(limit_, now_ms); });
}

std::size_t KeyedBuckets::BucketCount() {
  std::size_t count = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.buckets.size();
  }
  return count;
}

std::string AddressBucketKey(const ClientAddress& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    const auto bytes = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  const auto bytes = v6.to_bytes();
  return std::string(bytes.begin(), bytes.begin() + 8);
}

RateLimiter::RateLimiter(const Clock& clock, RateLimits limits)
    : clock_(clock),
      server_(limits.server),
      server_bucket_(limits.server, clock.NowMillis()),
      users_(clock, limits.per_user),
      addresses_(clock, limits.anonymous) {}

std::int64_t RateLimiter::AdmitAnonymous(const ClientAddress& address) {
  if (!addresses_.enabled()) return 0;
  return addresses_.Admit(AddressBucketKey(address));
}

std::int64_t RateLimiter::AdmitUser(std::string_view user_id) {
  if (std::int64_t wait = users_.Admit(user_id); wait > 0) return wait;
  return AdmitServerWide();
}

std::int64_t RateLimiter::AdmitServerWide() {
  if (server_.per_second <= 0) return 0;
  const std::int64_t now = clock_.NowMillis();
  std::lock_guard lock(server_mutex_);
  return server_bucket_.TryTake(server_, now);
}

}  // namespace wdrbe::http
