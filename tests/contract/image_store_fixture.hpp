// The fixture of the ImageStore contract (storage/image_store.hpp): the
// parameter opens an empty store for each test; the tests are in
// image_store_suite.hpp, compiled once (image_store_suites_test.cpp). An
// adapter's instantiation file includes this header only:
//
//   namespace wdrbe::contract {
//   WDRBE_INSTANTIATE_IMAGE_STORE_SUITE(S3, S3ImageStores());
//   }
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"
#include "wdrbe/storage/image_store.hpp"

namespace wdrbe::contract {

struct ImageStoreUnderTest {
  std::string name;  // the test name's suffix: letters, digits, '_'
  // A store holding no images, which may use `dir` (the test's own, removed
  // after it); the pointer owns whatever the store needs.
  std::function<std::shared_ptr<ImageStore>(const testing::TempDir& dir)> open;
};

inline void PrintTo(const ImageStoreUnderTest& store, std::ostream* os) { *os << store.name; }

class ImageStoreTest : public ::testing::TestWithParam<ImageStoreUnderTest> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }

  ImageStore& store() { return *store_; }

  void MustPut(const std::string& item_id, ImageVariant variant, StoredImage image) {
    const Status put = testing::RunTask(store().PutImage(item_id, variant, std::move(image)));
    if (!put.ok()) throw std::runtime_error("PutImage " + item_id + ": " + put.error().message);
  }

  StoredImage MustGet(const std::string& item_id, ImageVariant variant) {
    Result<StoredImage> image = testing::RunTask(store().GetImage(item_id, variant));
    if (!image.ok()) throw std::runtime_error("GetImage " + item_id + ": " + image.error().message);
    return std::move(*image);
  }

  Result<StoredImage> Get(const std::string& item_id, ImageVariant variant) {
    return testing::RunTask(store().GetImage(item_id, variant));
  }

  // The error code of a GetImage, or nothing when it succeeded.
  std::optional<ErrorCode> ErrorOf(const std::string& item_id, ImageVariant variant) {
    Result<StoredImage> image = Get(item_id, variant);
    if (image.ok()) return std::nullopt;
    return image.error().code;
  }

  Status Delete(const std::string& item_id) { return testing::RunTask(store().DeleteImages(item_id)); }

 private:
  testing::TempDir dir_;
  std::shared_ptr<ImageStore> store_;
};

// The test name's suffix of each store.
inline std::string ImageStoreName(const ::testing::TestParamInfo<ImageStoreUnderTest>& store) {
  return store.param.name;
}

#define WDRBE_INSTANTIATE_IMAGE_STORE_SUITE(prefix, stores)                     \
  INSTANTIATE_TEST_SUITE_P(prefix, ImageStoreTest, ::testing::ValuesIn(stores), \
                           ::wdrbe::contract::ImageStoreName)

}  // namespace wdrbe::contract
