#include "wdrbe/base/usable_cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <string>
#include <thread>

namespace wdrbe {
namespace {

std::optional<long long> ParseCount(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

int CpusInAffinityMask() {
  // Sized for machines with more CPUs than a default cpu_set_t holds.
  for (int cpus = CPU_SETSIZE; cpus <= 1 << 16; cpus *= 2) {
    cpu_set_t* mask = CPU_ALLOC(cpus);
    if (mask == nullptr) break;
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, mask);
    const int status = sched_getaffinity(0, size, mask);
    const int count = status == 0 ? CPU_COUNT_S(size, mask) : 0;
    CPU_FREE(mask);
    if (status == 0) return count;
    if (errno != EINVAL) break;  // EINVAL: the mask is too small
  }
  return static_cast<int>(std::thread::hardware_concurrency());
}

// The cpu.max of this process's cgroup (v2 only: "0::/path" in
// /proc/self/cgroup), or "" when there is none.
std::string CgroupCpuMax() {
  std::ifstream cgroups("/proc/self/cgroup");
  std::string path;
  for (std::string line; std::getline(cgroups, line);) {
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  }
  for (const std::string& file :
       {"/sys/fs/cgroup" + path + "/cpu.max", std::string("/sys/fs/cgroup/cpu.max")}) {
    std::ifstream in(file);
    std::string line;
    if (in && std::getline(in, line)) return line;
  }
  return {};
}

}  // namespace

std::optional<int> CpusAllowedByQuota(std::string_view cpu_max) {
  const std::size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = ParseCount(cpu_max.substr(0, space));
  std::string_view period_text = cpu_max.substr(space + 1);
  while (!period_text.empty() && (period_text.back() == '\n' || period_text.back() == ' ')) {
    period_text.remove_suffix(1);
  }
  const auto period = ParseCount(period_text);
  if (!quota || !period) return std::nullopt;  // "max": no quota
  return static_cast<int>(std::min<long long>((*quota + *period - 1) / *period, 1 << 16));
}

int UsableCpus() {
  int cpus = CpusInAffinityMask();
  if (const auto allowed = CpusAllowedByQuota(CgroupCpuMax())) cpus = std::min(cpus, *allowed);
  return std::max(cpus, 1);
}

}  // namespace wdrbe
