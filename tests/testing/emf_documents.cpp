#include "testing/emf_documents.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <set>
#include <sstream>

namespace wdrbe::testing {
namespace {

// CloudWatch's units (MetricDatum.Unit).
constexpr std::array<std::string_view, 27> kUnits = {"Seconds",
                                                     "Microseconds",
                                                     "Milliseconds",
                                                     "Bytes",
                                                     "Kilobytes",
                                                     "Megabytes",
                                                     "Gigabytes",
                                                     "Terabytes",
                                                     "Bits",
                                                     "Kilobits",
                                                     "Megabits",
                                                     "Gigabits",
                                                     "Terabits",
                                                     "Percent",
                                                     "Count",
                                                     "Bytes/Second",
                                                     "Kilobytes/Second",
                                                     "Megabytes/Second",
                                                     "Gigabytes/Second",
                                                     "Terabytes/Second",
                                                     "Bits/Second",
                                                     "Kilobits/Second",
                                                     "Megabits/Second",
                                                     "Gigabits/Second",
                                                     "Terabits/Second",
                                                     "Count/Second",
                                                     "None"};

// CloudWatch Logs' largest event, which a document must fit in.
constexpr std::size_t kMaxEventBytes = 256 * 1024;

bool HasNonSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c != ' ' && c != '\t' && c != '\n'; });
}

void ExpectDirective(const boost::json::object& document, const boost::json::value& directive,
                     std::set<std::string>& names) {
  ASSERT_TRUE(directive.is_object()) << "a MetricDirective must be an object";
  const boost::json::object& d = directive.as_object();
  for (const auto& member : d) {
    EXPECT_TRUE(member.key() == "Namespace" || member.key() == "Dimensions" || member.key() == "Metrics")
        << "unknown MetricDirective member " << member.key();
  }
  ASSERT_TRUE(d.contains("Namespace") && d.at("Namespace").is_string()) << "Namespace must be a string";
  const std::string_view ns = d.at("Namespace").as_string();
  EXPECT_TRUE(!ns.empty() && ns.size() <= 1024 && HasNonSpace(ns)) << "Namespace must be 1-1024 characters";

  ASSERT_TRUE(d.contains("Dimensions") && d.at("Dimensions").is_array()) << "Dimensions must be an array";
  for (const auto& set : d.at("Dimensions").as_array()) {
    ASSERT_TRUE(set.is_array()) << "a DimensionSet must be an array";
    EXPECT_GE(set.as_array().size(), 1u);
    EXPECT_LE(set.as_array().size(), 30u) << "a DimensionSet holds at most 30 dimensions";
    for (const auto& key : set.as_array()) {
      ASSERT_TRUE(key.is_string()) << "a dimension key must be a string";
      const std::string_view name = key.as_string();
      EXPECT_TRUE(!name.empty() && name.size() <= 250) << "dimension names are 1-250 characters";
      const auto* value = document.if_contains(name);
      ASSERT_NE(value, nullptr) << "dimension " << name << " has no member at the root";
      ASSERT_TRUE(value->is_string()) << "dimension " << name << " must be a string";
      EXPECT_TRUE(!value->as_string().empty() && value->as_string().size() <= 1024 &&
                  HasNonSpace(value->as_string()))
          << "dimension values are 1-1024 characters";
    }
  }

  ASSERT_TRUE(d.contains("Metrics") && d.at("Metrics").is_array()) << "Metrics must be an array";
  const boost::json::array& metrics = d.at("Metrics").as_array();
  EXPECT_GE(metrics.size(), 1u);
  EXPECT_LE(metrics.size(), 100u) << "a directive defines at most 100 metrics";
  for (const auto& metric : metrics) {
    ASSERT_TRUE(metric.is_object()) << "a MetricDefinition must be an object";
    const boost::json::object& m = metric.as_object();
    ASSERT_TRUE(m.contains("Name") && m.at("Name").is_string()) << "a metric needs a Name";
    const std::string name(m.at("Name").as_string());
    EXPECT_TRUE(!name.empty() && name.size() <= 255 && HasNonSpace(name)) << "metric names are 1-255 chars";
    EXPECT_TRUE(names.insert(name).second) << "metric " << name << " is defined twice in one document";
    if (const auto* unit = m.if_contains("Unit")) {
      ASSERT_TRUE(unit->is_string());
      EXPECT_NE(std::find(kUnits.begin(), kUnits.end(), std::string_view(unit->as_string())), kUnits.end())
          << "unknown unit " << unit->as_string();
    }
    if (const auto* resolution = m.if_contains("StorageResolution")) {
      EXPECT_TRUE(resolution->is_int64() && (resolution->as_int64() == 1 || resolution->as_int64() == 60));
    }
    const auto* value = document.if_contains(name);
    ASSERT_NE(value, nullptr) << "metric " << name << " has no member at the root";
    if (value->is_array()) {
      const boost::json::array& values = value->as_array();
      EXPECT_GE(values.size(), 1u);
      EXPECT_LE(values.size(), 100u) << "a metric holds at most 100 values";
      for (const auto& v : values) EXPECT_TRUE(v.is_number()) << "metric " << name << ": not a number";
    } else {
      EXPECT_TRUE(value->is_number()) << "metric " << name << " must be a number or an array of numbers";
    }
  }
}

