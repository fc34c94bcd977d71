#include "wdrbe/observability/trace_context.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "wdrbe/base/random.hpp"

namespace wdrbe::obs {
namespace {

// Counts up from a start byte, so consecutive ids differ predictably.
class CountingRandom final : public RandomSource {
 public:
  explicit CountingRandom(std::uint8_t start) : next_(start) {}
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) byte = next_++;
  }

 private:
  std::uint8_t next_;
};

// Returns zeros on the first call, then 0x11 bytes.
class ZerosFirstRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) byte = calls_ == 0 ? 0 : 0x11;
    ++calls_;
  }

 private:
  int calls_ = 0;
};

constexpr char kValid[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceparentTest, ParsesTheSpecificationsExample) {
  auto parsed = ParseTraceparent(kValid);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(parsed->flags, 0x01);
  EXPECT_EQ(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->flags, 0x00);
}

TEST(TraceparentTest, ALaterVersionMayAppendFieldsButVersion00MayNot) {
  const std::string base = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_TRUE(ParseTraceparent("01-" + base).has_value());
  EXPECT_TRUE(ParseTraceparent("01-" + base + "-what-comes-later").has_value());
  EXPECT_FALSE(ParseTraceparent("01-" + base + "x").has_value()) << "a new field must follow a dash";
  EXPECT_FALSE(ParseTraceparent("00-" + base + "-extra").has_value());
}

TEST(TraceparentTest, RejectsEveryMalformedHeader) {
  const std::vector<std::string> bad = {
      "",
      "00",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version not hex
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent id
      "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",   // dash misplaced
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // wrong separator
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",   // flags not hex
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",  // trailing space
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",      // no flags
  };
  for (const auto& header : bad) EXPECT_FALSE(ParseTraceparent(header).has_value()) << header;
}

TEST(AmznTraceIdTest, TheRootBecomesTheTraceId) {
  EXPECT_EQ(TraceIdFromAmznTraceId("Root=1-5759e988-bd862e3fe1be46a994272793"),
            "5759e988bd862e3fe1be46a994272793");
  EXPECT_EQ(TraceIdFromAmznTraceId(
                "Self=1-67891234-12456789abcdef012345678;Root=1-5759E988-BD862E3FE1BE46A994272793;"
                "Sampled=1"),
            "5759e988bd862e3fe1be46a994272793")
      << "any field order; hex case does not matter";
  EXPECT_EQ(TraceIdFromAmznTraceId("Sampled=1; Root=1-5759e988-bd862e3fe1be46a994272793"),
            "5759e988bd862e3fe1be46a994272793");
}

TEST(AmznTraceIdTest, RejectsMalformedRoots) {
  for (const char* header :
       {"", "Root=", "Root=2-5759e988-bd862e3fe1be46a994272793", "Root=1-5759e988-bd862e3fe1be46a99427279",
        "Root=1-5759e988bd862e3fe1be46a994272793", "Root=1-5759e98g-bd862e3fe1be46a994272793",
        "Root=1-00000000-000000000000000000000000", "Parent=53995c3f42cd8ad8;Sampled=1"}) {
    EXPECT_FALSE(TraceIdFromAmznTraceId(header).has_value()) << header;
  }
}

