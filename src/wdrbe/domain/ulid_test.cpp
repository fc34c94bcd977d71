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

// Hands out `pattern` over and over and counts the calls.
class PatternRandom final : public RandomSource {
 public:
  explicit PatternRandom(std::vector<std::uint8_t> pattern) : pattern_(std::move(pattern)) {}
  void Fill(std::span<std::uint8_t> out) override {
    ++calls_;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = pattern_[i % pattern_.size()];
  }
  int calls() const { return calls_; }

 private:
  std::vector<std::uint8_t> pattern_;
  int calls_ = 0;
};

// The 80-bit random part of a ULID as (top 16 bits, low 64 bits).
struct RandomPart {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
};

RandomPart DecodeRandomPart(std::string_view id) {
  // 26 characters of 5 bits: the last 16 carry exactly the 80 random bits.
  RandomPart part;
  for (char c : id.substr(10)) {
    const auto value = static_cast<std::uint64_t>(kAlphabet.find(c));
    part.high = ((part.high << 5) | (part.low >> 59)) & 0xFFFF;
    part.low = (part.low << 5) | value;
  }
  return part;
}

// later - earlier, for random parts known to be within 2^64 of each other.
std::uint64_t Step(const RandomPart& earlier, const RandomPart& later) { return later.low - earlier.low; }

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
    const std::string id = i % 2 == 0 ? ulids.Next() : ulids.NextUnordered();
    ASSERT_EQ(id.size(), 26u);
    EXPECT_EQ(id.find_first_not_of(kAlphabet), std::string::npos) << id;
    EXPECT_EQ(id.substr(0, 10), "01KAX79B80");  // the fake clock's time
  }
}

TEST(UlidGeneratorTest, DecodeRandomPartReadsTheEncodedBits) {
  const RandomPart part = DecodeRandomPart(EncodeUlid(1764064800000, Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(part.high, 0x0001u);
  EXPECT_EQ(part.low, 0x0203040506070809u);
}

TEST(UlidGeneratorTest, LaterTimeSortsLaterAndDrawsAFreshRandomPart) {
  testing::FakeClock clock;
  SecureRandom random;
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  clock.Advance(1);
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second.substr(0, 10), EncodeUlid(clock.NowMillis(), Filled(0)).substr(0, 10));
}

// The steps within one millisecond are the drawn increments, not +1.
TEST(UlidGeneratorTest, SameMillisecondAddsTheDrawnIncrement) {
  testing::FakeClock clock;
  // Ten bytes of a fresh random part (the top bit is cleared), then eight of
  // an increment, then eight more.
  PatternRandom random({0xFF, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,  //
                        0,    0,    0,    0,    0,    0,    0x01, 0x00,              //
                        0,    0,    0,    0,    0,    0,    0x00, 0x05});
  UlidGenerator ulids(clock, random);
  EXPECT_EQ(ulids.Next(),
            EncodeUlid(clock.NowMillis(), Bytes{0x7F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}));
  EXPECT_EQ(ulids.Next(),
            EncodeUlid(clock.NowMillis(), Bytes{0x7F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x12, 0x11}));
  EXPECT_EQ(ulids.Next(),
            EncodeUlid(clock.NowMillis(), Bytes{0x7F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x12, 0x16}));
  EXPECT_EQ(random.calls(), 1);
}

TEST(UlidGeneratorTest, IncrementCarriesAcrossBytes) {
  testing::FakeClock clock;
  PatternRandom random({0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0xFF,  //
                        0, 0, 0, 0, 0, 0, 0, 0x01});
  UlidGenerator ulids(clock, random);
  (void)ulids.Next();
  EXPECT_EQ(ulids.Next(), EncodeUlid(clock.NowMillis(), Bytes{0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00}));
}

TEST(UlidGeneratorTest, AZeroIncrementStillMovesForward) {
  testing::FakeClock clock;
  PatternRandom random({0});
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second, EncodeUlid(clock.NowMillis(), Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
}

// What a client sees of one id must not give away the next: within one
// millisecond successive ids are ordered, but 1000 of them in a row never
// differ by a small or a repeated step, and the steps' bits look random.
TEST(UlidGeneratorTest, SuccessiveIdsInOneMillisecondAreOrderedButNotPredictable) {
  testing::FakeClock clock;
  SecureRandom random;
  UlidGenerator ulids(clock, random);
  constexpr int kIds = 1000;
  std::vector<std::string> ids;
  for (int i = 0; i < kIds; ++i) ids.push_back(ulids.Next());
  ASSERT_EQ(ids.front().substr(0, 10), ids.back().substr(0, 10)) << "one millisecond";
  std::set<std::uint64_t> steps;
  std::array<int, 64> bit_set{};
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_LT(ids[i - 1], ids[i]);
    const std::uint64_t step = Step(DecodeRandomPart(ids[i - 1]), DecodeRandomPart(ids[i]));
    // A uniform 64-bit step is below 2^24 with probability 2^-40.
    EXPECT_GE(step, std::uint64_t{1} << 24) << ids[i - 1] << " then " << ids[i];
    steps.insert(step);
    for (int bit = 0; bit < 64; ++bit) bit_set[static_cast<std::size_t>(bit)] += (step >> bit) & 1u;
  }
  EXPECT_EQ(steps.size(), static_cast<std::size_t>(kIds - 1)) << "a step repeated";
  // Each bit set in about half of 999 steps (6.5 standard deviations).
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_GT(bit_set[static_cast<std::size_t>(bit)], 400) << "bit " << bit;
    EXPECT_LT(bit_set[static_cast<std::size_t>(bit)], 600) << "bit " << bit;
  }
}

