// Process figures under the names the Prometheus client libraries use, so
// standard dashboards work unchanged. Linux only: everything but the fd limit
// comes from /proc. A figure that cannot be read renders as NaN rather than
// as a plausible-looking zero.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "wdrbe/observability/metrics.hpp"

namespace wdrbe::obs {
namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

double PageBytes() { return static_cast<double>(sysconf(_SC_PAGESIZE)); }
double ClockTicksPerSecond() { return static_cast<double>(sysconf(_SC_CLK_TCK)); }

// /proc/self/statm: "size resident shared text lib data dt", in pages.
struct MemoryPages {
  double virtual_pages = 0;
  double resident_pages = 0;
};

std::optional<MemoryPages> ReadMemoryPages() {
  std::ifstream statm("/proc/self/statm");
  MemoryPages pages;
  if (!(statm >> pages.virtual_pages >> pages.resident_pages)) return std::nullopt;
  return pages;
}

// The fields of /proc/self/stat after the command name. The name is in
// parentheses and may itself hold spaces and parentheses, so the fields
// start after the last ')'. Field N of proc(5) is at index N - 3.
std::optional<std::vector<std::string>> ReadStatFields() {
  std::ifstream file("/proc/self/stat");
  const std::string stat{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(name_end + 1));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest),
                                  std::istream_iterator<std::string>()};
  return fields;
}

constexpr std::size_t kUserTicksField = 14 - 3;
constexpr std::size_t kSystemTicksField = 15 - 3;
constexpr std::size_t kStartTicksField = 22 - 3;  // clock ticks after boot

double StatField(const std::optional<std::vector<std::string>>& fields, std::size_t index) {
  if (!fields || fields->size() <= index) return kUnknown;
  try {
    return std::stod((*fields)[index]);
  } catch (const std::exception&) {
    return kUnknown;
  }
}

double CpuSeconds() {
  const auto fields = ReadStatFields();
  return (StatField(fields, kUserTicksField) + StatField(fields, kSystemTicksField)) / ClockTicksPerSecond();
}

// Seconds from boot to the start of this process.
double StartSecondsAfterBoot() {
  return StatField(ReadStatFields(), kStartTicksField) / ClockTicksPerSecond();
}

// The "btime" line of /proc/stat: when the system booted, in Unix seconds.
double BootTimeSeconds() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double value = 0;
  while (stat >> key) {
    if (key == "btime" && stat >> value) return value;
    stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return kUnknown;
}

// CLOCK_BOOTTIME counts from the same origin as the process start field and
// never jumps with the wall clock, so uptime stays monotonic.
double SecondsSinceBoot() {
  timespec now{};
  if (clock_gettime(CLOCK_BOOTTIME, &now) != 0) return kUnknown;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Counts the directory's own descriptor too, as the client libraries do.
double OpenFds() {
  std::error_code error;
  std::filesystem::directory_iterator fds("/proc/self/fd", error);
  if (error) return kUnknown;
  double count = 0;
  for (auto it = std::filesystem::begin(fds); it != std::filesystem::end(fds); it.increment(error)) {
    if (error) return kUnknown;
    ++count;
  }
  return count;
}

double MaxFds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return kUnknown;
  if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<double>::infinity();
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

void AddProcessMetrics(Registry& registry) {
  registry.AddGaugeFunction("process_resident_memory_bytes", "Resident memory size in bytes", [] {
    const auto pages = ReadMemoryPages();
    return pages ? pages->resident_pages * PageBytes() : kUnknown;
  });
  registry.AddGaugeFunction("process_virtual_memory_bytes", "Virtual memory size in bytes", [] {
    const auto pages = ReadMemoryPages();
    return pages ? pages->virtual_pages * PageBytes() : kUnknown;
  });
  registry.AddGaugeFunction("process_open_fds", "Number of open file descriptors", OpenFds);
  registry.AddGaugeFunction("process_max_fds", "Maximum number of open file descriptors", MaxFds);
  registry.AddCounterFunction("process_cpu_seconds_total", "Total user and system CPU time spent in seconds",
                              CpuSeconds);
  // Neither changes while the process runs, so both are read once.
  const double start_after_boot = StartSecondsAfterBoot();
  const double start_time = BootTimeSeconds() + start_after_boot;
  registry.AddGaugeFunction("process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds",
                            [start_time] { return start_time; });
  registry.AddGaugeFunction("wdrbe_uptime_seconds", "Seconds since the process started",
                            [start_after_boot] { return SecondsSinceBoot() - start_after_boot; });
}

}  // namespace wdrbe::obs
