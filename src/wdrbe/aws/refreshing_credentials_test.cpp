#include "wdrbe/aws/refreshing_credentials.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "testing/fake_clock.hpp"
#include "testing/run_task.hpp"

namespace wdrbe::aws {
namespace {

using testing::RunTask;

constexpr std::int64_t kMinute = 60'000;

// Answers from a script and counts how often it was asked.
class ScriptedSource final : public CredentialsProvider {
 public:
  void Then(Result<Credentials> answer) { answers_.push_back(std::move(answer)); }
  Task<Result<Credentials>> Fetch() override {
    ++fetches;
    Result<Credentials> answer = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    co_return answer;
  }
  std::string_view Name() const override { return "scripted"; }
  int fetches = 0;

 private:
  std::deque<Result<Credentials>> answers_;
};

Credentials Expiring(std::string id, std::int64_t expiration_ms) {
  return Credentials{std::move(id), "secret", "token", expiration_ms};
}

class RefreshingCredentialsTest : public ::testing::Test {
 protected:
  RefreshingCredentialsTest() {
    auto owned = std::make_unique<ScriptedSource>();
    source = owned.get();
    provider = std::make_unique<RefreshingCredentialsProvider>(std::move(owned), clock);
  }
  std::string FetchId() {
    Result<Credentials> got = RunTask(provider->Fetch());
    return got.ok() ? got->access_key_id : "error: " + got.error().message;
  }

  testing::FakeClock clock;
  ScriptedSource* source = nullptr;
  std::unique_ptr<RefreshingCredentialsProvider> provider;
};

TEST_F(RefreshingCredentialsTest, CredentialsWithoutExpirationAreFetchedOnce) {
  source->Then(Credentials{"AKID", "secret", "", std::nullopt});
  EXPECT_EQ(FetchId(), "AKID");
  clock.Advance(24 * 60 * kMinute);
  EXPECT_EQ(FetchId(), "AKID");
  EXPECT_EQ(source->fetches, 1);
}

TEST_F(RefreshingCredentialsTest, RefreshesFiveMinutesBeforeExpiry) {
  const std::int64_t expiry = clock.NowMillis() + 60 * kMinute;
  source->Then(Expiring("first", expiry));
  source->Then(Expiring("second", expiry + 60 * kMinute));
  EXPECT_EQ(FetchId(), "first");
  clock.Set(expiry - 5 * kMinute - 1);
  EXPECT_EQ(FetchId(), "first");
  EXPECT_EQ(source->fetches, 1);
  clock.Set(expiry - 5 * kMinute);  // the margin reached: refresh
  EXPECT_EQ(FetchId(), "second");
  EXPECT_EQ(source->fetches, 2);
  EXPECT_EQ(FetchId(), "second");
  EXPECT_EQ(source->fetches, 2);
}

TEST_F(RefreshingCredentialsTest, AFailedRefreshKeepsValidCredentialsUntilTheyExpire) {
  const std::int64_t expiry = clock.NowMillis() + 60 * kMinute;
  source->Then(Expiring("first", expiry));
  source->Then(Error::Unavailable("metadata service down"));
  EXPECT_EQ(FetchId(), "first");

  clock.Set(expiry - 4 * kMinute);
  EXPECT_EQ(FetchId(), "first");  // the refresh failed; the old keys still hold
  EXPECT_EQ(source->fetches, 2);
  clock.Advance(1000);
  EXPECT_EQ(FetchId(), "first");  // not asked again within the retry interval
  EXPECT_EQ(source->fetches, 2);
  clock.Advance(10'000);
  EXPECT_EQ(FetchId(), "first");  // asked again, failed again
  EXPECT_EQ(source->fetches, 3);

  clock.Set(expiry);
  EXPECT_EQ(FetchId(), "error: metadata service down");
}

TEST_F(RefreshingCredentialsTest, AFirstFailureIsReturnedAndTriedAgainNextTime) {
  source->Then(Error::Unavailable("not yet"));
  source->Then(Expiring("later", clock.NowMillis() + 60 * kMinute));
  EXPECT_EQ(FetchId(), "error: not yet");
  EXPECT_EQ(FetchId(), "later");
}

}  // namespace
}  // namespace wdrbe::aws