void AddValues(const boost::json::value& value, std::vector<double>& out) {
  if (value.is_array()) {
    for (const auto& v : value.as_array()) out.push_back(v.to_number<double>());
  } else {
    out.push_back(value.to_number<double>());
  }
}

}  // namespace

std::vector<boost::json::object> EmfDocuments(std::string_view output, std::string_view aws_request_id) {
  std::vector<boost::json::object> documents;
  std::istringstream lines{std::string(output)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"_aws\"") == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(line, ec);
    if (ec || !parsed.is_object() || !parsed.as_object().contains("_aws")) continue;
    if (!aws_request_id.empty()) {
      const auto* id = parsed.as_object().if_contains("awsRequestId");
      if (id == nullptr || !id->is_string() || id->as_string() != aws_request_id) continue;
    }
    EXPECT_LE(line.size(), kMaxEventBytes) << "an EMF document must fit in one CloudWatch Logs event";
    documents.push_back(std::move(parsed.as_object()));
  }
  return documents;
}

void ExpectValidEmf(const boost::json::object& document) {
  const auto* aws = document.if_contains("_aws");
  ASSERT_NE(aws, nullptr) << "no _aws member";
  ASSERT_TRUE(aws->is_object()) << "_aws must be an object";
  const boost::json::object& metadata = aws->as_object();
  ASSERT_TRUE(metadata.contains("Timestamp")) << "_aws.Timestamp is required";
  EXPECT_TRUE(metadata.at("Timestamp").is_int64() && metadata.at("Timestamp").as_int64() > 0)
      << "_aws.Timestamp must be Unix milliseconds";
  ASSERT_TRUE(metadata.contains("CloudWatchMetrics") && metadata.at("CloudWatchMetrics").is_array())
      << "_aws.CloudWatchMetrics must be an array";
  EXPECT_FALSE(metadata.at("CloudWatchMetrics").as_array().empty());
  std::set<std::string> names;
  for (const auto& directive : metadata.at("CloudWatchMetrics").as_array()) {
    ExpectDirective(document, directive, names);
  }
}

std::map<std::string, std::vector<double>> EmfValues(const std::vector<boost::json::object>& documents) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& document : documents) {
    for (const auto& directive : document.at("_aws").at("CloudWatchMetrics").as_array()) {
      for (const auto& metric : directive.at("Metrics").as_array()) {
        const std::string name(metric.at("Name").as_string());
        AddValues(document.at(name), values[name]);
      }
    }
  }
  return values;
}

std::map<std::string, double> EmfSums(const std::vector<boost::json::object>& documents) {
  std::map<std::string, double> sums;
  for (const auto& [name, values] : EmfValues(documents)) {
    for (double v : values) sums[name] += v;
  }
  return sums;
}

}  // namespace wdrbe::testing
