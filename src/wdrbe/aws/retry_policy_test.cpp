#include "wdrbe/aws/retry_policy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace wdrbe::aws {
namespace {

// Draws the fractions it is given, in turn (the last one repeats).
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<double> fractions) : fractions_(std::move(fractions)) {}
  void Fill(std::span<std::uint8_t> out) override {
    const double fraction = fractions_[std::min(next_++, fractions_.size() - 1)];
    const std::uint64_t bits = static_cast<std::uint64_t>(fraction * 0x1.0p53) << 11;
    ASSERT_EQ(out.size(), sizeof(bits));
    std::memcpy(out.data(), &bits, sizeof(bits));
  }

 private:
  std::vector<double> fractions_;
  std::size_t next_ = 0;
};

TEST(ClassifyErrorResponseTest, ThrottlingTransientAndFinalAnswers) {
  EXPECT_EQ(ClassifyErrorResponse(400, "ThrottlingException"), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(400, "ProvisionedThroughputExceededException"), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(400, "RequestLimitExceeded"), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(400, "TooManyRequestsException"), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(400, "RequestThrottled"), FailureKind::kThrottling);  // SQS
  EXPECT_EQ(ClassifyErrorResponse(400, "Throttling"), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(429, ""), FailureKind::kThrottling);
  EXPECT_EQ(ClassifyErrorResponse(500, "InternalServerError"), FailureKind::kTransient);
  EXPECT_EQ(ClassifyErrorResponse(503, ""), FailureKind::kTransient);
  EXPECT_EQ(ClassifyErrorResponse(504, ""), FailureKind::kTransient);
  EXPECT_EQ(ClassifyErrorResponse(400, "RequestTimeoutException"), FailureKind::kTransient);
  EXPECT_EQ(ClassifyErrorResponse(400, "ConditionalCheckFailedException"), FailureKind::kNotRetryable);
  EXPECT_EQ(ClassifyErrorResponse(400, "ValidationException"), FailureKind::kNotRetryable);
  EXPECT_EQ(ClassifyErrorResponse(403, "AccessDeniedException"), FailureKind::kNotRetryable);
  EXPECT_EQ(ClassifyErrorResponse(501, ""), FailureKind::kNotRetryable);
}

TEST(RetryStateTest, AtMostThreeAttemptsWithFullJitterExponentialBackoff) {
  RetryTokenBucket bucket;
  ScriptedRandom random({0.5, 0.999});
  RetryState state(bucket, random);
  // Retry 1: up to 100 ms, drawn 0.5 -> 50 ms; retry 2: up to 200 ms.
  EXPECT_EQ(state.NextDelayMs(FailureKind::kTransient), 50);
  EXPECT_EQ(state.NextDelayMs(FailureKind::kTransient), 199);
  EXPECT_EQ(state.NextDelayMs(FailureKind::kTransient), std::nullopt);  // three attempts made
  EXPECT_EQ(state.attempts_made(), 3);
}

TEST(RetryStateTest, ThrottlingBacksOffFromAHigherBaseAndEverythingIsCapped) {
  RetryTokenBucket bucket;
  ScriptedRandom random({0.5});
  RetryState throttled(bucket, random);
  EXPECT_EQ(throttled.NextDelayMs(FailureKind::kThrottling), 250);  // half of 500 ms

  RetryState many(bucket, random, RetryOptions{.max_attempts = 12});
  std::int64_t last = 0;
  for (int i = 0; i < 11; ++i) last = *many.NextDelayMs(FailureKind::kThrottling);
  EXPECT_EQ(last, kMaxRetryBackoffMs / 2);  // 500 * 2^10 ms capped at 20 s, half of it drawn
}

TEST(RetryStateTest, ClientErrorsAreNeverRetried) {
  RetryTokenBucket bucket;
  ScriptedRandom random({0.5});
  RetryState state(bucket, random);
  EXPECT_EQ(state.NextDelayMs(FailureKind::kNotRetryable), std::nullopt);
  EXPECT_EQ(bucket.Available(), kRetryQuota);
}

TEST(RetryTokenBucketTest, RetriesCostTokensAndAnEmptyBucketStopsRetrying) {
  RetryTokenBucket bucket;
  ScriptedRandom random({0.0});
  {
    RetryState state(bucket, random);
    ASSERT_TRUE(state.NextDelayMs(FailureKind::kTransient));
  }
  EXPECT_EQ(bucket.Available(), kRetryQuota - kRetryCost);
  {
    RetryState state(bucket, random);
    ASSERT_TRUE(state.NextDelayMs(FailureKind::kNetwork));
  }
  EXPECT_EQ(bucket.Available(), kRetryQuota - kRetryCost - kTimeoutRetryCost);

  // Drain it: calls that keep failing spend the quota, then fail at once.
  int retries = 0;
  for (int call = 0; call < 100; ++call) {
    RetryState state(bucket, random);
    while (state.NextDelayMs(FailureKind::kTransient)) ++retries;
  }
  EXPECT_EQ(retries, (kRetryQuota - kRetryCost - kTimeoutRetryCost) / kRetryCost);
  EXPECT_EQ(bucket.Available(), 0);
  RetryState state(bucket, random);
  EXPECT_EQ(state.NextDelayMs(FailureKind::kThrottling), std::nullopt);
}

TEST(RetryTokenBucketTest, SuccessRefundsTheLastRetryOrOneTokenUpToTheQuota) {
  RetryTokenBucket bucket;
  ScriptedRandom random({0.0});
  RetryState retried(bucket, random);
  ASSERT_TRUE(retried.NextDelayMs(FailureKind::kNetwork));
  ASSERT_TRUE(retried.NextDelayMs(FailureKind::kTransient));
  EXPECT_EQ(bucket.Available(), kRetryQuota - kTimeoutRetryCost - kRetryCost);
  retried.OnSuccess();  // gives back the last retry's cost
  EXPECT_EQ(bucket.Available(), kRetryQuota - kTimeoutRetryCost);

  RetryState first_time(bucket, random);
  first_time.OnSuccess();
  EXPECT_EQ(bucket.Available(), kRetryQuota - kTimeoutRetryCost + kNoRetryIncrement);

  RetryTokenBucket full;
  RetryState fine(full, random);
  fine.OnSuccess();
  EXPECT_EQ(full.Available(), kRetryQuota);
}

}  // namespace
}  // namespace wdrbe::aws
