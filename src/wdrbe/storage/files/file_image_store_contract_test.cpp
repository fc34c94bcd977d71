// The embedded photo store on the ImageStore contract (tests/contract), in
// a fresh directory per test.
#include <memory>
#include <vector>

#include "contract/image_store_fixture.hpp"
#include "wdrbe/storage/files/file_image_store.hpp"

namespace wdrbe::contract {
namespace {

std::vector<ImageStoreUnderTest> FileImageStores() {
  return {ImageStoreUnderTest{.name = "Files",
                              .open = [](const testing::TempDir& dir) -> std::shared_ptr<ImageStore> {
                                auto store = FileImageStore::Open(dir.path() / "images");
                                if (!store.ok()) return nullptr;
                                return std::shared_ptr<ImageStore>(std::move(*store));
                              }}};
}

}  // namespace

WDRBE_INSTANTIATE_IMAGE_STORE_SUITE(Embedded, FileImageStores());

}  // namespace wdrbe::contract
