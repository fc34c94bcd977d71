// OpenTelemetry's samplers by their OTEL_TRACES_SAMPLER names: the root
// decision, the parent-based rule, a deterministic ratio, clear errors.
#include "wdrbe/tracing/sampler.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

namespace wdrbe::tracing {
namespace {

Sampler MustParse(std::string_view name, std::string_view argument = "") {
  auto sampler = Sampler::Parse(name, argument);
  EXPECT_TRUE(sampler.ok()) << sampler.error().message;
  return *sampler;
}

constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";

TEST(SamplerTest, TheDefaultFollowsTheParentAndSamplesNewTraces) {
  const Sampler sampler = MustParse("");
  EXPECT_EQ(sampler.Describe(), "parentbased_always_on");
  EXPECT_TRUE(sampler.ShouldSample(kTrace, std::nullopt));
  EXPECT_TRUE(sampler.ShouldSample(kTrace, true));
  EXPECT_FALSE(sampler.ShouldSample(kTrace, false));
}

TEST(SamplerTest, RootSamplersIgnoreTheParent) {
  EXPECT_TRUE(MustParse("always_on").ShouldSample(kTrace, false));
  EXPECT_FALSE(MustParse("always_off").ShouldSample(kTrace, true));
  EXPECT_FALSE(MustParse("parentbased_always_off").ShouldSample(kTrace, std::nullopt));
  EXPECT_TRUE(MustParse("parentbased_always_off").ShouldSample(kTrace, true));
}

TEST(SamplerTest, ARatioSamplesThatShareOfTracesTheSameWayEveryTime) {
  const Sampler quarter = MustParse("traceidratio", "0.25");
  std::mt19937_64 bits(42);
  int sampled = 0;
  for (int i = 0; i < 10'000; ++i) {
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(bits()),
                  static_cast<unsigned long long>(bits()));
    const bool decision = quarter.ShouldSample(id, std::nullopt);
    EXPECT_EQ(decision, quarter.ShouldSample(id, true)) << "by trace id alone";
    sampled += decision ? 1 : 0;
  }
  EXPECT_GT(sampled, 2200);
  EXPECT_LT(sampled, 2800);
  EXPECT_FALSE(MustParse("traceidratio", "0").ShouldSample(kTrace, std::nullopt));
  EXPECT_TRUE(MustParse("traceidratio", "1").ShouldSample(kTrace, std::nullopt));
  EXPECT_TRUE(MustParse("traceidratio").ShouldSample(kTrace, std::nullopt)) << "the ratio defaults to 1";
  EXPECT_FALSE(MustParse("parentbased_traceidratio", "0").ShouldSample(kTrace, std::nullopt));
  EXPECT_TRUE(MustParse("parentbased_traceidratio", "0").ShouldSample(kTrace, true));
}

TEST(SamplerTest, UnknownNamesAndBadRatiosAreRefusedByVariable) {
  for (const auto& [name, argument, mention] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"sometimes", "", "OTEL_TRACES_SAMPLER must be always_on"},
           {"traceidratio", "1.5", "OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1"},
           {"traceidratio", "-0.1", "got '-0.1'"},
           {"parentbased_traceidratio", "half", "got 'half'"},
       }) {
    auto sampler = Sampler::Parse(name, argument);
    ASSERT_FALSE(sampler.ok()) << name << " " << argument;
    EXPECT_NE(sampler.error().message.find(mention), std::string::npos) << sampler.error().message;
  }
}

}  // namespace
}  // namespace wdrbe::tracing
