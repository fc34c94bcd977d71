#include "wdrbe/domain/ulid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "testing/fake_clock.hpp"

namespace wdrbe {
namespace {

using Bytes = std::array<std::uint8_t, 10>;

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Hands out the same bytes on every call and counts the calls.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(Bytes bytes) : bytes_(bytes) {}
  void Fill(std::span<std::uint8_t> out) override {
    ++calls_;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes_[i % bytes_.size()];
  }
  void Set(Bytes bytes) { bytes_ = bytes; }
  int calls() const { return calls_; }

 private:
  Bytes bytes_;
  int calls_ = 0;
};

Bytes Filled(std::uint8_t value) {
  Bytes bytes;
  bytes.fill(value);
  return bytes;
}

// Expected strings below were computed independently (Python big integers).
TEST(EncodeUlidTest, KnownValues) {
  EXPECT_EQ(EncodeUlid(0, Filled(0)), "00000000000000000000000000");
  EXPECT_EQ(EncodeUlid((std::int64_t{1} << 48) - 1, Filled(0xFF)), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  // The time of the spec's example id 01ARZ3NDEKTSV4RRFFQ69G5FAV.
  EXPECT_EQ(EncodeUlid(1469922850259, Filled(0)).substr(0, 10), "01ARZ3NDEK");
  EXPECT_EQ(EncodeUlid(1764064800000, Filled(0x11)), "01KAX79B80248H248H248H248H");
  EXPECT_EQ(EncodeUlid(1764064800000, Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), "01KAX79B80000G40R40M30E209");
}

TEST(EncodeUlidTest, OrderFollowsTimeThenRandom) {
  EXPECT_LT(EncodeUlid(1000, Filled(0xFF)), EncodeUlid(1001, Filled(0)));
  EXPECT_LT(EncodeUlid(1000, Filled(0x10)), EncodeUlid(1000, Filled(0x11)));
}

TEST(UlidGeneratorTest, ProducesTwentySixCrockfordCharacters) {
  testing::FakeClock clock;
  SecureRandom random;
  UlidGenerator ulids(clock, random);
  for (int i = 0; i < 100; ++i) {
    const std::string id = ulids.Next();
    ASSERT_EQ(id.size(), 26u);
    EXPECT_EQ(id.find_first_not_of(kAlphabet), std::string::npos) << id;
    EXPECT_EQ(id.substr(0, 10), "01KAX79B80");  // the fake clock's time
  }
}

TEST(UlidGeneratorTest, LaterTimeSortsLaterAndDrawsFreshRandomness) {
  testing::FakeClock clock;
  FixedRandom random(Filled(0xAA));
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  clock.Advance(1);
  random.Set(Filled(0x00));  // lower random part, yet a later id
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second, EncodeUlid(clock.NowMillis(), Filled(0x00)));
  EXPECT_EQ(random.calls(), 2);
}

TEST(UlidGeneratorTest, SameMillisecondIncrementsTheRandomPart) {
  testing::FakeClock clock;
  FixedRandom random(Filled(0x11));
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  const std::string second = ulids.Next();
  const std::string third = ulids.Next();
  EXPECT_EQ(first, "01KAX79B80248H248H248H248H");
  EXPECT_EQ(second, "01KAX79B80248H248H248H248J");
  EXPECT_EQ(third, "01KAX79B80248H248H248H248K");
  EXPECT_EQ(random.calls(), 1);
}

TEST(UlidGeneratorTest, IncrementCarriesAcrossBytes) {
  testing::FakeClock clock;
  FixedRandom random(Bytes{0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0xFF});
  UlidGenerator ulids(clock, random);
  (void)ulids.Next();
  EXPECT_EQ(ulids.Next(), EncodeUlid(clock.NowMillis(), Bytes{0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00}));
}

TEST(UlidGeneratorTest, ClockGoingBackwardsKeepsOrderAndTime) {
  testing::FakeClock clock;
  FixedRandom random(Filled(0x11));
  UlidGenerator ulids(clock, random);
  const std::int64_t start = clock.NowMillis();
  const std::string first = ulids.Next();
  clock.Advance(-5000);
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second.substr(0, 10), first.substr(0, 10));
  EXPECT_EQ(second, EncodeUlid(start, Bytes{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x12}));
}

TEST(UlidGeneratorTest, ExhaustedRandomPartMovesToTheNextMillisecond) {
  testing::FakeClock clock;
  FixedRandom random(Filled(0xFF));
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second, EncodeUlid(clock.NowMillis() + 1, Filled(0xFF)));
  // The real clock catching up must not go back below the borrowed time.
  clock.Advance(1);
  EXPECT_LT(second, ulids.Next());
}

TEST(UlidGeneratorTest, ConcurrentCallersGetDistinctOrderedIds) {
  testing::FakeClock clock;
  FixedRandom random(Filled(0x00));
  UlidGenerator ulids(clock, random);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) ids[static_cast<std::size_t>(t)].push_back(ulids.Next());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : ids) {
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace wdrbe
