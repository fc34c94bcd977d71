#include "testing/metric_samples.hpp"

#include <sstream>

namespace wdrbe::testing {

std::map<std::string, double> ParseMetricSamples(const std::string& page) {
  std::map<std::string, double> samples;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

double MetricSample(const std::map<std::string, double>& samples, const std::string& key) {
  const auto it = samples.find(key);
  return it == samples.end() ? -1 : it->second;
}

double MetricSample(const std::string& page, const std::string& key) {
  return MetricSample(ParseMetricSamples(page), key);
}

}  // namespace wdrbe::testing
