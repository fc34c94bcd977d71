// WDRBE_FAULTS: what a spec means, and which specs are refused at start.
#include "wdrbe/base/faults.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wdrbe {
namespace {

// How many of `tries` calls of ShouldFail(point, subject) failed.
int Failures(const FaultInjector& faults, std::string_view point, std::string_view subject = {},
             int tries = 200) {
  int failures = 0;
  for (int i = 0; i < tries; ++i) failures += faults.ShouldFail(point, subject) ? 1 : 0;
  return failures;
}

TEST(FaultInjectorTest, NoSpecMeansNoFaults) {
  FaultInjector none;
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(Failures(none, kFaultStoreWrite), 0);
  EXPECT_EQ(Failures(none, kFaultWorkerProcess, "itm_1"), 0);
  for (const char* spec : {"", ",", ",,"}) {
    auto empty = FaultInjector::Parse(spec);
    ASSERT_TRUE(empty.ok()) << "'" << spec << "'";
    EXPECT_FALSE((*empty)->enabled()) << "'" << spec << "'";
  }
}

TEST(FaultInjectorTest, ValidSpecsParseEveryEntry) {
  for (const char* spec : {"worker.process=1", "store.write=0.25", "worker.process=1,store.write=0",
                           "store.write=0,worker.process=1,", "worker.process@itm_1=1,store.write=0.5",
                           "store.write=1e-1", "worker.process=0.0,worker.process=1", "store.read=1"}) {
    auto faults = FaultInjector::Parse(spec);
    ASSERT_TRUE(faults.ok()) << spec << ": " << faults.error().message;
    EXPECT_TRUE((*faults)->enabled()) << spec;
  }
}

TEST(FaultInjectorTest, ProbabilityOneAlwaysFailsAndZeroNever) {
  auto faults = FaultInjector::Parse("worker.process=1,store.write=0");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess), 200);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "any-item"), 200) << "an unnarrowed point fails all";
  EXPECT_EQ(Failures(**faults, kFaultStoreWrite), 0);
}

TEST(FaultInjectorTest, APointNotNamedNeverFails) {
  auto faults = FaultInjector::Parse("worker.process=1");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultStoreWrite), 0);
  EXPECT_EQ(Failures(**faults, kFaultStoreRead), 0);
}

TEST(FaultInjectorTest, TheLastEntryForAPointWins) {
  auto faults = FaultInjector::Parse("store.write=1,store.write=0");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultStoreWrite), 0);
}

TEST(FaultInjectorTest, AFractionFailsAboutThatOften) {
  auto faults = FaultInjector::Parse("store.write=0.5");
  ASSERT_TRUE(faults.ok());
  // Binomial(4000, 0.5): mean 2000, sd ~32; these bounds are > 9 sd away.
  const int failures = Failures(**faults, kFaultStoreWrite, {}, 4000);
  EXPECT_GT(failures, 1700);
  EXPECT_LT(failures, 2300);
}

TEST(FaultInjectorTest, ANarrowedPointFailsOnlyForItsSubject) {
  auto faults = FaultInjector::Parse("worker.process@itm_poison=1");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_poison"), 200);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_fine"), 0);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_poison2"), 0) << "exact subject, not a prefix";
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_poiso"), 0);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess), 0) << "no subject: the narrowed entry does not apply";
  EXPECT_EQ(Failures(**faults, kFaultStoreWrite, "itm_poison"), 0) << "another point, same subject";
}

TEST(FaultInjectorTest, SeveralSubjectsCanBeNarrowedAtOnce) {
  auto faults = FaultInjector::Parse("worker.process@itm_a=1,worker.process@itm_b=1");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_a"), 200);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_b"), 200);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_c"), 0);
}

TEST(FaultInjectorTest, APointOffForAllCanStillFailForOneSubject) {
  auto faults = FaultInjector::Parse("worker.process=0,worker.process@itm_poison=1");
  ASSERT_TRUE(faults.ok());
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_poison"), 200);
  EXPECT_EQ(Failures(**faults, kFaultWorkerProcess, "itm_other"), 0);
}

struct BadSpec {
  const char* spec;
  const char* mentions;  // a part of the message that names the problem
};

TEST(FaultInjectorTest, BadSpecsAreRefusedNamingTheProblem) {
  const BadSpec kBad[] = {
      // No '='.
      {"worker.process", "worker.process"},
      {"store.write=1,worker.process", "worker.process"},
      // Unknown points, narrowed or not.
      {"disk.melt=1", "disk.melt"},
      {"disk.melt@itm_1=1", "disk.melt"},
      {"=1", "unknown"},
      {"Store.Write=1", "Store.Write"},
      // Probabilities outside 0..1 or not numbers.
      {"store.write=2", "store.write"},
      {"store.write=1.0001", "store.write"},
      {"store.write=-0.1", "store.write"},
      {"store.write=x", "store.write"},
      {"store.write=", "store.write"},
      {"store.write=0.5x", "store.write"},
      {"store.write= 0.5", "store.write"},
      {"store.write=inf", "store.write"},
      {"worker.process@itm_1=2", "worker.process@itm_1"},
  };
  for (const BadSpec& bad : kBad) {
    auto faults = FaultInjector::Parse(bad.spec);
    ASSERT_FALSE(faults.ok()) << "accepted: " << bad.spec;
    EXPECT_EQ(faults.error().code, ErrorCode::kBadRequest) << bad.spec;
    EXPECT_NE(faults.error().message.find("WDRBE_FAULTS"), std::string::npos)
        << bad.spec << ": " << faults.error().message;
    EXPECT_NE(faults.error().message.find(bad.mentions), std::string::npos)
        << bad.spec << ": " << faults.error().message;
  }
}

// "nan" parses as a double, but is no probability: it compares false both
// with 0 and with 1, so it slips past a range check written as
// `p < 0 || p > 1` (and then never fires, silently).
TEST(FaultInjectorTest, NotANumberIsNoProbability) {
  for (const char* spec : {"store.write=nan", "worker.process=NaN", "worker.process@itm_1=nan"}) {
    auto faults = FaultInjector::Parse(spec);
    ASSERT_FALSE(faults.ok()) << "accepted: " << spec;
    EXPECT_EQ(faults.error().code, ErrorCode::kBadRequest) << spec;
  }
}

}  // namespace
}  // namespace wdrbe
