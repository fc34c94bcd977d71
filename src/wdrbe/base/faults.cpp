#include "wdrbe/base/faults.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace wdrbe {
namespace {

constexpr std::array<std::string_view, 4> kKnownPoints = {kFaultWorkerProcess, kFaultStoreWrite,
                                                          kFaultStoreRead, kFaultStoreDiskFull};

bool IsKnownPoint(std::string_view point) {
  return std::find(kKnownPoints.begin(), kKnownPoints.end(), point) != kKnownPoints.end();
}

std::string KnownPointList() {
  std::string list;
  for (std::string_view point : kKnownPoints) {
    if (!list.empty()) list += ", ";
    list += point;
  }
  return list;
}

}  // namespace

Result<std::shared_ptr<FaultInjector>> FaultInjector::Parse(std::string_view spec) {
  auto faults = std::make_shared<FaultInjector>();
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      return Error::BadRequest("WDRBE_FAULTS entry '" + std::string(entry) + "' must be point=probability");
    }
    const std::string_view name = entry.substr(0, equals);
    const std::string_view point = name.substr(0, name.find('@'));
    if (!IsKnownPoint(point)) {
      return Error::BadRequest("WDRBE_FAULTS: unknown fault point '" + std::string(point) +
                               "' (known: " + KnownPointList() + ")");
    }
    const std::string_view value = entry.substr(equals + 1);
    double probability = -1;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), probability);
    // Written as "not within" so that NaN, which compares false to all, fails.
    if (ec != std::errc() || ptr != value.data() + value.size() || !(probability >= 0 && probability <= 1)) {
      return Error::BadRequest("WDRBE_FAULTS: probability of '" + std::string(name) + "' must be 0..1");
    }
    faults->probabilities_[std::string(name)] = probability;
  }
  return faults;
}

bool FaultInjector::ShouldFail(std::string_view point, std::string_view subject) const {
  if (probabilities_.empty()) return false;
  double probability = 0;
  if (!subject.empty()) {
    std::string narrowed(point);
    narrowed += '@';
    narrowed += subject;
    if (auto it = probabilities_.find(narrowed); it != probabilities_.end()) probability = it->second;
  }
  if (probability == 0) {
    if (auto it = probabilities_.find(point); it != probabilities_.end()) probability = it->second;
  }
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0, 1)(random_) < probability;
}

}  // namespace wdrbe
