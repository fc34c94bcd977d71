// The embedded photo store's own properties; the ImageStore contract
// (tests/contract) covers what every adapter must do.
#include "wdrbe/storage/files/file_image_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace wdrbe {
namespace {

using testing::RunTask;

StoredImage Png(std::string bytes) { return StoredImage{"image/png", std::move(bytes), "\"tag-1\""}; }

TEST(FileImageStoreTest, EachVariantIsOnePrivateFileNamedByTheItem) {
  testing::TempDir dir;
  auto store = FileImageStore::Open(dir.path() / "images");
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE(RunTask((*store)->PutImage("itm_1", ImageVariant::kOriginal, Png("orig"))).ok());
  ASSERT_TRUE(RunTask((*store)->PutImage("itm_1", ImageVariant::kThumbnail, Png("thumb"))).ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "images").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir.path() / "images" / "itm_1.original").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "images" / "itm_1.thumbnail"));
  // No temporary file is left beside them.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path() / "images"))
    ++files;
  EXPECT_EQ(files, 2);
  ASSERT_TRUE(RunTask((*store)->DeleteImages("itm_1")).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "images"));
}

TEST(FileImageStoreTest, AFileItDidNotWriteIsReportedDamagedNotServed) {
  testing::TempDir dir;
  auto store = FileImageStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  std::ofstream(dir.path() / "itm_2.original") << "GIF89a not ours";
  auto image = RunTask((*store)->GetImage("itm_2", ImageVariant::kOriginal));
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code, ErrorCode::kInternal);
}

TEST(FileImageStoreTest, TheFileFormatRoundTripsAnyBytes) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += "\n\n\0";
  auto decoded = DecodeImageFile(EncodeImageFile(StoredImage{"image/webp", bytes, "\"abc\""}));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->content_type, "image/webp");
  EXPECT_EQ(decoded->etag, "\"abc\"");
  EXPECT_EQ(decoded->bytes, bytes);
  EXPECT_FALSE(DecodeImageFile("wdrbe-image/1\nimage/png").ok());
}

TEST(FileImageStoreTest, AfterCloseCallsFailUnavailable) {
  testing::TempDir dir;
  auto store = FileImageStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  (*store)->Close();
  Status put = RunTask((*store)->PutImage("itm_3", ImageVariant::kOriginal, Png("x")));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace wdrbe