TEST(UlidGeneratorTest, UnorderedIdsDrawAllEightyBitsAfresh) {
  testing::FakeClock clock;
  SecureRandom random;
  UlidGenerator ulids(clock, random);
  constexpr int kIds = 1000;
  std::set<std::string> ids;
  std::array<int, 80> bit_set{};
  RandomPart previous;
  int ascending = 0;
  for (int i = 0; i < kIds; ++i) {
    const std::string id = ulids.NextUnordered();
    ASSERT_EQ(id.substr(0, 10), EncodeUlid(clock.NowMillis(), Filled(0)).substr(0, 10));
    ids.insert(id);
    const RandomPart part = DecodeRandomPart(id);
    for (int bit = 0; bit < 64; ++bit) bit_set[static_cast<std::size_t>(bit)] += (part.low >> bit) & 1u;
    for (int bit = 0; bit < 16; ++bit) bit_set[static_cast<std::size_t>(64 + bit)] += (part.high >> bit) & 1u;
    if (i > 0 && (part.high > previous.high || (part.high == previous.high && part.low > previous.low)))
      ++ascending;
    previous = part;
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kIds));
  for (int bit = 0; bit < 80; ++bit) {
    EXPECT_GT(bit_set[static_cast<std::size_t>(bit)], 400) << "bit " << bit;
    EXPECT_LT(bit_set[static_cast<std::size_t>(bit)], 600) << "bit " << bit;
  }
  // Not a sequence: about half the neighbours go up, half down.
  EXPECT_GT(ascending, 400);
  EXPECT_LT(ascending, 600);
}

TEST(UlidGeneratorTest, DrawsRandomnessInBlocks) {
  testing::FakeClock clock;
  PatternRandom random({0x42});
  UlidGenerator ulids(clock, random);
  // Ten bytes an id: 51 ids from the first block of 512, the 52nd refills.
  for (int i = 0; i < 51; ++i) (void)ulids.NextUnordered();
  EXPECT_EQ(random.calls(), 1);
  (void)ulids.NextUnordered();
  EXPECT_EQ(random.calls(), 2);
}

TEST(UlidGeneratorTest, ClockGoingBackwardsKeepsOrderAndTime) {
  testing::FakeClock clock;
  SecureRandom random;
  UlidGenerator ulids(clock, random);
  const std::string first = ulids.Next();
  clock.Advance(-5000);
  const std::string second = ulids.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(second.substr(0, 10), first.substr(0, 10));
}

TEST(UlidGeneratorTest, ExhaustedRandomPartMovesToTheNextMillisecond) {
  testing::FakeClock clock;
  // The largest fresh part (top bit cleared) and the largest steps: the
  // 2^79 of room run out after 2^15 of them.
  PatternRandom random({0xFF});
  UlidGenerator ulids(clock, random);
  const std::string start_time = ulids.Next().substr(0, 10);
  std::string previous = EncodeUlid(0, Filled(0));
  std::string borrowed;
  for (int i = 0; i < 40'000 && borrowed.empty(); ++i) {
    const std::string id = ulids.Next();
    ASSERT_LT(previous, id);
    if (id.substr(0, 10) != start_time) borrowed = id;
    previous = id;
  }
  ASSERT_FALSE(borrowed.empty());
  EXPECT_EQ(borrowed, EncodeUlid(clock.NowMillis() + 1,
                                 Bytes{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  // The real clock catching up must not go back below the borrowed time.
  clock.Advance(1);
  EXPECT_LT(borrowed, ulids.Next());
}

TEST(UlidGeneratorTest, ConcurrentCallersGetDistinctOrderedIds) {
  testing::FakeClock clock;
  SecureRandom random;
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

namespace wdrbe {
namespace {

TEST(UlidTimeMsTest, ReadsBackTheTimeEncodeUlidWrote) {
  const std::array<std::uint8_t, 10> random{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (const std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1'764'064'800'123}, (std::int64_t{1} << 48) - 1}) {
    EXPECT_EQ(UlidTimeMs(EncodeUlid(ms, random)), ms);
  }
}

TEST(UlidTimeMsTest, AnythingButTwentySixCrockfordCharactersIsNoUlid) {
  EXPECT_EQ(UlidTimeMs(""), std::nullopt);
  EXPECT_EQ(UlidTimeMs("01JD00000000000000000000A"), std::nullopt) << "25 characters";
  EXPECT_EQ(UlidTimeMs("01JD0000000000000000000000A"), std::nullopt) << "27 characters";
  EXPECT_EQ(UlidTimeMs("01JD0000000000000000000I0A"), std::nullopt) << "I is not Crockford";
  EXPECT_EQ(UlidTimeMs("01jd000000000000000000000a"), std::nullopt) << "not as the server writes them";
  EXPECT_EQ(UlidTimeMs("81JD000000000000000000000A"), std::nullopt) << "over 128 bits";
  EXPECT_EQ(UlidTimeMs(std::string("01JD00000000000000000000\0A", 26)), std::nullopt);
}

}  // namespace
}  // namespace wdrbe
