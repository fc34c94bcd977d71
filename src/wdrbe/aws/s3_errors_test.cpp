#include "wdrbe/aws/s3_errors.hpp"

#include <gtest/gtest.h>

namespace wdrbe::aws {
namespace {

HttpResponse Answer(int status, std::string code, std::string message = "") {
  HttpResponse response;
  response.status = status;
  if (!code.empty()) {
    response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
                    message + "</Message><RequestId>R</RequestId></Error>";
  }
  return response;
}

Error Mapped(const HttpResponse& response, std::string_view operation = "GetObject") {
  return S3Error(ParseS3Error(response), operation, "wdrbe-photos", "images/itm_1/original");
}

TEST(S3ErrorsTest, ReadsTheCodeAndTheUnescapedMessageOfAnXmlError) {
  const AwsError error =
      ParseS3Error(Answer(403, "AccessDenied", "Access &quot;Denied&quot; &lt;here&gt; &amp; now"));
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(error.code, "AccessDenied");
  EXPECT_EQ(error.message, "Access \"Denied\" <here> & now");
  EXPECT_FALSE(error.retryable);
}

TEST(S3ErrorsTest, AMissingKeyIsNotFoundWithOrWithoutABody) {
  EXPECT_EQ(Mapped(Answer(404, "NoSuchKey", "The specified key does not exist.")).code, ErrorCode::kNotFound);
  EXPECT_EQ(Mapped(Answer(404, "")).code, ErrorCode::kNotFound);
}

TEST(S3ErrorsTest, AMissingBucketNamesTheBucketAndHowToMakeIt) {
  const Error error = Mapped(Answer(404, "NoSuchBucket", "The specified bucket does not exist"));
  EXPECT_EQ(error.code, ErrorCode::kUnavailable);
  EXPECT_NE(error.message.find("bucket wdrbe-photos does not exist"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("wdrbe aws setup --image-bucket wdrbe-photos"), std::string::npos)
      << error.message;
}

TEST(S3ErrorsTest, AccessDeniedNamesTheBucketAndThePermission) {
  for (const HttpResponse& response : {Answer(403, "AccessDenied", "Access Denied"), Answer(403, "")}) {
    const Error error = Mapped(response, "PutObject");
    EXPECT_EQ(error.code, ErrorCode::kUnavailable);
    EXPECT_NE(error.message.find("bucket wdrbe-photos refused"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("s3:PutObject on arn:aws:s3:::wdrbe-photos/images/itm_1/original"),
              std::string::npos)
        << error.message;
  }
  // A get of a missing key is 403 too when the role may not list the bucket.
  const Error get = Mapped(Answer(403, "AccessDenied", "Access Denied"), "GetObject");
  EXPECT_NE(
      get.message.find("and s3:ListBucket on arn:aws:s3:::wdrbe-photos (without which a missing key is 403)"),
      std::string::npos)
      << get.message;
}

TEST(S3ErrorsTest, ThrottlingAndServerErrorsAreRetryableAndUnavailable) {
  const AwsError slow_down = ParseS3Error(Answer(503, "SlowDown", "Please reduce your request rate."));
  EXPECT_TRUE(slow_down.throttling);
  EXPECT_TRUE(slow_down.retryable);
  const AwsError internal = ParseS3Error(Answer(500, "InternalError"));
  EXPECT_FALSE(internal.throttling);
  EXPECT_TRUE(internal.retryable);
  EXPECT_TRUE(ParseS3Error(Answer(502, "")).retryable);
  EXPECT_EQ(Mapped(Answer(503, "SlowDown")).code, ErrorCode::kUnavailable);
  EXPECT_EQ(Mapped(Answer(500, "InternalError")).code, ErrorCode::kUnavailable);
  EXPECT_EQ(
      S3Error(AwsError{0, "NetworkError", "connection refused", true, false}, "GetObject", "b", "k").code,
      ErrorCode::kUnavailable);
}

TEST(S3ErrorsTest, AnyOtherClientErrorIsABugHere) {
  const Error error = Mapped(Answer(400, "InvalidArgument", "bad header"));
  EXPECT_EQ(error.code, ErrorCode::kInternal);
  EXPECT_NE(error.message.find("InvalidArgument (bad header)"), std::string::npos) << error.message;
  EXPECT_FALSE(ParseS3Error(Answer(400, "InvalidArgument")).retryable);
}

}  // namespace
}  // namespace wdrbe::aws
