// When a failed AWS call is tried again, and after how long: the AWS SDKs'
// "standard" retry mode.
//
// - At most kStandardMaxAttempts attempts (the first and two retries).
// - Retried: throttling (the error codes of IsThrottlingErrorCode, HTTP
//   429), transient errors (HTTP 500/502/503/504, the codes of
//   IsTransientErrorCode) and network failures (no answer, or a timeout).
//   Any other 4xx, and a success, is final.
// - Before retry n (n = 1, 2, ...): a random delay in
//   [0, min(base * 2^(n-1), kMaxRetryBackoffMs)) ("full jitter"), base
//   kRetryBaseDelayMs, or kThrottlingRetryBaseDelayMs after throttling.
// - A retry token bucket shared by all calls of one client: kRetryQuota
//   tokens; a retry takes kRetryCost (kTimeoutRetryCost after a network
//   failure); when the bucket cannot pay, the call fails without retrying,
//   so an outage is not multiplied by retries. A call that succeeds gives
//   back what its last retry took, or kNoRetryIncrement when it needed none
//   (never above the quota).
//
// Pure logic: the randomness is injected and no time passes here; the
// caller waits the delay.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {

inline constexpr int kStandardMaxAttempts = 3;
inline constexpr std::int64_t kRetryBaseDelayMs = 100;
inline constexpr std::int64_t kThrottlingRetryBaseDelayMs = 500;
inline constexpr std::int64_t kMaxRetryBackoffMs = 20'000;
inline constexpr int kRetryQuota = 500;
inline constexpr int kRetryCost = 5;
inline constexpr int kTimeoutRetryCost = 10;
inline constexpr int kNoRetryIncrement = 1;

enum class FailureKind {
  kNotRetryable,  // a client error: the same request fails the same way
  kThrottling,    // the service asks to slow down
  kTransient,     // the service failed (5xx, a transient error code)
  kNetwork,       // no answer: connection lost, refused or timed out
};

// Throttling codes across services, DynamoDB's and SQS's among them
// (ThrottlingException, ProvisionedThroughputExceededException,
// RequestLimitExceeded, RequestThrottled, ...). `code` without namespace.
bool IsThrottlingErrorCode(std::string_view code);
// RequestTimeout, RequestTimeoutException, PriorRequestNotComplete,
// InternalError, InternalFailure, ServiceUnavailable.
bool IsTransientErrorCode(std::string_view code);
// How an answer with `http_status` and error `code` ("" when none) fails.
// Only meaningful for non-2xx answers.
FailureKind ClassifyErrorResponse(int http_status, std::string_view code);

// Thread-safe (a mutex). One per client.
class RetryTokenBucket {
 public:
  explicit RetryTokenBucket(int capacity = kRetryQuota) : capacity_(capacity), available_(capacity) {}

  // Takes the cost of a retry after a failure of `kind`; nothing when the
  // bucket holds less (then do not retry).
  std::optional<int> TryAcquire(FailureKind kind);
  // Gives `tokens` back, up to the capacity.
  void Release(int tokens);
  int Available() const;

 private:
  const int capacity_;
  mutable std::mutex mutex_;
  int available_;  // guarded by mutex_
};

struct RetryOptions {
  int max_attempts = kStandardMaxAttempts;
  std::int64_t base_delay_ms = kRetryBaseDelayMs;
  std::int64_t throttling_base_delay_ms = kThrottlingRetryBaseDelayMs;
  std::int64_t max_backoff_ms = kMaxRetryBackoffMs;
};

// The retry bookkeeping of one call. Not thread-safe: one call, one owner.
// `bucket` and `random` must outlive it.
class RetryState {
 public:
  RetryState(RetryTokenBucket& bucket, RandomSource& random, RetryOptions options = {})
      : bucket_(bucket), random_(random), options_(options) {}

  // After an attempt failed with `kind`: the delay before the next attempt,
  // or nothing when the call must fail now (not retryable, out of attempts,
  // or the bucket is empty).
  std::optional<std::int64_t> NextDelayMs(FailureKind kind);
  // The call succeeded: refunds the bucket.
  void OnSuccess();

  int attempts_made() const { return attempts_; }

 private:
  double RandomFraction();  // uniform in [0, 1)

  RetryTokenBucket& bucket_;
  RandomSource& random_;
  const RetryOptions options_;
  int attempts_ = 1;              // the attempt in progress, counting from 1
  std::optional<int> last_cost_;  // what the last retry took from the bucket
};

}  // namespace wdrbe::aws
