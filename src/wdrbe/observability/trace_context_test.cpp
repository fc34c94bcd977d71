#include "wdrbe/observability/trace_context.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(fresh.trace_id, "101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(fresh.parent_id, "");
  EXPECT_TRUE(ParseTraceparent(fresh.Traceparent()).has_value()) << "what we send back is valid";
}

TEST(ContinueOrStartTraceTest, NeverMakesAnAllZeroId) {
  ZerosFirstRandom random;
  const TraceContext context = ContinueOrStartTrace(std::nullopt, std::nullopt, random);
  EXPECT_EQ(context.span_id, "1111111111111111");
  EXPECT_TRUE(ParseTraceparent(context.Traceparent()).has_value());
}

}  // namespace
}  // namespace wdrbe::obs
