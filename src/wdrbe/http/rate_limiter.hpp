// Throttling, the gateway duty API Gateway did: a token bucket for the whole
// server, checked before any JWT work (so unauthenticated floods are cheap
// to refuse), and one per user, checked once the user is known.
//
// Per-user buckets live in kShards independently locked shards (threads
// rarely meet on one lock), each bounded: idle buckets (full again) are
// evicted by a sweep every 10 s, and a shard still at kMaxBucketsPerShard
// forgets one bucket for each new user. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wdrbe/base/clock.hpp"

namespace wdrbe::http {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // bucket size; at least 1 when limited
};

// One bucket; not thread-safe by itself.
class TokenBucket {
 public:
  TokenBucket(const RateLimit& limit, std::int64_t now_ms) : tokens_(limit.burst), last_ms_(now_ms) {}
  // 0 when a token was taken; otherwise milliseconds until one will be there.
  std::int64_t TryTake(const RateLimit& limit, std::int64_t now_ms);
  // True when, refilled to now, the bucket is full (so forgetting it changes nothing).
  bool IsFull(const RateLimit& limit, std::int64_t now_ms) const;

 private:
  void Refill(const RateLimit& limit, std::int64_t now_ms);
  double tokens_;
  std::int64_t last_ms_;
};

inline constexpr std::size_t kShards = 64;
inline constexpr std::size_t kMaxBucketsPerShard = 4096;  // 262,144 users in all

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimit global, RateLimit per_user);

  // 0 when allowed; otherwise how many milliseconds to wait.
  std::int64_t AdmitRequest();
  std::int64_t AdmitUser(std::string_view user_id);

  // Buckets held now (for tests and metrics).
  std::size_t UserBucketCount();

 private:
  // Looks a user up by string_view: admitting a request allocates nothing
  // unless the user is new.
  struct UserIdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view user_id) const { return std::hash<std::string_view>{}(user_id); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, TokenBucket, UserIdHash, std::equal_to<>> buckets;  // guarded by mutex
    std::int64_t next_sweep_ms = 0;                                                     // guarded by mutex
  };
  void Sweep(Shard& shard, std::int64_t now_ms);

  const Clock& clock_;
  const RateLimit global_;
  const RateLimit per_user_;
  std::mutex global_mutex_;
  TokenBucket global_bucket_;  // guarded by global_mutex_
  std::array<Shard, kShards> shards_;
};

}  // namespace wdrbe::http
