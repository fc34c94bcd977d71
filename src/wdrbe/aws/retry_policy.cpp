#include "wdrbe/aws/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace wdrbe::aws {
namespace {

constexpr std::array<std::string_view, 16> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "KmsThrottled",             // SQS: KMS throttled the queue's encryption key
    "KMS.ThrottlingException",  // SQS, as the query error code names it
};

constexpr std::array<std::string_view, 6> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalError",  "InternalFailure",         "ServiceUnavailable",
};

}  // namespace

bool IsThrottlingErrorCode(std::string_view code) {
  return std::find(kThrottlingCodes.begin(), kThrottlingCodes.end(), code) != kThrottlingCodes.end();
}

bool IsTransientErrorCode(std::string_view code) {
  return std::find(kTransientCodes.begin(), kTransientCodes.end(), code) != kTransientCodes.end();
}

FailureKind ClassifyErrorResponse(int http_status, std::string_view code) {
  if (IsThrottlingErrorCode(code) || http_status == 429) return FailureKind::kThrottling;
  if (IsTransientErrorCode(code)) return FailureKind::kTransient;
  if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504) {
    return FailureKind::kTransient;
  }
  return FailureKind::kNotRetryable;
}

std::optional<int> RetryTokenBucket::TryAcquire(FailureKind kind) {
  const int cost = kind == FailureKind::kNetwork ? kTimeoutRetryCost : kRetryCost;
  std::lock_guard lock(mutex_);
  if (available_ < cost) return std::nullopt;
  available_ -= cost;
  return cost;
}

void RetryTokenBucket::Release(int tokens) {
  std::lock_guard lock(mutex_);
  available_ = std::min(capacity_, available_ + tokens);
}

int RetryTokenBucket::Available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

std::optional<std::int64_t> RetryState::NextDelayMs(FailureKind kind) {
  if (kind == FailureKind::kNotRetryable || attempts_ >= options_.max_attempts) return std::nullopt;
  const std::optional<int> cost = bucket_.TryAcquire(kind);
  if (!cost) return std::nullopt;
  last_cost_ = cost;
  const std::int64_t base =
      kind == FailureKind::kThrottling ? options_.throttling_base_delay_ms : options_.base_delay_ms;
  // attempts_ failed so far: retry n = attempts_ waits up to base * 2^(n-1).
  const int doublings = std::min(attempts_ - 1, 30);
  const std::int64_t ceiling = std::min(options_.max_backoff_ms, base << doublings);
  ++attempts_;
  return static_cast<std::int64_t>(RandomFraction() * static_cast<double>(ceiling));
}

void RetryState::OnSuccess() { bucket_.Release(last_cost_.value_or(kNoRetryIncrement)); }

double RetryState::RandomFraction() {
  std::uint8_t bytes[8];
  random_.Fill(bytes);
  std::uint64_t bits = 0;
  std::memcpy(&bits, bytes, sizeof(bits));
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace wdrbe::aws
