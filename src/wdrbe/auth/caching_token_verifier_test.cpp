// CachingTokenVerifier: a token the inner verifier accepted is answered
// from memory only while it would still be accepted, and never for longer
// than max_age_s; nothing else is ever answered from memory.
#include "wdrbe/auth/caching_token_verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wdrbe {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

// Accepts the tokens it knows (as their user, until their given second)
// and counts every call.
class CountingVerifier final : public TokenVerifier {
 public:
  explicit CountingVerifier(std::map<std::string, std::int64_t> accepted_until)
      : accepted_until_(std::move(accepted_until)) {}
  Result<Principal> Verify(std::string_view token, std::int64_t now_s) const override {
    calls.fetch_add(1);
    auto it = accepted_until_.find(std::string(token));
    if (it == accepted_until_.end() || now_s > it->second) return Error::Unauthorized("invalid token");
    Principal principal;
    principal.user_id = "user-of-" + std::string(token);
    principal.accepted_until_s = it->second;
    return principal;
  }
  mutable std::atomic<int> calls{0};

 private:
  std::map<std::string, std::int64_t> accepted_until_;
};

// A JWKS whose set a test replaces, as a refresh does.
class SwappableKeys final : public JwkSource {
 public:
  std::shared_ptr<const JwkSet> Keys() const override {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  void OnUnknownKid() const override {}
  void Replace() {
    std::lock_guard lock(mutex_);
    keys_ = std::make_shared<const JwkSet>();
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const JwkSet> keys_ = std::make_shared<const JwkSet>();
};

struct Cached {
  explicit Cached(std::map<std::string, std::int64_t> tokens, TokenCacheOptions options = {},
                  const JwkSource* keys = nullptr) {
    auto counting = std::make_unique<CountingVerifier>(std::move(tokens));
    inner = counting.get();
    verifier = std::make_unique<CachingTokenVerifier>(std::move(counting), keys, options);
  }
  CountingVerifier* inner;
  std::unique_ptr<CachingTokenVerifier> verifier;
};

TEST(CachingTokenVerifierTest, ARepeatedTokenIsVerifiedOnceAndAnsweredWithTheSamePrincipal) {
  Cached cached({{"a", kNow + 3600}});
  auto first = cached.verifier->Verify("a", kNow);
  auto second = cached.verifier->Verify("a", kNow + 1);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(second->user_id, "user-of-a");
  EXPECT_EQ(second->accepted_until_s, kNow + 3600);
  EXPECT_EQ(cached.inner->calls.load(), 1);
}

TEST(CachingTokenVerifierTest, ATokenPastItsAcceptanceIsVerifiedAgainAndRefused) {
  Cached cached({{"a", kNow + 10}});
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  EXPECT_TRUE(cached.verifier->Verify("a", kNow + 10).ok());
  EXPECT_EQ(cached.inner->calls.load(), 1);
  auto expired = cached.verifier->Verify("a", kNow + 11);
  EXPECT_FALSE(expired.ok());
  EXPECT_EQ(cached.inner->calls.load(), 2);
}

TEST(CachingTokenVerifierTest, AnEntryIsTrustedForAtMostMaxAge) {
  Cached cached({{"a", kNow + 3600}}, TokenCacheOptions{.max_entries = 16, .max_age_s = 60});
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  ASSERT_TRUE(cached.verifier->Verify("a", kNow + 59).ok());
  EXPECT_EQ(cached.inner->calls.load(), 1);
  ASSERT_TRUE(cached.verifier->Verify("a", kNow + 60).ok());
  EXPECT_EQ(cached.inner->calls.load(), 2) << "verified again once max_age_s had passed";
}

TEST(CachingTokenVerifierTest, RejectionsAndOtherTokensAlwaysReachTheInnerVerifier) {
  Cached cached({{"a", kNow + 3600}});
  EXPECT_FALSE(cached.verifier->Verify("forged", kNow).ok());
  EXPECT_FALSE(cached.verifier->Verify("forged", kNow).ok());
  EXPECT_EQ(cached.inner->calls.load(), 2);
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  EXPECT_FALSE(cached.verifier->Verify("a ", kNow).ok()) << "only the exact bytes verified are remembered";
  EXPECT_FALSE(cached.verifier->Verify("A", kNow).ok());
  EXPECT_EQ(cached.inner->calls.load(), 5);
}

TEST(CachingTokenVerifierTest, ANewJwksKeySetMakesEveryRememberedTokenBeVerifiedAgain) {
  SwappableKeys keys;
  Cached cached({{"a", kNow + 3600}}, TokenCacheOptions{}, &keys);
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  EXPECT_EQ(cached.inner->calls.load(), 1);
  keys.Replace();
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  EXPECT_EQ(cached.inner->calls.load(), 2) << "the refreshed set verified it again";
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  EXPECT_EQ(cached.inner->calls.load(), 2);
}

TEST(CachingTokenVerifierTest, AClockThatWentBackVerifiesAgain) {
  Cached cached({{"a", kNow + 3600}});
  ASSERT_TRUE(cached.verifier->Verify("a", kNow).ok());
  ASSERT_TRUE(cached.verifier->Verify("a", kNow - 1).ok());
  EXPECT_EQ(cached.inner->calls.load(), 2);
}

TEST(CachingTokenVerifierTest, TheCacheNeverHoldsMoreThanMaxEntriesAndStaysCorrectWhenEmptied) {
  std::map<std::string, std::int64_t> tokens;
  for (int i = 0; i < 64; ++i) tokens["t" + std::to_string(i)] = kNow + 3600;
  Cached cached(tokens, TokenCacheOptions{.max_entries = 16, .max_age_s = 60});
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [token, until] : tokens) {
      auto principal = cached.verifier->Verify(token, kNow);
      ASSERT_TRUE(principal.ok());
      EXPECT_EQ(principal->user_id, "user-of-" + token);
    }
  }
  // At most 16 tokens were remembered, so at most 16 of the second pass's
  // 64 lookups were answered from memory.
  EXPECT_GE(cached.inner->calls.load(), 64 + 64 - 16);
}

TEST(CachingTokenVerifierTest, ConcurrentCallersGetTheirOwnTokensPrincipals) {
  std::map<std::string, std::int64_t> tokens;
  for (int i = 0; i < 64; ++i) tokens["t" + std::to_string(i)] = kNow + 3600;
  Cached cached(tokens, TokenCacheOptions{.max_entries = 16, .max_age_s = 60});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string token = "t" + std::to_string((i * 7 + t) % 64);
        auto principal = cached.verifier->Verify(token, kNow);
        if (!principal.ok() || principal->user_id != "user-of-" + token) wrong.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace wdrbe
