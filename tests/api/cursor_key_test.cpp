// --cursor-key-file: servers that share one key accept each other's list
// cursors; without it each data directory signs with a key of its own. Key
// files that cannot sign safely stop the start.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/http_client.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_server.hpp"

namespace wdrbe::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kUser[] = "u-cursor-key";

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string WriteKeyFile(const fs::path& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
  return path.string();
}

// A key as an operator makes one: `openssl rand -hex 32 > FILE` (64 bytes and a newline).
std::string WriteKeyFile(const fs::path& path) {
  return WriteKeyFile(path, "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8\n");
}

ServerOptions WithKeyFile(const std::string& key_file) {
  ServerOptions options;
  options.extra_args = {"--cursor-key-file", key_file};
  return options;
}

// The nextCursor of a first page of two on `server`, after creating three items.
std::string FirstPageCursor(const TestServer& server) {
  ApiClient api(server.port(), kUser);
  for (int i = 0; i < 3; ++i) api.MustCreate(ItemBody("item " + std::to_string(i), "misc"));
  const Response page = api.ListItems({{"limit", "2"}});
  EXPECT_EQ(page.status, 200) << page;
  EXPECT_TRUE(page.Json().at("nextCursor").is_string()) << page;
  return page.String("nextCursor");
}

Response NextPage(const TestServer& server, const std::string& cursor) {
  ApiClient api(server.port(), kUser);
  return api.ListItems({{"limit", "2"}, {"cursor", cursor}});
}

// Runs `wdrbe serve` with these extra flags, which must stop the start.
ProcessOutcome StartFailure(const TempDir& data_dir, const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                   data_dir.path().string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  ProcessOutcome outcome = RunToExit(args, std::string(kTestJwtSecret));
  EXPECT_FALSE(outcome.status.timed_out) << "it kept running; output:\n" << outcome.output;
  EXPECT_TRUE(outcome.status.exit_code.has_value() && *outcome.status.exit_code != 0) << outcome.status;
  EXPECT_FALSE(Contains(outcome.output, "listening on")) << outcome.output;
  return outcome;
}

TEST(CursorKeyTest, TwoServersSharingAKeyFileAcceptEachOthersCursors) {
  TempDir secrets;
  const std::string key_file = WriteKeyFile(secrets.path() / "cursor.key");
  const auto a = TestServer::Start(WithKeyFile(key_file));
  // The environment variable names the same file, as for every flag.
  ServerOptions b_options;
  b_options.extra_env = {{"WDRBE_CURSOR_KEY_FILE", key_file}};
  const auto b = TestServer::Start(b_options);
  ASSERT_NE(a->data_dir(), b->data_dir());

  const Response on_b = NextPage(*b, FirstPageCursor(*a));
  EXPECT_EQ(on_b.status, 200) << on_b;
  EXPECT_TRUE(on_b.Json().at("items").is_array()) << on_b;
  const Response on_a = NextPage(*a, FirstPageCursor(*b));
  EXPECT_EQ(on_a.status, 200) << on_a;
  EXPECT_FALSE(fs::exists(a->data_dir() / "cursor.key")) << "the shared key replaces the per-directory one";
  EXPECT_FALSE(fs::exists(b->data_dir() / "cursor.key"));
}

TEST(CursorKeyTest, WithoutASharedKeyAnotherServersCursorIsInvalid) {
  const auto a = TestServer::Start();
  const auto b = TestServer::Start();

  const Response on_b = NextPage(*b, FirstPageCursor(*a));
  EXPECT_EQ(on_b.status, 400) << on_b;
  EXPECT_EQ(on_b.ErrorCode(), "invalid_cursor") << on_b;
}

TEST(CursorKeyTest, RotatingTheKeyInvalidatesOutstandingCursors) {
  TempDir secrets;
  const std::string key_file = WriteKeyFile(secrets.path() / "cursor.key");
  auto server = TestServer::Start(WithKeyFile(key_file));
  const std::string cursor = FirstPageCursor(*server);
  ASSERT_EQ(NextPage(*server, cursor).status, 200);

  ASSERT_TRUE(server->Stop().ExitedWith(0)) << server->Output();
  WriteKeyFile(key_file, std::string(64, 'r'));
  server->Restart();

  const Response old_cursor = NextPage(*server, cursor);
  EXPECT_EQ(old_cursor.status, 400) << old_cursor;
  EXPECT_EQ(old_cursor.ErrorCode(), "invalid_cursor") << old_cursor;
  ApiClient api(server->port(), kUser);
  EXPECT_EQ(api.ListItems({{"limit", "2"}}).status, 200) << "clients start again from page one";
}

TEST(CursorKeyTest, AKeyFileShorterThan32BytesIsRefusedAtStart) {
  TempDir data_dir;
  const std::string key_file = WriteKeyFile(data_dir.path() / "short.key", std::string(31, 'k') + "\n");
  const ProcessOutcome outcome = StartFailure(data_dir, {"--cursor-key-file", key_file});
  EXPECT_TRUE(Contains(outcome.output, "--cursor-key-file " + key_file)) << outcome.output;
  EXPECT_TRUE(Contains(outcome.output, "holds 31 bytes; at least 32 are required")) << outcome.output;
}

TEST(CursorKeyTest, AMissingKeyFileIsRefusedAndNeverCreated) {
  TempDir data_dir;
  const std::string missing = (data_dir.path() / "missing.key").string();
  const ProcessOutcome outcome = StartFailure(data_dir, {"--cursor-key-file", missing});
  EXPECT_TRUE(Contains(outcome.output, "cannot read --cursor-key-file " + missing)) << outcome.output;
  EXPECT_TRUE(Contains(outcome.output, "No such file or directory")) << outcome.output;
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_FALSE(fs::exists(data_dir.path() / "cursor.key")) << "no silent fallback to a key of its own";
}

}  // namespace
}  // namespace wdrbe::testing
