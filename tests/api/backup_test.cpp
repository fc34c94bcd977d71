// `wdrbe backup` while the server keeps writing, then a restore: every item
// created before the backup began is served by a server started on the copy.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_images.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace fs = std::filesystem;

TEST(BackupTest, ABackupTakenDuringWritesRestoresEverythingCreatedBeforeIt) {
  TempDir live;
  TempDir scratch;
  ServerOptions options;
  options.data_dir = live.path();
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "backup-user");
  std::vector<std::string> before;
  for (int i = 0; i < 50; ++i)
    before.emplace_back(owner.MustCreate(ItemBody("Before")).at("itemId").as_string());
  auto list = owner.ListItems({{"limit", "5"}});
  ASSERT_EQ(list.status, 200);
  const std::string cursor(list.Json().at("nextCursor").as_string());

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    ApiClient busy(server->port(), "backup-writer");
    while (!stop) {
      if (busy.CreateItem(ItemBody("During")).status == 201) ++written;
    }
  });
  while (written < 20) std::this_thread::yield();
  const fs::path copy = scratch.path() / "copy";
  ProcessOutcome backup =
      RunToExit({"backup", copy.string(), "--data-dir", live.path().string()}, std::nullopt);
  stop = true;
  writer.join();
  ASSERT_TRUE(backup.status.ExitedWith(0)) << backup.output;
  EXPECT_TRUE(fs::exists(copy / "wdrbe.db"));
  EXPECT_TRUE(fs::exists(copy / "cursor.key"));
  EXPECT_GT(written.load(), 20) << "the server kept writing during the backup";
  ASSERT_TRUE(server->Stop().ExitedWith(0));

  // Restore into a fresh data directory, as the operations guide says.
  const fs::path restored = scratch.path() / "restored";
  fs::create_directories(restored);
  for (const char* file : {"wdrbe.db", "cursor.key"}) fs::copy_file(copy / file, restored / file);
  ServerOptions restored_options;
  restored_options.data_dir = restored;
  auto restored_server = TestServer::Start(restored_options);
  ApiClient again(restored_server->port(), "backup-user");
  for (const auto& id : before) EXPECT_EQ(again.GetItem(id).status, 200) << id;
  EXPECT_EQ(again.WalkItemIds({}, 100).size(), before.size());
  // Cursors handed out before the backup still work: the key came along.
  EXPECT_EQ(again.ListItems({{"limit", "5"}, {"cursor", cursor}}).status, 200);

  ProcessOutcome refused =
      RunToExit({"backup", copy.string(), "--data-dir", restored.string()}, std::nullopt);
  EXPECT_TRUE(refused.status.ExitedWith(1)) << "an existing destination is never overwritten";
}

TEST(BackupTest, WithASharedCursorKeyFileTheBackupHoldsTheDatabaseAndSaysWhereTheKeyIs) {
  TempDir live;
  TempDir scratch;
  const fs::path key_file = scratch.path() / "shared-cursor.key";
  std::ofstream(key_file) << std::string(64, 'c') << "\n";
  ServerOptions options;
  options.data_dir = live.path();
  options.extra_args = {"--cursor-key-file", key_file.string()};
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "backup-shared-key");
  const std::string id(owner.MustCreate(ItemBody("Kept")).at("itemId").as_string());

  const fs::path copy = scratch.path() / "copy";
  ProcessOutcome backup =
      RunToExit({"backup", copy.string(), "--data-dir", live.path().string()}, std::nullopt);
  ASSERT_TRUE(backup.status.ExitedWith(0)) << backup.output;
  EXPECT_TRUE(fs::exists(copy / "wdrbe.db"));
  EXPECT_FALSE(fs::exists(copy / "cursor.key"));
  EXPECT_NE(backup.output.find("--cursor-key-file"), std::string::npos) << backup.output;
  ASSERT_TRUE(server->Stop().ExitedWith(0));

  ServerOptions restored;
  restored.data_dir = copy;
  restored.extra_args = options.extra_args;
  auto restored_server = TestServer::Start(restored);
  EXPECT_EQ(ApiClient(restored_server->port(), "backup-shared-key").GetItem(id).status, 200);
}

TEST(BackupTest, PhotosComeAlongAndAreServedByTheRestoredServer) {
  TempDir live;
  TempDir scratch;
  ServerOptions options;
  options.data_dir = live.path();
  auto server = TestServer::Start(options);
  ApiClient owner(server->port(), "backup-photos");
  const std::string id(owner.MustCreate(ItemBody("Pictured")).at("itemId").as_string());
  const Response put =
      owner.http().Send({"PUT",
                         "/items/" + id + "/image",
                         {{"Authorization", Bearer(owner.token())}, {"Content-Type", "image/png"}},
                         MakeTestImage(ImageFormat::kPng)});
  ASSERT_EQ(put.status, 200) << put;
  const Response original = owner.http().Get("/items/" + id + "/image", owner.token());
  ASSERT_EQ(original.status, 200);

  const fs::path copy = scratch.path() / "copy";
  ProcessOutcome backup =
      RunToExit({"backup", copy.string(), "--data-dir", live.path().string()}, std::nullopt);
  ASSERT_TRUE(backup.status.ExitedWith(0)) << backup.output;
  EXPECT_NE(backup.output.find("\"photoFiles\":2"), std::string::npos) << backup.output;
  ASSERT_TRUE(server->Stop().ExitedWith(0));

  ServerOptions restored;
  restored.data_dir = copy;
  auto restored_server = TestServer::Start(restored);
  ApiClient again(restored_server->port(), "backup-photos");
  const Response served = again.http().Get("/items/" + id + "/image", again.token());
  ASSERT_EQ(served.status, 200) << served;
  EXPECT_EQ(served.body, original.body);
  EXPECT_EQ(served.Header("ETag"), original.Header("ETag"));
  EXPECT_EQ(again.http().Get("/items/" + id + "/image/thumbnail", again.token()).status, 200);
}

}  // namespace
}  // namespace wdrbe::testing
