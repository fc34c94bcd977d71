// Throttling, the gateway duty API Gateway did, in the contract's order:
//
//   - a request without a valid token draws only from the bucket of its
//     client address (AdmitAnonymous), so a flood of bad tokens throttles
//     nobody but its sender;
//   - a request with a valid token draws first from its user's bucket, and
//     only when the user is within budget from the server-wide bucket
//     (AdmitUser), so one user over their limit cannot drain the capacity
//     the other users share.
//
// Keyed buckets (users, addresses) live in kShards independently locked
// shards (threads rarely meet on one lock), each bounded to
// kMaxBucketsPerShard. Only full buckets are ever forgotten (a full bucket
// is what a newcomer gets anyway, so forgetting it changes nothing): idle
// ones by a sweep every 10 s, and at once when a shard is full. A key that
// finds its shard full of active buckets shares that shard's overflow
// bucket until room is made, so neither eviction nor a flood of new keys
// can hand a throttled client a fresh bucket. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wdrbe/base/clock.hpp"
#include "wdrbe/http/types.hpp"

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
inline constexpr std::size_t kMaxBucketsPerShard = 4096;  // 262,144 keys in all

// A bucket per key (a user id, an address), bounded as described above.
class KeyedBuckets {
 public:
  KeyedBuckets(const Clock& clock, RateLimit limit);

  // 0 when allowed; otherwise how many milliseconds to wait. Allocates
  // nothing unless the key is new.
  std::int64_t Admit(std::string_view key);
  bool enabled() const { return limit_.per_second > 0; }

  // Buckets held now, overflow buckets not counted (for tests and metrics).
  std::size_t BucketCount();

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, TokenBucket, KeyHash, std::equal_to<>> buckets;  // guarded by mutex
    // Guarded by mutex: the bucket of keys that found the shard full (filled
    // by the constructor).
    TokenBucket overflow{RateLimit{}, 0};
    std::int64_t next_sweep_ms = 0;         // guarded by mutex
    std::int64_t next_forced_sweep_ms = 0;  // guarded by mutex: sweeps of a full shard, at most 1/s
  };
  void Sweep(Shard& shard, std::int64_t now_ms);

  const Clock& clock_;
  const RateLimit limit_;
  std::array<Shard, kShards> shards_;
};

// The key of a client address's bucket: the IPv4 address, or the /64
// prefix of an IPv6 one (one host usually holds a whole /64, so keying by
// the full address would give it 2^64 buckets). IPv4-mapped IPv6 counts as
// IPv4.
std::string AddressBucketKey(const ClientAddress& address);

struct RateLimits {
  RateLimit server;     // --rate-limit, --burst
  RateLimit per_user;   // --user-rate-limit, --user-burst
  RateLimit anonymous;  // --anonymous-rate-limit, --anonymous-burst (per address)
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimits limits);

  // A request without a valid token (or on no route at all): its address's
  // bucket only. 0 when allowed; otherwise how many milliseconds to wait.
  std::int64_t AdmitAnonymous(const ClientAddress& address);
  // A request with a valid token: the user's bucket, then the server's.
  std::int64_t AdmitUser(std::string_view user_id);

  // Buckets held now (for tests and metrics).
  std::size_t UserBucketCount() { return users_.BucketCount(); }
  std::size_t AddressBucketCount() { return addresses_.BucketCount(); }

 private:
  std::int64_t AdmitServerWide();

  const Clock& clock_;
  const RateLimit server_;
  std::mutex server_mutex_;
  TokenBucket server_bucket_;  // guarded by server_mutex_
  KeyedBuckets users_;
  KeyedBuckets addresses_;
};

}  // namespace wdrbe::http
