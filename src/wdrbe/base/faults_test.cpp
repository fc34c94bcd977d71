#include "wdrbe/base/faults.hpp"

#include <gtest/gtest.h>

namespace wdrbe {
namespace {

TEST(FaultInjectorTest, NoSpecMeansNoFaults) {
  FaultInjector none;
  EXPECT_FALSE(none.enabled());
  EXPECT_FALSE(none.ShouldFail(kFaultStoreWrite));
  auto empty = FaultInjector::Parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE((*empty)->enabled());
}

TEST(FaultInjectorTest, ProbabilityOneAlwaysFailsAndZeroNever) {
  auto faults = FaultInjector::Parse("worker.process=1,store.write=0");
  ASSERT_TRUE(faults.ok());
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE((*faults)->ShouldFail(kFaultWorkerProcess));
    EXPECT_FALSE((*faults)->ShouldFail(kFaultStoreWrite));
  }
}

TEST(FaultInjectorTest, AFractionFailsSometimes) {
  auto faults = FaultInjector::Parse("store.write=0.5");
  ASSERT_TRUE(faults.ok());
  int failures = 0;
  for (int i = 0; i < 2000; ++i) failures += (*faults)->ShouldFail(kFaultStoreWrite) ? 1 : 0;
  EXPECT_GT(failures, 800);
  EXPECT_LT(failures, 1200);
}

TEST(FaultInjectorTest, ANarrowedPointFailsOnlyForItsSubject) {
  auto faults = FaultInjector::Parse("worker.process@itm_poison=1");
  ASSERT_TRUE(faults.ok());
  EXPECT_TRUE((*faults)->ShouldFail(kFaultWorkerProcess, "itm_poison"));
  EXPECT_FALSE((*faults)->ShouldFail(kFaultWorkerProcess, "itm_fine"));
  EXPECT_FALSE((*faults)->ShouldFail(kFaultWorkerProcess));
}

TEST(FaultInjectorTest, BadSpecsAreRefusedWithTheirReason) {
  for (const char* spec : {"worker.process", "disk.melt=1", "store.write=2", "store.write=-0.1",
                           "store.write=x", "store.write=0.5x"}) {
    auto faults = FaultInjector::Parse(spec);
    ASSERT_FALSE(faults.ok()) << spec;
    EXPECT_EQ(faults.error().code, ErrorCode::kBadRequest) << spec;
    EXPECT_NE(faults.error().message.find("WDRBE_FAULTS"), std::string::npos) << spec;
  }
}

}  // namespace
}  // namespace wdrbe
