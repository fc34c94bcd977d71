// The store.write and store.read fault points on a wrapped store: a failed
// write reaches nothing, a failed read leaves writes working, and a batch
// of share applications fails command by command.
#include "wdrbe/storage/fault_injecting_item_store.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "testing/in_memory_item_store.hpp"
#include "testing/run_task.hpp"
#include "testing/store_commands.hpp"

namespace wdrbe {
namespace {

using testing::RunTask;

constexpr std::int64_t kNow = testing::kStoreCommandTimeMs;

std::shared_ptr<const FaultInjector> Faults(std::string_view spec) { return *FaultInjector::Parse(spec); }

CreateItemCommand NewItem(const std::string& item_id) { return testing::NewItemOfUserA(item_id); }
ApplyShareCommand ShareOf(const std::string& item_id) { return testing::ShareOfUserA(item_id); }

ItemPatch Renamed() {
  ItemPatch patch;
  patch.name = "Renamed";
  return patch;
}

ListItemsQuery AllOfA() {
  ListItemsQuery query;
  query.user_id = "usr_a";
  return query;
}

bool IsInjected(const Status& status, std::string_view point) {
  return !status.ok() && status.error().code == ErrorCode::kUnavailable &&
         status.error().message == "injected fault: " + std::string(point);
}

TEST(FaultInjectingItemStoreTest, FailedWritesReachNothingAndReadsKeepWorking) {
  testing::InMemoryItemStore inner;
  ASSERT_TRUE(RunTask(inner.CreateItem(NewItem("itm_1"))).ok());
  FaultInjectingItemStore store(inner, Faults("store.write=1"));

  EXPECT_TRUE(IsInjected(RunTask(store.CreateItem(NewItem("itm_2"))).status(), "store.write"));
  EXPECT_TRUE(
      IsInjected(RunTask(store.UpdateItem("usr_a", "itm_1", Renamed(), kNow)).status(), "store.write"));
  EXPECT_TRUE(IsInjected(RunTask(store.DeleteItem("usr_a", "itm_1")), "store.write"));
  EXPECT_TRUE(IsInjected(
      RunTask(store.AdmitShare(AdmitShareCommand{"usr_a", "itm_1", std::string("k1"), "evt_1", kNow}))
          .status(),
      "store.write"));
  EXPECT_TRUE(IsInjected(RunTask(store.CompleteShareKey("usr_a", "k1")), "store.write"));
  const auto applied = RunTask(store.ApplyShares({ShareOf("itm_1")}));
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_TRUE(IsInjected(applied[0].status(), "store.write"));

  EXPECT_TRUE(RunTask(store.Ping()).ok());
  const Result<Item> item = RunTask(store.GetItem("itm_1"));
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->fields.name, "Coat");
  EXPECT_EQ(item->shared_count, 0);
  EXPECT_EQ(RunTask(inner.GetItem("itm_2")).error().code, ErrorCode::kNotFound);
  const Result<ItemPage> page = RunTask(store.ListItems(AllOfA()));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 1u);
}

TEST(FaultInjectingItemStoreTest, FailedReadsAndPingLeaveWritesWorking) {
  testing::InMemoryItemStore inner;
  FaultInjectingItemStore store(inner, Faults("store.read=1"));

  EXPECT_TRUE(IsInjected(RunTask(store.Ping()), "store.read"));
  EXPECT_TRUE(RunTask(store.CreateItem(NewItem("itm_1"))).ok());
  EXPECT_TRUE(IsInjected(RunTask(store.GetItem("itm_1")).status(), "store.read"));
  EXPECT_TRUE(IsInjected(RunTask(store.ListItems(AllOfA())).status(), "store.read"));
  EXPECT_TRUE(IsInjected(
      RunTask(store.ListActivities(ListActivitiesQuery{"usr_a", std::nullopt, 20})).status(), "store.read"));
  EXPECT_TRUE(RunTask(inner.GetItem("itm_1")).ok());
}

// Each application is its own transaction, so each draws its own fault; the
// results stay in the commands' order, and exactly the failed ones are
// missing from the store.
TEST(FaultInjectingItemStoreTest, ABatchOfApplicationsFailsCommandByCommandInOrder) {
  testing::InMemoryItemStore inner;
  std::vector<ApplyShareCommand> batch;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "itm_" + std::to_string(i);
    ASSERT_TRUE(RunTask(inner.CreateItem(NewItem(id))).ok());
    batch.push_back(ShareOf(id));
  }
  FaultInjectingItemStore store(inner, Faults("store.write=0.5"));

  const std::vector<Result<ShareApplication>> results = RunTask(store.ApplyShares(batch));

  ASSERT_EQ(results.size(), batch.size());
  int failed = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Result<Item> item = RunTask(inner.GetItem(batch[i].event.item_id));
    ASSERT_TRUE(item.ok());
    if (results[i].ok()) {
      EXPECT_EQ(*results[i], ShareApplication::kApplied);
      EXPECT_EQ(item->shared_count, 1) << batch[i].event.item_id;
    } else {
      ++failed;
      EXPECT_TRUE(IsInjected(results[i].status(), "store.write"));
      EXPECT_EQ(item->shared_count, 0) << batch[i].event.item_id;
    }
  }
  // 40 draws at 0.5: all passing or all failing is a 2^-39 chance.
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 40);
}

TEST(FaultInjectingItemStoreTest, WithoutFaultsEveryCallReachesTheStore) {
  testing::InMemoryItemStore inner;
  FaultInjectingItemStore store(inner, nullptr);
  EXPECT_TRUE(RunTask(store.CreateItem(NewItem("itm_1"))).ok());
  const auto applied = RunTask(store.ApplyShares({ShareOf("itm_1"), ShareOf("itm_1")}));
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(*applied[0], ShareApplication::kApplied);
  EXPECT_EQ(*applied[1], ShareApplication::kAlreadyApplied);
  EXPECT_EQ(RunTask(store.GetItem("itm_1"))->shared_count, 1);
}

}  // namespace
}  // namespace wdrbe