TEST(ContinueOrStartTraceTest, ContinuesAValidTraceparentWithANewSpan) {
  CountingRandom random(0xa0);
  const TraceContext context =
      ContinueOrStartTrace(kValid, "Root=1-5759e988-bd862e3fe1be46a994272793", random);
  EXPECT_EQ(context.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736") << "traceparent wins over X-Amzn-Trace-Id";
  EXPECT_EQ(context.parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(context.span_id, "a0a1a2a3a4a5a6a7");
  EXPECT_EQ(context.Traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-a0a1a2a3a4a5a6a7-01");
}

TEST(ContinueOrStartTraceTest, KeepsTheCallersFlags) {
  CountingRandom random(1);
  const TraceContext context =
      ContinueOrStartTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", std::nullopt, random);
  EXPECT_EQ(context.flags, 0x00);
  EXPECT_TRUE(context.Traceparent().ends_with("-00"));
}

TEST(ContinueOrStartTraceTest, FallsBackToTheAmazonRootThenToANewTrace) {
  CountingRandom random(0);
  const TraceContext from_amazon =
      ContinueOrStartTrace("garbage", "Root=1-5759e988-bd862e3fe1be46a994272793", random);
  EXPECT_EQ(from_amazon.trace_id, "5759e988bd862e3fe1be46a994272793");
  EXPECT_EQ(from_amazon.parent_id, "");
  EXPECT_EQ(from_amazon.flags, 0x01);

  const TraceContext fresh = ContinueOrStartTrace(std::nullopt, "nonsense", random);
  EXPECT_EQ(fresh.span_id, "08090a0b0c0d0e0f");
  EXPECT_EQ(fresh.trace_id.substr(8), "101112131415161718191a1b") << "the time, then 24 random digits";
  EXPECT_EQ(fresh.parent_id, "");
  EXPECT_TRUE(ParseTraceparent(fresh.Traceparent()).has_value()) << "what we send back is valid";
}

TEST(ContinueOrStartTraceTest, AnAmazonParentAndSamplingDecisionAreContinued) {
  CountingRandom random(0);
  const TraceContext sampled = ContinueOrStartTrace(
      std::nullopt, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", random);
  EXPECT_EQ(sampled.trace_id, "5759e988bd862e3fe1be46a994272793");
  EXPECT_EQ(sampled.parent_id, "53995c3f42cd8ad8");
  EXPECT_EQ(sampled.flags, 0x01);
  const TraceContext unsampled = ContinueOrStartTrace(
      std::nullopt, "Sampled=0;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793", random);
  EXPECT_EQ(unsampled.parent_id, "53995c3f42cd8ad8") << "fields in any order";
  EXPECT_EQ(unsampled.flags, 0x00);
  const TraceContext undecided = ContinueOrStartTrace(
      std::nullopt, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=BAD;Sampled=?", random);
  EXPECT_EQ(undecided.parent_id, "") << "an invalid Parent is ignored";
  EXPECT_EQ(undecided.flags, 0x01) << "not decided: sampled";
}

TEST(ParseAmznTraceIdTest, ReadsRootParentAndSampled) {
  const auto parsed = ParseAmznTraceId(
      "Root=1-5759E988-BD862E3FE1BE46A994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=a87bd80c:0");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, "5759e988bd862e3fe1be46a994272793");
  EXPECT_EQ(parsed->parent_id, "53995c3f42cd8ad8");
  EXPECT_EQ(parsed->sampled, false);
  EXPECT_FALSE(ParseAmznTraceId("Parent=53995c3f42cd8ad8;Sampled=1").has_value()) << "no Root";
  EXPECT_EQ(ParseAmznTraceId("Root=1-5759e988-bd862e3fe1be46a994272793")->sampled, std::nullopt);
}

TEST(AmznTraceIdOfTest, SpellsATraceparentAsXRayDoesAndReadsBack) {
  const Traceparent sampled{"5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", 0x01};
  EXPECT_EQ(AmznTraceIdOf(sampled),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  const auto parsed = ParseAmznTraceId(AmznTraceIdOf(sampled));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, sampled.trace_id);
  EXPECT_EQ(parsed->parent_id, sampled.parent_id);
  EXPECT_EQ(parsed->sampled, true);
  const Traceparent unsampled{"5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", 0x00};
  EXPECT_EQ(ParseAmznTraceId(AmznTraceIdOf(unsampled))->sampled, false);
}

TEST(NewTraceIdTest, BeginsWithTheTimeAsXRayWants) {
  CountingRandom random(0x20);
  // 2026-12-02T00:00:00Z is 1796169600 seconds: 0x6b0f5f80.
  const std::string trace_id = NewTraceId(random, 1796169600);
  EXPECT_EQ(trace_id, "6b0f5f80202122232425262728292a2b");
  EXPECT_TRUE(ParseTraceparent("00-" + trace_id + "-00f067aa0ba902b7-01").has_value());
  // A new trace's id is stamped with the system clock.
  const TraceContext fresh = ContinueOrStartTrace(std::nullopt, std::nullopt, random);
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const auto stamped = static_cast<std::int64_t>(std::stoul(fresh.trace_id.substr(0, 8), nullptr, 16));
  EXPECT_LE(std::abs(stamped - now), 5) << fresh.trace_id;
}

TEST(ContinueOrStartTraceTest, NeverMakesAnAllZeroId) {
  ZerosFirstRandom random;
  const TraceContext context = ContinueOrStartTrace(std::nullopt, std::nullopt, random);
  EXPECT_EQ(context.span_id, "1111111111111111");
  EXPECT_TRUE(ParseTraceparent(context.Traceparent()).has_value());
}

}  // namespace
}  // namespace wdrbe::obs
