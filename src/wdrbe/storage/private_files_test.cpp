#include "wdrbe/storage/private_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/temp_dir.hpp"

namespace wdrbe {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

unsigned ModeOf(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0xFFFF;
  return info.st_mode & 07777;
}

std::string Contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

TEST(WriteNewFileAtomicallyTest, WritesTheWholeFilePrivatelyAndLeavesNoTemporaryFile) {
  TempDir dir;
  ScopedUmask open_umask(0);
  const std::string bytes(4096, '\xab');
  ASSERT_TRUE(WriteNewFileAtomically(dir.path() / "cursor.key", bytes).ok());
  EXPECT_EQ(Contents(dir.path() / "cursor.key"), bytes);
  EXPECT_EQ(ModeOf(dir.path() / "cursor.key"), 0600u);
  EXPECT_EQ(Names(dir.path()), std::vector<std::string>{"cursor.key"});
}

TEST(WriteNewFileAtomicallyTest, NeverReplacesAFileThatIsThere) {
  TempDir dir;
  std::ofstream(dir.path() / "cursor.key") << "theirs";
  const Status second = WriteNewFileAtomically(dir.path() / "cursor.key", "mine");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Contents(dir.path() / "cursor.key"), "theirs");
  EXPECT_EQ(Names(dir.path()), std::vector<std::string>{"cursor.key"});
}

TEST(WriteNewFileAtomicallyTest, AFailureLeavesNothing) {
  TempDir dir;
  const Status status = WriteNewFileAtomically(dir.path() / "missing" / "cursor.key", "key");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(Names(dir.path()).empty());
}

// What a crash between the write and the link leaves (a temporary file)
// is ignored by later writes, which still produce the complete file.
TEST(WriteNewFileAtomicallyTest, ALeftoverTemporaryFileDoesNotMatter) {
  TempDir dir;
  std::ofstream(dir.path() / ".cursor.key.tmp-AAAAAA") << "half";
  ASSERT_TRUE(WriteNewFileAtomically(dir.path() / "cursor.key", "whole key").ok());
  EXPECT_EQ(Contents(dir.path() / "cursor.key"), "whole key");
}

TEST(EnsurePrivateFileTest, CreatesAnEmptyPrivateFileOrLeavesOneAlone) {
  TempDir dir;
  {
    // A stricter umask would drop the owner's write bit; the mode is exact.
    ScopedUmask strict_umask(0277);
    ASSERT_TRUE(EnsurePrivateFile(dir.path() / "wdrbe.db").ok());
  }
  EXPECT_EQ(ModeOf(dir.path() / "wdrbe.db"), 0600u);
  EXPECT_EQ(fs::file_size(dir.path() / "wdrbe.db"), 0u);
  std::ofstream(dir.path() / "wdrbe.db") << "data";
  ASSERT_TRUE(EnsurePrivateFile(dir.path() / "wdrbe.db").ok());
  EXPECT_EQ(Contents(dir.path() / "wdrbe.db"), "data");
}

TEST(CreatePrivateDirectoryTest, TheDirectoryIsMade0700WhateverTheUmask) {
  TempDir dir;
  for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0777}}) {
    const fs::path made = dir.path() / ("parent" + std::to_string(mask)) / "data";
    {
      ScopedUmask umask(mask);
      ASSERT_TRUE(CreatePrivateDirectory(made).ok());
    }
    EXPECT_EQ(ModeOf(made), 0700u) << "umask " << mask;
    ASSERT_TRUE(CreatePrivateDirectory(made).ok()) << "an existing one is fine";
  }
}

TEST(ExposedSecretFileWarningTest, WarnsForGroupOrOtherAccessOnly) {
  TempDir dir;
  const fs::path file = dir.path() / "secret";
  std::ofstream(file) << "s";
  for (const unsigned mode : {0600u, 0400u, 0700u}) {
    ::chmod(file.c_str(), mode);
    EXPECT_FALSE(ExposedSecretFileWarning(file)) << std::oct << mode;
  }
  for (const unsigned mode : {0640u, 0604u, 0620u, 0602u, 0666u}) {
    ::chmod(file.c_str(), mode);
    const auto warning = ExposedSecretFileWarning(file);
    ASSERT_TRUE(warning) << std::oct << mode;
    EXPECT_NE(warning->find(file.string()), std::string::npos) << *warning;
    EXPECT_NE(warning->find("chmod 600 " + file.string()), std::string::npos) << *warning;
  }
  EXPECT_FALSE(ExposedSecretFileWarning(dir.path() / "missing"));
}

}  // namespace
}  // namespace wdrbe
