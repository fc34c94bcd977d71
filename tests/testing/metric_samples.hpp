// Reading a Prometheus text page (/metrics) in tests.
#pragma once

#include <map>
#include <string>

namespace wdrbe::testing {

// Every sample of the page: "name{labels}" (as printed) -> value.
std::map<std::string, double> ParseMetricSamples(const std::string& page);

// The value of one sample ("name" or "name{labels}" as printed), or -1
// when the page has none.
double MetricSample(const std::map<std::string, double>& samples, const std::string& key);
double MetricSample(const std::string& page, const std::string& key);

}  // namespace wdrbe::testing
