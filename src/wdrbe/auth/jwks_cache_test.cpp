#include "wdrbe/auth/jwks_cache.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <string>

#include "testing/fake_clock.hpp"
#include "testing/signing_keys.hpp"

namespace wdrbe {
namespace {

using testing::JwksDocument;
using testing::SigningKey;

// What the fake provider serves, and how often it was asked.
struct FakeProvider {
  std::mutex mutex;
  Result<std::string> answer = Error::Unavailable("not set");
  int fetches = 0;

  void Serve(const boost::json::object& document) {
    std::lock_guard lock(mutex);
    answer = boost::json::serialize(document);
  }
  void Fail() {
    std::lock_guard lock(mutex);
    answer = Error::Unavailable("provider down");
  }
  int Fetches() {
    std::lock_guard lock(mutex);
    return fetches;
  }
  JwksFetch Fetch() {
    return [this]() -> Task<Result<std::string>> {
      std::lock_guard lock(mutex);
      ++fetches;
      co_return answer;
    };
  }
};

class JwksCacheTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<JwksCache>> Open(std::chrono::seconds refresh = std::chrono::seconds(3600)) {
    return JwksCache::Open(io, provider.Fetch(), clock, logger,
                           JwksCacheOptions{refresh, kUnknownKidRefreshInterval, "test"});
  }

  const SigningKey first = SigningKey::Ec();
  const SigningKey second = SigningKey::Ec();
  boost::asio::io_context io;
  testing::FakeClock clock;
  obs::Logger logger{obs::LoggerOptions{.level = obs::LogLevel::kOff}, clock};
  FakeProvider provider;
};

TEST_F(JwksCacheTest, AFailedFirstFetchOrAnUnusableDocumentIsAnError) {
  provider.Fail();
  auto down = Open();
  ASSERT_FALSE(down.ok());
  EXPECT_NE(down.error().message.find("provider down"), std::string::npos);
  provider.Serve({{"keys", boost::json::array{}}});
  auto empty = Open();
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no usable"), std::string::npos);
}

TEST_F(JwksCacheTest, AnUnknownKidRefreshesAtMostOncePer30Seconds) {
  provider.Serve(JwksDocument({first.Jwk("k1")}));
  auto cache = Open();
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  EXPECT_EQ(provider.Fetches(), 1);
  provider.Serve(JwksDocument({first.Jwk("k1"), second.Jwk("k2")}));

  (*cache)->OnUnknownKid();
  io.poll();
  EXPECT_EQ(provider.Fetches(), 2);
  EXPECT_NE((*cache)->Keys()->FindByKid("k2"), nullptr);

  clock.Advance(29'000);
  (*cache)->OnUnknownKid();
  io.restart();
  io.poll();
  EXPECT_EQ(provider.Fetches(), 2) << "within 30 s of the last one";

  clock.Advance(1'000);
  (*cache)->OnUnknownKid();
  io.restart();
  io.poll();
  EXPECT_EQ(provider.Fetches(), 3);
}

TEST_F(JwksCacheTest, AFailedRefreshKeepsTheCachedKeys) {
  provider.Serve(JwksDocument({first.Jwk("k1")}));
  auto cache = Open();
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  const auto before = (*cache)->Keys();
  for (const bool down : {true, false}) {
    if (down) {
      provider.Fail();
    } else {
      provider.Serve({{"keys", "not an array"}});
    }
    clock.Advance(30'000);
    (*cache)->OnUnknownKid();
    io.restart();
    io.poll();
    EXPECT_EQ((*cache)->Keys(), before);
    EXPECT_NE((*cache)->Keys()->FindByKid("k1"), nullptr);
  }
  EXPECT_EQ(provider.Fetches(), 3);
}

TEST_F(JwksCacheTest, TheTimerRefreshesEveryInterval) {
  provider.Serve(JwksDocument({first.Jwk("k1")}));
  auto cache = Open(std::chrono::seconds(1));
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  provider.Serve(JwksDocument({second.Jwk("k2")}));
  (*cache)->Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (provider.Fetches() < 3 && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(provider.Fetches(), 3);
  EXPECT_EQ((*cache)->Keys()->FindByKid("k1"), nullptr);
  EXPECT_NE((*cache)->Keys()->FindByKid("k2"), nullptr);
}

}  // namespace
}  // namespace wdrbe
