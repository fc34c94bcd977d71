// EMF publication: what changed since the last Take, under the contract's
// names, as documents that satisfy the format and CloudWatch's limits.
#include "wdrbe/observability/emf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <string>
#include <thread>
#include <vector>

#include "testing/emf_documents.hpp"

namespace wdrbe::obs {
namespace {

using testing::EmfSums;
using testing::EmfValues;

constexpr std::int64_t kNow = 1'764'633'600'000;

std::vector<boost::json::object> Parse(const std::vector<std::string>& documents) {
  std::vector<boost::json::object> parsed;
  for (const std::string& document : documents) {
    EXPECT_EQ(document.find('\n'), std::string::npos) << "a document is one line";
    parsed.push_back(boost::json::parse(document).as_object());
    testing::ExpectValidEmf(parsed.back());
  }
  return parsed;
}

std::vector<std::string> MetricNames(const boost::json::object& document) {
  std::vector<std::string> names;
  for (const auto& directive : document.at("_aws").at("CloudWatchMetrics").as_array()) {
    for (const auto& metric : directive.at("Metrics").as_array()) {
      names.emplace_back(metric.at("Name").as_string());
    }
  }
  return names;
}

TEST(EmfPublisherTest, NothingCountedPublishesNothing) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-api");
  EXPECT_TRUE(emf.Take(kNow).empty());
}

TEST(EmfPublisherTest, PublishesTheContractsNamesUnderTheWdrbeNamespaceAndServiceDimension) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-api");
  metrics.items.Created("outerwear");
  metrics.items.Created("outerwear");
  metrics.items.Created("shoes");
  metrics.items.created_idempotent.Inc();
  metrics.items.listed.Inc(20);
  metrics.shares.enqueued.Inc();
  metrics.http.unhandled_errors.Inc();

  const auto documents = Parse(emf.Take(kNow, {{"awsRequestId", "req-1"}, {"xrayTraceId", ""}}));
  ASSERT_EQ(documents.size(), 1u);
  const boost::json::object& document = documents.front();
  EXPECT_EQ(document.at("_aws").at("Timestamp").as_int64(), kNow);
  const auto& directive = document.at("_aws").at("CloudWatchMetrics").at(0).as_object();
  EXPECT_EQ(directive.at("Namespace").as_string(), "Wdrbe");
  EXPECT_EQ(boost::json::serialize(directive.at("Dimensions")), R"([["service"]])");
  EXPECT_EQ(document.at("service").as_string(), "wdrbe-api");
  EXPECT_EQ(document.at("awsRequestId").as_string(), "req-1");
  EXPECT_FALSE(document.contains("xrayTraceId")) << "empty properties are left out";
  for (const auto& metric : directive.at("Metrics").as_array()) {
    EXPECT_EQ(metric.at("Unit").as_string(), "Count");
  }

  const std::map<std::string, double> expected = {
      {"ItemCreated", 3},           {"ItemCreated_outerwear", 2}, {"ItemCreated_shoes", 1},
      {"ItemCreatedIdempotent", 1}, {"ItemsListed", 20},          {"ShareEventsEnqueued", 1},
      {"UnhandledErrors", 1},
  };
  EXPECT_EQ(EmfSums(documents), expected) << "only what changed, and nothing else";
}

TEST(EmfPublisherTest, EachTakePublishesOnlyWhatChangedSinceThePreviousOne) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe");
  metrics.items.Created("tops");
  metrics.items.listed.Inc(5);
  ASSERT_EQ(emf.Take(kNow).size(), 1u);
  EXPECT_TRUE(emf.Take(kNow + 1).empty()) << "nothing changed since";

  metrics.items.Created("tops");
  metrics.items.Created("hats");
  metrics.shares.enqueued.Inc(2);
  const auto documents = Parse(emf.Take(kNow + 2));
  const std::map<std::string, double> expected = {
      {"ItemCreated", 2}, {"ItemCreated_hats", 1}, {"ItemCreated_tops", 1}, {"ShareEventsEnqueued", 2}};
  EXPECT_EQ(EmfSums(documents), expected);
}

