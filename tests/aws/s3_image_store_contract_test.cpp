// The S3 image store on the image contract, on fauxqs's S3: a fresh bucket
// per test, made by the client's CreateBucket as `wdrbe aws setup` makes it.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aws/dynamodb_test_clients.hpp"
#include "contract/image_store_fixture.hpp"
#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/storage/s3/s3_image_store.hpp"

namespace wdrbe::contract {
namespace {

std::shared_ptr<ImageStore> OpenS3ImageStore(const testing::TempDir&) {
  aws::AwsClients& clients = dynamodb::testing::EngineClients();
  const std::string bucket = testing::AwsLocalEngines::UniqueName("wdrbe-images");
  Result<bool> created = testing::RunTask(clients.CreateS3Bucket(bucket));
  if (!created.ok()) throw std::runtime_error("creating bucket " + bucket + ": " + created.error().message);
  return std::make_shared<s3::S3ImageStore>(clients, bucket);
}

std::vector<ImageStoreUnderTest> S3ImageStores() {
  return {ImageStoreUnderTest{.name = "Fauxqs", .open = OpenS3ImageStore}};
}

}  // namespace

WDRBE_INSTANTIATE_IMAGE_STORE_SUITE(S3, S3ImageStores());

}  // namespace wdrbe::contract
