#include "wdrbe/storage/s3/s3_image_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/run_task.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::s3 {
namespace {

TEST(S3ImageStoreTest, EachVariantIsOneObjectUnderTheItemsPrefix) {
  EXPECT_EQ(ImageObjectKey("itm_01", ImageVariant::kOriginal), "images/itm_01/original");
  EXPECT_EQ(ImageObjectKey("itm_01", ImageVariant::kThumbnail), "images/itm_01/thumbnail");
}

// Nothing listens on the endpoint: every refusal here happens before a call.
TEST(S3ImageStoreTest, RefusesItemIdsThatCouldLeaveTheItemsPrefixWithoutCallingS3) {
  SystemClock clock;
  SecureRandom random;
  auto clients = aws::AwsClients::Create(
      aws::Environment(aws::Environment::Variables{{"AWS_REGION", "eu-west-1"},
                                                   {"AWS_ACCESS_KEY_ID", "AKID"},
                                                   {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                                   {"AWS_EC2_METADATA_DISABLED", "true"},
                                                   {"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}}),
      clock, random);
  ASSERT_TRUE(clients.ok()) << clients.error().message;
  S3ImageStore store(**clients, "wdrbe-photos");

  for (const std::string& id :
       std::vector<std::string>{"", "../other", "a/b", "itm 1", "itm%2F", std::string(129, 'a')}) {
    const Status put =
        testing::RunTask(store.PutImage(id, ImageVariant::kOriginal, {"image/png", "x", "\"e\""}));
    ASSERT_FALSE(put.ok()) << id;
    EXPECT_EQ(put.error().code, ErrorCode::kInternal) << id;
    EXPECT_EQ(testing::RunTask(store.GetImage(id, ImageVariant::kThumbnail)).status().error().code,
              ErrorCode::kInternal)
        << id;
    EXPECT_EQ(testing::RunTask(store.DeleteImages(id)).error().code, ErrorCode::kInternal) << id;
  }
  const Status no_tag =
      testing::RunTask(store.PutImage("itm_1", ImageVariant::kOriginal, {"image/png", "x", ""}));
  ASSERT_FALSE(no_tag.ok());
  EXPECT_EQ(no_tag.error().code, ErrorCode::kInternal);
  EXPECT_EQ((*clients)->CallCount(aws::AwsService::kS3), 0);
}

}  // namespace
}  // namespace wdrbe::s3
