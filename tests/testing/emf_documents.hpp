// CloudWatch Embedded Metric Format documents in a process's output, and a
// check of each against the format's specification (the root's `_aws`
// metadata, its MetricDirectives, and the members they refer to), so tests
// can tell that CloudWatch would extract the metrics, and which values.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wdrbe::testing {

// Every line of `output` that is a JSON object with an `_aws` member; with
// `aws_request_id`, only the documents of that Lambda invocation.
std::vector<boost::json::object> EmfDocuments(std::string_view output, std::string_view aws_request_id = {});

// Adds a test failure (naming the rule) for every way `document` breaks
// the EMF specification or CloudWatch's limits: Timestamp, CloudWatchMetrics
// with Namespace, Dimensions (1-30 keys per set, each a string member of
// the root), Metrics (1-100, a known Unit, no name twice), and each metric a
// number or an array of 1-100 numbers at the root.
void ExpectValidEmf(const boost::json::object& document);

// Per metric name, every value the documents hold (arrays flattened).
std::map<std::string, std::vector<double>> EmfValues(const std::vector<boost::json::object>& documents);

// Per metric name, the sum of its values.
std::map<std::string, double> EmfSums(const std::vector<boost::json::object>& documents);

}  // namespace wdrbe::testing
