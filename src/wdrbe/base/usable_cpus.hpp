// How many CPUs this process may run on: the default number of network
// threads. A server pinned to one core (taskset, a CPU set) or given a CPU
// quota (cgroup v2 cpu.max, as `docker --cpus` sets) gains nothing from
// more threads than that, only context switches.
#pragma once

#include <optional>
#include <string_view>

namespace wdrbe {

// The CPUs in this thread's affinity mask, capped by the cgroup's CPU quota
// (rounded up); at least 1. Falls back to the machine's count when the mask
// cannot be read.
int UsableCpus();

// A cgroup v2 `cpu.max` line ("150000 100000": quota and period in us):
// the whole CPUs the quota allows, rounded up; nullopt for "max" (no
// quota) or a line that does not parse.
std::optional<int> CpusAllowedByQuota(std::string_view cpu_max);

}  // namespace wdrbe
