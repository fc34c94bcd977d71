// The files of a data directory and of a backup are private (0600, the
// directories 0700) whatever the umask the server starts with, and secret
// files that others may read give a warning at start.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_images.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

unsigned ModeOf(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0xFFFF;
  return info.st_mode & 07777;
}

// The umask children started meanwhile inherit.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

std::string WriteFile(const fs::path& path, const std::string& contents, fs::perms perms) {
  std::ofstream(path, std::ios::binary) << contents;
  fs::permissions(path, perms);
  return path.string();
}

TEST(DataFilesTest, DataFilesAndBackupsArePrivateUnderAnOpenUmask) {
  TempDir scratch;
  const fs::path data_dir = scratch.path() / "data";  // the server makes it
  const fs::path copy = scratch.path() / "copy";
  {
    ScopedUmask open_umask(022);
    ServerOptions options;
    options.data_dir = data_dir;
    auto server = TestServer::Start(options);
    ApiClient api(server->port(), "u-files");
    const std::string item_id(api.MustCreate(ItemBody()).at("itemId").as_string());
    ASSERT_EQ(api.ShareItem(item_id).status, 202);
    const Response photo =
        api.http().Send({"PUT",
                         "/items/" + item_id + "/image",
                         {{"Authorization", Bearer(api.token())}, {"Content-Type", "image/png"}},
                         MakeTestImage(ImageFormat::kPng)});
    ASSERT_EQ(photo.status, 200) << photo;

    EXPECT_EQ(ModeOf(data_dir), 0700u) << data_dir;
    for (const char* file : {"wdrbe.db", "wdrbe.db-wal", "wdrbe.db-shm", "cursor.key", "serve.lock"}) {
      EXPECT_EQ(ModeOf(data_dir / file), 0600u) << file;
    }
    EXPECT_EQ(ModeOf(data_dir / "images"), 0700u);
    EXPECT_EQ(ModeOf(data_dir / "images" / (item_id + ".original")), 0600u);
    EXPECT_EQ(ModeOf(data_dir / "images" / (item_id + ".thumbnail")), 0600u);
    const ProcessOutcome backup =
        RunToExit({"backup", copy.string(), "--data-dir", data_dir.string()}, std::nullopt);
    ASSERT_TRUE(backup.status.ExitedWith(0)) << backup.output;
    ASSERT_TRUE(server->Stop().ExitedWith(0));
  }
  EXPECT_EQ(ModeOf(copy), 0700u);
  EXPECT_EQ(ModeOf(copy / "wdrbe.db"), 0600u);
  EXPECT_EQ(ModeOf(copy / "cursor.key"), 0600u);
  EXPECT_EQ(ModeOf(copy / "images"), 0700u);
  // Nothing else is left behind: no temporary file of the atomic writes.
  const auto names_in = [](const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(names_in(copy), (std::vector<std::string>{"cursor.key", "images", "wdrbe.db"}));
  const std::vector<std::string> photos = names_in(copy / "images");
  ASSERT_EQ(photos.size(), 2u);
  for (const std::string& photo : photos) EXPECT_EQ(ModeOf(copy / "images" / photo), 0600u) << photo;
}

TEST(DataFilesTest, SecretFilesOthersMayReadGiveAWarningAtStart) {
  TempDir secrets;
  const fs::perms world_readable =
      fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
  const std::string jwt_file =
      WriteFile(secrets.path() / "jwt.secret", std::string(kTestJwtSecret) + "\n", world_readable);
  const std::string key_file =
      WriteFile(secrets.path() / "cursor.secret", std::string(64, 'k') + "\n",
                fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write);
  ServerOptions options;
  options.jwt_secret = std::nullopt;
  options.extra_args = {"--jwt-secret-file", jwt_file, "--cursor-key-file", key_file};
  auto server = TestServer::Start(options);
  EXPECT_TRUE(server->CheckAlive()) << "a warning, not a failure";
  const std::string output = server->Output();
  for (const std::string& file : {jwt_file, key_file}) {
    EXPECT_TRUE(
        Contains(output, "warning: secret file " + file + " is readable or writable by group or others"))
        << output;
    EXPECT_TRUE(Contains(output, "chmod 600 " + file)) << output;
  }
  EXPECT_TRUE(Contains(output, "(mode 0644)")) << output;

  // Made private, they start silently.
  fs::permissions(jwt_file, fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(key_file, fs::perms::owner_read | fs::perms::owner_write);
  server->Restart();
  EXPECT_FALSE(Contains(server->Output(), "warning: secret file")) << server->Output();
}

TEST(DataFilesTest, AnExposedGeneratedCursorKeyGivesAWarning) {
  auto server = TestServer::Start();
  const fs::path key = server->data_dir() / "cursor.key";
  EXPECT_FALSE(Contains(server->Output(), "warning: secret file")) << server->Output();
  fs::permissions(key, fs::perms::others_read, fs::perm_options::add);
  server->Restart();
  EXPECT_TRUE(Contains(server->Output(), "warning: secret file " + key.string())) << server->Output();
  EXPECT_TRUE(Contains(server->Output(), "chmod 600 " + key.string())) << server->Output();
}

TEST(DataFilesTest, ACursorKeyOfTheWrongLengthStopsTheStartAndIsKept) {
  TempDir data_dir;
  // As a crash of an older version could have left it: empty, or short.
  for (const std::string& contents : {std::string(), std::string(7, 'k')}) {
    SCOPED_TRACE(std::to_string(contents.size()) + " bytes");
    WriteFile(data_dir.path() / "cursor.key", contents, fs::perms::owner_read | fs::perms::owner_write);
    const ProcessOutcome outcome =
        RunToExit({"serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.path().string()},
                  std::string(kTestJwtSecret));
    EXPECT_FALSE(outcome.status.ExitedWith(0)) << outcome.output;
    EXPECT_FALSE(outcome.status.timed_out) << "it served instead of stopping";
    EXPECT_TRUE(Contains(outcome.output, "cursor.key is damaged")) << outcome.output;
    EXPECT_EQ(fs::file_size(data_dir.path() / "cursor.key"), contents.size()) << "never replaced silently";
  }
}

}  // namespace
}  // namespace wdrbe::testing
