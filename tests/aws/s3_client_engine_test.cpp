// The S3 client against fauxqs's S3: path-style requests on a configured
// endpoint, objects whole with their content type and metadata, keys that
// need encoding, and the errors an operator must be able to act on.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "testing/aws_local_engines.hpp"
#include "testing/run_task.hpp"
#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"

namespace wdrbe::aws {
namespace {

using testing::AwsLocalEngines;
using testing::RunTask;

class S3ClientEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { clients_ = MakeClients(AwsLocalEngines::Get().Variables()); }

  std::unique_ptr<AwsClients> MakeClients(Environment::Variables variables) {
    auto clients = AwsClients::Create(Environment(std::move(variables)), clock_, random_);
    if (!clients.ok()) throw std::runtime_error(clients.error().message);
    return std::move(*clients);
  }

  std::string NewBucket() {
    const std::string bucket = AwsLocalEngines::UniqueName("wdrbe-s3");
    Result<bool> created = RunTask(clients_->CreateS3Bucket(bucket));
    if (!created.ok()) throw std::runtime_error(created.error().message);
    return bucket;
  }

  SystemClock clock_;
  SecureRandom random_;
  std::unique_ptr<AwsClients> clients_;
};

TEST_F(S3ClientEngineTest, CreatingABucketTwiceIsFine) {
  const std::string bucket = NewBucket();
  Result<bool> again = RunTask(clients_->CreateS3Bucket(bucket));
  EXPECT_TRUE(again.ok()) << again.error().message;
}

TEST_F(S3ClientEngineTest, AnObjectComesBackWithItsContentTypeAndMetadataAndIsCounted) {
  const std::string bucket = NewBucket();
  const std::int64_t calls_before = clients_->CallCount(AwsService::kS3);
  S3Object object{
      "image/webp", std::string("\0\x01\xff bytes", 9), {{"wdrbe-etag", "\"abc\""}, {"other", "x"}}};
  const Status put = RunTask(clients_->PutS3Object(bucket, "images/itm_1/original", object));
  ASSERT_TRUE(put.ok()) << put.error().message;

  Result<S3Object> got = RunTask(clients_->GetS3Object(bucket, "images/itm_1/original"));

  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->content_type, "image/webp");
  EXPECT_EQ(got->body, object.body);
  EXPECT_EQ(got->Metadata("wdrbe-etag"), "\"abc\"");
  EXPECT_EQ(got->Metadata("other"), "x");
  EXPECT_EQ(clients_->CallCount(AwsService::kS3) - calls_before, 2);
}

TEST_F(S3ClientEngineTest, KeysThatNeedEncodingReachTheirObject) {
  const std::string bucket = NewBucket();
  const std::string key = "odd keys/a+b$c=d&e~f";
  ASSERT_TRUE(RunTask(clients_->PutS3Object(bucket, key, S3Object{"image/png", "odd", {}})).ok());

  Result<S3Object> got = RunTask(clients_->GetS3Object(bucket, key));

  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->body, "odd");
  EXPECT_EQ(RunTask(clients_->GetS3Object(bucket, "odd keys/a")).status().error().code, ErrorCode::kNotFound);
}

TEST_F(S3ClientEngineTest, AMissingKeyIsNotFoundAndDeletingItIsOk) {
  const std::string bucket = NewBucket();
  Result<S3Object> got = RunTask(clients_->GetS3Object(bucket, "images/none/original"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().message;

  const Status deleted = RunTask(clients_->DeleteS3Object(bucket, "images/none/original"));
  EXPECT_TRUE(deleted.ok()) << deleted.error().message;
}

TEST_F(S3ClientEngineTest, AMissingBucketIsAnErrorThatNamesItAndSaysWhatToDo) {
  const std::string bucket = AwsLocalEngines::UniqueName("wdrbe-never-made");
  for (const Status& status :
       {RunTask(clients_->GetS3Object(bucket, "k")).status(), RunTask(clients_->DeleteS3Object(bucket, "k")),
        RunTask(clients_->PutS3Object(bucket, "k", S3Object{"image/png", "x", {}}))}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(status.error().message.find("bucket " + bucket + " does not exist"), std::string::npos)
        << status.error().message;
    EXPECT_NE(status.error().message.find("--image-bucket"), std::string::npos) << status.error().message;
  }
}

TEST_F(S3ClientEngineTest, AnObjectOverTheLimitIsRefusedBeforeItIsSent) {
  const std::string bucket = NewBucket();
  const std::int64_t calls_before = clients_->CallCount(AwsService::kS3);
  const Status put = RunTask(clients_->PutS3Object(
      bucket, "big", S3Object{"image/jpeg", std::string(kMaxS3ObjectBytes + 1, 'x'), {}}));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(clients_->CallCount(AwsService::kS3) - calls_before, 1);
  EXPECT_EQ(RunTask(clients_->GetS3Object(bucket, "big")).status().error().code, ErrorCode::kNotFound);
}

TEST_F(S3ClientEngineTest, MetadataThatCannotBeAHeaderIsRefused) {
  const std::string bucket = NewBucket();
  const Status put = RunTask(clients_->PutS3Object(
      bucket, "k", S3Object{"image/png", "x", {{"wdrbe-etag", "\"a\"\r\nx-amz-meta-evil: 1"}}}));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kInternal);
}

TEST_F(S3ClientEngineTest, AnEndpointThatDoesNotAnswerIsUnavailable) {
  Environment::Variables variables = AwsLocalEngines::Get().Variables();
  variables["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9";  // discard: nothing listens
  std::unique_ptr<AwsClients> clients = MakeClients(variables);

  const Status status = RunTask(clients->GetS3Object("wdrbe-any", "k")).status();

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable) << status.error().message;
  EXPECT_NE(status.error().message.find("s3://wdrbe-any/k"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace wdrbe::aws
