// The in-memory image store on the image contract: the suite's own check
// (what it demands can be kept without an engine) and the fake's.
#include <memory>
#include <vector>

#include "contract/image_store_fixture.hpp"
#include "testing/in_memory_image_store.hpp"

namespace wdrbe::contract {
namespace {

std::vector<ImageStoreUnderTest> InMemoryImageStores() {
  return {ImageStoreUnderTest{.name = "Fake", .open = [](const testing::TempDir&) {
                                return std::make_shared<testing::InMemoryImageStore>();
                              }}};
}

}  // namespace

WDRBE_INSTANTIATE_IMAGE_STORE_SUITE(InMemory, InMemoryImageStores());

}  // namespace wdrbe::contract
