// A store that cannot write (a full disk: the store.disk_full fault makes
// every write batch fail as SQLITE_FULL does) answers every write 503 with
// Retry-After and keeps nothing of it, while reads go on.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace json = boost::json;

void ExpectUnavailable(const Response& response) {
  EXPECT_EQ(response.status, 503) << response;
  EXPECT_EQ(response.ErrorCode(), "unavailable") << response;
  EXPECT_TRUE(response.json.has_value()) << "not JSON" << response;
  EXPECT_EQ(response.Header("Retry-After").value_or(""), "1") << response;
}

TEST(WriteFailuresTest, AFullDiskAnswersEveryWrite503AndKeepsNothingOfIt) {
  TempDir data_dir;
  ServerOptions options;
  options.data_dir = data_dir.path();
  std::string item_id;
  {
    auto healthy = TestServer::Start(options);
    ApiClient api(healthy->port(), "u-disk-full");
    item_id = std::string(api.MustCreate(ItemBody("Navy Blazer", "outerwear")).at("itemId").as_string());
    ASSERT_TRUE(healthy->Stop().ExitedWith(0));
  }

  ServerOptions full = options;
  full.extra_env = {{"WDRBE_FAULTS", "store.disk_full=1"}};
  {
    auto server = TestServer::Start(full);
    ApiClient api(server->port(), "u-disk-full");
    ExpectUnavailable(api.CreateItem(ItemBody("Never", "tops")));
    ExpectUnavailable(api.CreateItem(ItemBody("Never either", "tops"), {{"Idempotency-Key", "k-1"}}));
    json::object replace = ItemBody("Replaced", "tops");
    replace["itemId"] = item_id;
    ExpectUnavailable(api.CreateItem(replace));
    ExpectUnavailable(api.PatchItem(item_id, json::object{{"name", "Renamed"}}));
    ExpectUnavailable(api.ShareItem(item_id));
    ExpectUnavailable(api.ShareItem(item_id, {{"Idempotency-Key", "s-1"}}));
    ExpectUnavailable(api.DeleteItem(item_id));

    const Response read = api.GetItem(item_id);
    EXPECT_EQ(read.status, 200) << read;
    EXPECT_EQ(read.String("name"), "Navy Blazer") << read;
    EXPECT_EQ(api.ListItems().status, 200);
    EXPECT_EQ(api.ListActivities().status, 200);
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }

  auto after = TestServer::Start(options);
  ApiClient api(after->port(), "u-disk-full");
  const Response item = api.GetItem(item_id);
  ASSERT_EQ(item.status, 200) << "the delete was kept" << item;
  EXPECT_EQ(item.String("name"), "Navy Blazer") << item;
  EXPECT_EQ(item.Json().at("sharedCount").as_int64(), 0) << item;
  EXPECT_EQ(api.WalkItemIds({}, 100), std::vector<std::string>{item_id}) << "a failed create was kept";
  EXPECT_EQ(api.ActivityPages(100).front().response.Json().at("activities").as_array().size(), 1u)
      << "only the first create's activity";
  // The keys of the failed requests were not remembered: they work now.
  const Response retried = api.CreateItem(ItemBody("Never either", "tops"), {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(retried.status, 201) << retried;
}

}  // namespace
}  // namespace wdrbe::testing
