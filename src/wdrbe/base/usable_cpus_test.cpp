// The default thread count follows the CPUs the process may use, not the
// machine's: its affinity mask and its cgroup's CPU quota.
#include "wdrbe/base/usable_cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace wdrbe {
namespace {

TEST(UsableCpusTest, APinnedThreadCountsTheCpusOfItsMaskOnly) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  int first = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) first = cpu;
  }
  ASSERT_GE(first, 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);

  const int pinned = UsableCpus();

  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(pinned, 1);
  EXPECT_LE(UsableCpus(), CPU_COUNT(&saved));
  EXPECT_GE(UsableCpus(), 1);
}

TEST(UsableCpusTest, ACpuQuotaAllowsItsCpusRoundedUp) {
  EXPECT_EQ(CpusAllowedByQuota("100000 100000"), 1);
  EXPECT_EQ(CpusAllowedByQuota("150000 100000\n"), 2);
  EXPECT_EQ(CpusAllowedByQuota("50000 100000"), 1);
  EXPECT_EQ(CpusAllowedByQuota("400000 100000"), 4);
}

TEST(UsableCpusTest, NoQuotaOrAnUnreadableLineLimitsNothing) {
  EXPECT_EQ(CpusAllowedByQuota("max 100000"), std::nullopt);
  EXPECT_EQ(CpusAllowedByQuota(""), std::nullopt);
  EXPECT_EQ(CpusAllowedByQuota("100000"), std::nullopt);
  EXPECT_EQ(CpusAllowedByQuota("0 100000"), std::nullopt);
  EXPECT_EQ(CpusAllowedByQuota("-5 100000"), std::nullopt);
  EXPECT_EQ(CpusAllowedByQuota("abc def"), std::nullopt);
}

}  // namespace
}  // namespace wdrbe
