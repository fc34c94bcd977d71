// The client spans a traced store records: one per call and parent, named
// after the port method, with the engine's attributes; only the store's own
// failure is an error span, and a batch call says how many of its commands
// failed.
#include "wdrbe/tracing/traced_item_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "testing/fake_clock.hpp"
#include "testing/in_memory_item_store.hpp"
#include "testing/run_task.hpp"
#include "testing/seeded_random.hpp"
#include "testing/store_commands.hpp"
#include "wdrbe/base/faults.hpp"
#include "wdrbe/storage/fault_injecting_item_store.hpp"

namespace wdrbe::tracing {
namespace {

using testing::RunTask;

constexpr std::int64_t kNow = testing::kStoreCommandTimeMs;

// A span as submitted, with its views copied.
struct RecordedSpan {
  std::string trace_id, span_id, parent_span_id, name;
  SpanKind kind = SpanKind::kInternal;
  std::int64_t duration_ns = 0;
  std::map<std::string, std::string> attributes;  // values as text
  bool error = false;
  std::string status_message;
};

class RecordingSink final : public SpanSink {
 public:
  void Submit(const Span& span) override {
    RecordedSpan copy{std::string(span.trace_id),
                      std::string(span.span_id),
                      std::string(span.parent_span_id),
                      std::string(span.name),
                      span.kind,
                      span.end_unix_ns - span.start_unix_ns,
                      {},
                      span.error,
                      std::string(span.status_message)};
    for (const SpanAttribute& attribute : span.attributes) {
      std::string value;
      if (const auto* text = std::get_if<std::string_view>(&attribute.value)) value = *text;
      if (const auto* number = std::get_if<std::int64_t>(&attribute.value)) value = std::to_string(*number);
      if (const auto* flag = std::get_if<bool>(&attribute.value)) value = *flag ? "true" : "false";
      copy.attributes[std::string(attribute.key)] = value;
    }
    spans.push_back(std::move(copy));
  }
  std::vector<RecordedSpan> spans;
};

CreateItemCommand NewItem(const std::string& item_id) { return testing::NewItemOfUserA(item_id); }
ApplyShareCommand ShareOf(const std::string& item_id) { return testing::ShareOfUserA(item_id); }

class TracedItemStoreTest : public ::testing::Test {
 protected:
  SpanTarget Target(SpanBackend backend) { return SpanTarget{&sink_, &clock_, &random_, backend}; }