TEST(EmfPublisherTest, WorkerFiguresPublishEveryBatchSize) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-worker");
  for (double size : {10.0, 3.0, 3.0, 1.0}) metrics.worker.batch_size.Observe(size);
  metrics.worker.processed.Inc(14);
  metrics.worker.already_applied.Inc(1);  // not one of the contract's metrics
  metrics.worker.item_not_found.Inc(1);
  metrics.worker.successful.Inc(16);
  metrics.worker.failed.Inc(1);

  const auto documents = Parse(emf.Take(kNow));
  auto values = EmfValues(documents);
  std::sort(values["BatchSize"].begin(), values["BatchSize"].end());
  EXPECT_EQ(values["BatchSize"], (std::vector<double>{1, 3, 3, 10}));
  const auto sums = EmfSums(documents);
  EXPECT_EQ(sums.at("ShareEventsProcessed"), 14);
  EXPECT_EQ(sums.at("ItemNotFound"), 1);
  EXPECT_EQ(sums.at("SuccessfulRecords"), 16);
  EXPECT_EQ(sums.at("FailedRecords"), 1);
  EXPECT_EQ(sums.size(), 5u);

  metrics.worker.batch_size.Observe(7);
  EXPECT_EQ(EmfValues(Parse(emf.Take(kNow + 1)))["BatchSize"], std::vector<double>{7});
}

TEST(EmfPublisherTest, BatchesLargerThanTheLastBucketKeepTheirSumAndCount) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-worker");
  metrics.worker.batch_size.Observe(500);
  metrics.worker.batch_size.Observe(300);
  metrics.worker.batch_size.Observe(4);
  auto values = EmfValues(Parse(emf.Take(kNow)))["BatchSize"];
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<double>{4, 400, 400}));
}

TEST(EmfPublisherTest, MoreThanAHundredMetricsAreSpreadOverDocuments) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-api");
  // 150 categories: the first kMaxCategorySeries get a metric each, the
  // rest count as "other"; with ItemCreated that is 102 metrics.
  for (int i = 0; i < 150; ++i) metrics.items.Created("category-" + std::to_string(i));

  const auto documents = Parse(emf.Take(kNow));
  ASSERT_EQ(documents.size(), 2u);
  std::size_t defined = 0;
  for (const auto& document : documents) {
    EXPECT_LE(MetricNames(document).size(), kEmfMaxMetricsPerDocument);
    defined += MetricNames(document).size();
  }
  EXPECT_EQ(defined, 2 + kMaxCategorySeries);
  const auto sums = EmfSums(documents);
  EXPECT_EQ(sums.at("ItemCreated"), 150);
  EXPECT_EQ(sums.at("ItemCreated_other"), 150 - static_cast<double>(kMaxCategorySeries));
  EXPECT_EQ(sums.at("ItemCreated_category-0"), 1);
}

TEST(EmfPublisherTest, MoreThanAHundredBatchesAreSpreadOverDocuments) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe-worker");
  for (int i = 0; i < 250; ++i) metrics.worker.batch_size.Observe(2);
  metrics.worker.successful.Inc(500);

  const auto documents = Parse(emf.Take(kNow));
  ASSERT_EQ(documents.size(), 3u);
  const auto values = EmfValues(documents);
  EXPECT_EQ(values.at("BatchSize").size(), 250u);
  EXPECT_EQ(values.at("SuccessfulRecords"), std::vector<double>{500}) << "published once";
}

TEST(EmfPublisherTest, ConcurrentTakesPublishEveryCountExactlyOnce) {
  ServiceMetrics metrics;
  EmfPublisher emf(metrics, "wdrbe");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<std::string>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.items.Created(i % 2 == 0 ? "even" : "odd");
        metrics.worker.batch_size.Observe(1 + i % 10);
        if (i % 100 == 0) {
          for (std::string& document : emf.Take(kNow + i)) taken[t].push_back(std::move(document));
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::string> all;
  for (auto& documents : taken) all.insert(all.end(), documents.begin(), documents.end());
  for (std::string& document : emf.Take(kNow + kPerThread)) all.push_back(std::move(document));

  const auto documents = Parse(all);
  const auto sums = EmfSums(documents);
  EXPECT_EQ(sums.at("ItemCreated"), kThreads * kPerThread);
  EXPECT_EQ(sums.at("ItemCreated_even") + sums.at("ItemCreated_odd"), kThreads * kPerThread);
  EXPECT_EQ(EmfValues(documents).at("BatchSize").size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace wdrbe::obs
