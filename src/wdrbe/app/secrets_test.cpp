// LoadCursorKey: the per-data-directory key by default, an operator's shared
// key file with --cursor-key-file, and which key files are refused.
#include "wdrbe/app/secrets.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/temp_dir.hpp"
#include "wdrbe/app/data_dir_layout.hpp"

namespace wdrbe::app {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Fills with one repeated byte, so tests know the key it makes.
class RepeatedByteRandom final : public RandomSource {
 public:
  explicit RepeatedByteRandom(std::uint8_t byte) : byte_(byte) {}
  void Fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), byte_); }

 private:
  std::uint8_t byte_;
};

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string WriteFile(const fs::path& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
  return path.string();
}

TEST(LoadCursorKeyTest, WithoutAKeyFileItMakesAPrivateKeyInTheDataDirOnce) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  auto first = LoadCursorKey(std::nullopt, data_dir.path(), random);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, std::string(32, '\xab'));
  const fs::path path = data_dir.path() / kCursorKeyFile;
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  RepeatedByteRandom other(0xcd);
  auto again = LoadCursorKey(std::nullopt, data_dir.path(), other);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *first) << "a restart keeps the key, so cursors stay valid";
}

TEST(LoadCursorKeyTest, AKeyFileIsUsedAsIsAndNothingIsWrittenToTheDataDir) {
  TempDir data_dir;
  TempDir secrets;
  const std::string key = "0123456789abcdef0123456789abcdef-and-more";
  const std::string file = WriteFile(secrets.path() / "cursor.key", key + "\n\r\n");
  RepeatedByteRandom random(0xab);
  auto loaded = LoadCursorKey(file, data_dir.path(), random);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, key) << "trailing newlines are dropped";
  EXPECT_FALSE(fs::exists(data_dir.path() / kCursorKeyFile));
}

TEST(LoadCursorKeyTest, AKeyFileOfExactly32BytesIsAccepted) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  const std::string key(32, '\0');  // any bytes, even NULs
  auto loaded = LoadCursorKey(WriteFile(data_dir.path() / "k", key), data_dir.path(), random);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, key);
}

TEST(LoadCursorKeyTest, AShorterKeyFileIsRefusedWithItsSizeAndTheMinimum) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  for (const std::string& contents : {std::string(31, 'k'), std::string(31, 'k') + "\n\n", std::string()}) {
    SCOPED_TRACE(std::to_string(contents.size()) + " bytes");
    const std::string file = WriteFile(data_dir.path() / "short.key", contents);
    auto loaded = LoadCursorKey(file, data_dir.path(), random);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::kBadRequest);
    const std::string& message = loaded.error().message;
    EXPECT_TRUE(Contains(message, "--cursor-key-file " + file)) << message;
    EXPECT_TRUE(Contains(message, "at least 32")) << message;
    EXPECT_TRUE(Contains(message, "openssl rand")) << message;
  }
  EXPECT_FALSE(fs::exists(data_dir.path() / kCursorKeyFile)) << "no fallback to a generated key";
}

TEST(LoadCursorKeyTest, AMissingKeyFileIsAnErrorAndIsNotCreated) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  const std::string missing = (data_dir.path() / "missing.key").string();
  auto loaded = LoadCursorKey(missing, data_dir.path(), random);
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Contains(loaded.error().message, "cannot read --cursor-key-file " + missing))
      << loaded.error().message;
  EXPECT_TRUE(Contains(loaded.error().message, "No such file or directory")) << loaded.error().message;
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_FALSE(fs::exists(data_dir.path() / kCursorKeyFile));
}

TEST(LoadCursorKeyTest, AFileFarLargerThanAKeyIsRefused) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  const std::string file = WriteFile(data_dir.path() / "big", std::string(kMaxKeyFileBytes + 1, 'k'));
  auto loaded = LoadCursorKey(file, data_dir.path(), random);
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Contains(loaded.error().message, "larger than 4096 bytes")) << loaded.error().message;

  auto largest = LoadCursorKey(WriteFile(data_dir.path() / "largest", std::string(kMaxKeyFileBytes, 'k')),
                               data_dir.path(), random);
  EXPECT_TRUE(largest.ok()) << largest.error().message;
}

TEST(LoadCursorKeyTest, AGeneratedKeyIsWrittenWholeWithNoTemporaryFileLeft) {
  TempDir data_dir;
  RepeatedByteRandom random(0x5a);
  ASSERT_TRUE(LoadCursorKey(std::nullopt, data_dir.path(), random).ok());
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(data_dir.path()))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{kCursorKeyFile});
  EXPECT_EQ(fs::file_size(data_dir.path() / kCursorKeyFile), 32u);
}

TEST(LoadCursorKeyTest, AKeyOfTheWrongLengthInTheDataDirIsAnErrorAndIsKept) {
  TempDir data_dir;
  RepeatedByteRandom random(0xab);
  for (const std::string& contents : {std::string(), std::string(31, 'k'), std::string(33, 'k')}) {
    SCOPED_TRACE(std::to_string(contents.size()) + " bytes");
    WriteFile(data_dir.path() / kCursorKeyFile, contents);
    auto loaded = LoadCursorKey(std::nullopt, data_dir.path(), random);
    ASSERT_FALSE(loaded.ok());
    EXPECT_TRUE(Contains(loaded.error().message, "is damaged")) << loaded.error().message;
    EXPECT_TRUE(Contains(loaded.error().message, "delete it")) << loaded.error().message;
    EXPECT_EQ(fs::file_size(data_dir.path() / kCursorKeyFile), contents.size());
  }
}

TEST(LoadJwtSecretTest, AMissingSecretFileIsNamedWithTheReason) {
  auto secret = LoadJwtSecret("/nonexistent/jwt.secret");
  ASSERT_FALSE(secret.ok());
  EXPECT_TRUE(Contains(secret.error().message, "cannot read --jwt-secret-file /nonexistent/jwt.secret"))
      << secret.error().message;
  EXPECT_TRUE(Contains(secret.error().message, "No such file or directory")) << secret.error().message;
}

}  // namespace
}  // namespace wdrbe::app