  RecordingSink sink_;
  testing::FakeClock clock_{kNow};
  testing::SeededRandom random_{7};
  testing::InMemoryItemStore inner_;
  const std::vector<ParentSpan> request_{{"0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"}};
};

TEST_F(TracedItemStoreTest, EachCallIsOneClientSpanOfItsParentNamedAfterThePortMethod) {
  const SpanTarget target = Target(SpanBackend::kEmbedded);
  TracedItemStore store(inner_, target, request_);
  ASSERT_TRUE(RunTask(store.CreateItem(NewItem("itm_1"))).ok());
  ASSERT_TRUE(RunTask(store.GetItem("itm_1")).ok());

  ASSERT_EQ(sink_.spans.size(), 2u);
  const RecordedSpan& create = sink_.spans[0];
  EXPECT_EQ(create.name, "ItemStore.CreateItem");
  EXPECT_EQ(create.kind, SpanKind::kClient);
  EXPECT_EQ(create.trace_id, request_[0].trace_id);
  EXPECT_EQ(create.parent_span_id, request_[0].span_id);
  EXPECT_EQ(create.span_id.size(), 16u);
  EXPECT_NE(create.span_id, sink_.spans[1].span_id);
  EXPECT_EQ(create.attributes,
            (std::map<std::string, std::string>{
                {"db.system.name", "sqlite"}, {"db.operation.name", "CreateItem"}, {"wdrbe.result", "ok"}}));
  EXPECT_FALSE(create.error);
  EXPECT_EQ(sink_.spans[1].name, "ItemStore.GetItem");
}

TEST_F(TracedItemStoreTest, OnAwsTheSpanNamesDynamoDbAsXRayDrawsIt) {
  const SpanTarget target = Target(SpanBackend::kAws);
  TracedItemStore store(inner_, target, request_);
  ASSERT_TRUE(RunTask(store.ListItems(ListItemsQuery{"usr_a", {}, {}, {}, 20})).ok());
  ASSERT_EQ(sink_.spans.size(), 1u);
  EXPECT_EQ(sink_.spans[0].attributes, (std::map<std::string, std::string>{{"db.system.name", "aws.dynamodb"},
                                                                           {"db.operation.name", "ListItems"},
                                                                           {"rpc.system", "aws-api"},
                                                                           {"rpc.service", "DynamoDB"},
                                                                           {"wdrbe.result", "ok"}}));
}

TEST_F(TracedItemStoreTest, ARefusalIsNoErrorButTheStoresFailureIs) {
  const SpanTarget target = Target(SpanBackend::kEmbedded);
  TracedItemStore store(inner_, target, request_);
  EXPECT_EQ(RunTask(store.GetItem("no_such_item")).error().code, ErrorCode::kNotFound);

  FaultInjectingItemStore failing(inner_, *FaultInjector::Parse("store.write=1"));
  TracedItemStore traced_failing(failing, target, request_);
  EXPECT_EQ(RunTask(traced_failing.CreateItem(NewItem("itm_2"))).error().code, ErrorCode::kUnavailable);

  ASSERT_EQ(sink_.spans.size(), 2u);
  EXPECT_EQ(sink_.spans[0].attributes.at("wdrbe.result"), "refused");
  EXPECT_FALSE(sink_.spans[0].error);
  EXPECT_EQ(sink_.spans[1].attributes.at("wdrbe.result"), "failed");
  EXPECT_TRUE(sink_.spans[1].error);
  EXPECT_EQ(sink_.spans[1].status_message, "injected fault: store.write");
}

TEST_F(TracedItemStoreTest, ABatchCallIsASpanInEveryParentsTraceAndCountsItsFailures) {
  const SpanTarget target = Target(SpanBackend::kEmbedded);
  const std::vector<ParentSpan> events{{"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"},
                                       {"5cf92f3577b34da6a3ce929d0e0e4737", "11f067aa0ba902b8"}};
  ASSERT_TRUE(RunTask(inner_.CreateItem(NewItem("itm_3"))).ok());
  TracedItemStore store(inner_, target, events);
  const auto applied = RunTask(store.ApplyShares({ShareOf("itm_3"), ShareOf("itm_missing")}));
  ASSERT_EQ(applied.size(), 2u);
  ASSERT_EQ(sink_.spans.size(), 2u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(sink_.spans[i].name, "ItemStore.ApplyShares");
    EXPECT_EQ(sink_.spans[i].trace_id, events[i].trace_id);
    EXPECT_EQ(sink_.spans[i].parent_span_id, events[i].span_id);
    EXPECT_EQ(sink_.spans[i].attributes.at("messaging.batch.message_count"), "2");
    EXPECT_EQ(sink_.spans[i].attributes.at("wdrbe.result"), "ok") << "an item gone is an answer";
    EXPECT_EQ(sink_.spans[i].attributes.count("wdrbe.failed_count"), 0u);
  }
  EXPECT_NE(sink_.spans[0].span_id, sink_.spans[1].span_id);

  sink_.spans.clear();
  FaultInjectingItemStore failing(inner_, *FaultInjector::Parse("store.write=1"));
  TracedItemStore traced_failing(failing, target, std::span(events).first(1));
  const auto failed = RunTask(traced_failing.ApplyShares({ShareOf("itm_3"), ShareOf("itm_3")}));
  ASSERT_EQ(failed.size(), 2u);
  ASSERT_EQ(sink_.spans.size(), 1u);
  EXPECT_EQ(sink_.spans[0].attributes.at("wdrbe.result"), "failed");
  EXPECT_EQ(sink_.spans[0].attributes.at("wdrbe.failed_count"), "2");
}

TEST_F(TracedItemStoreTest, NothingIsRecordedWithoutASinkOrAParent) {
  const SpanTarget no_sink{};
  TracedItemStore untraced(inner_, no_sink, request_);
  ASSERT_TRUE(RunTask(untraced.CreateItem(NewItem("itm_4"))).ok());
  const SpanTarget target = Target(SpanBackend::kEmbedded);
  TracedItemStore orphan(inner_, target, {});
  ASSERT_TRUE(RunTask(orphan.GetItem("itm_4")).ok());
  EXPECT_TRUE(sink_.spans.empty());
}

}  // namespace
}  // namespace wdrbe::tracing
