#include "wdrbe/aws/s3_addressing.hpp"

#include <gtest/gtest.h>

namespace wdrbe::aws {
namespace {

S3Endpoint Resolve(Environment::Variables variables, std::string_view region = "eu-west-1") {
  Result<S3Endpoint> s3 = ResolveS3Endpoint(Environment(std::move(variables)), region);
  if (!s3.ok()) throw std::runtime_error(s3.error().message);
  return *s3;
}

TEST(S3AddressingTest, AwsItselfIsAddressedVirtualHostedInTheRegion) {
  const S3Endpoint s3 = Resolve({});
  EXPECT_FALSE(s3.path_style);

  const S3Location object = LocateS3(s3, "wdrbe-photos", "images/itm_1/original");

  EXPECT_TRUE(object.endpoint.tls);
  EXPECT_EQ(object.endpoint.host, "wdrbe-photos.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(object.endpoint.HostHeader(), "wdrbe-photos.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(object.target, "/images/itm_1/original");
  EXPECT_EQ(object.signed_path, "/images/itm_1/original");
  EXPECT_EQ(LocateS3(s3, "wdrbe-photos", "").target, "/");
  EXPECT_EQ(LocateS3(Resolve({}, "cn-north-1"), "b1b", "k").endpoint.host,
            "b1b.s3.cn-north-1.amazonaws.com.cn");
}

TEST(S3AddressingTest, ABucketWithADotGoesPathStyleSoTheCertificateMatches) {
  const S3Location object = LocateS3(Resolve({}), "photos.example.com", "images/a/original");
  EXPECT_EQ(object.endpoint.host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(object.target, "/photos.example.com/images/a/original");
}

TEST(S3AddressingTest, AConfiguredEndpointIsAddressedPathStyleWithItsBasePath) {
  for (const auto& variables :
       std::vector<Environment::Variables>{{{"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4566/prefix/"}},
                                           {{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566/prefix"},
                                            {"AWS_ENDPOINT_URL_SQS", "http://other:1"}}}) {
    const S3Endpoint s3 = Resolve(variables);
    EXPECT_TRUE(s3.path_style);

    const S3Location object = LocateS3(s3, "wdrbe-photos", "images/itm_1/thumbnail");

    EXPECT_EQ(object.endpoint.HostHeader(), "127.0.0.1:4566");
    EXPECT_EQ(object.target, "/wdrbe-photos/images/itm_1/thumbnail");
    EXPECT_EQ(object.signed_path, "/prefix/wdrbe-photos/images/itm_1/thumbnail");
    EXPECT_EQ(LocateS3(s3, "wdrbe-photos", "").target, "/wdrbe-photos");
  }
}

TEST(S3AddressingTest, KeysAreEncodedOnceWithTheirSlashesKept) {
  const S3Location object =
      LocateS3(Resolve({{"AWS_ENDPOINT_URL_S3", "http://localhost:4566"}}), "b-1", "a b/c+d$~");
  EXPECT_EQ(object.target, "/b-1/a%20b/c%2Bd%24~");
}

TEST(S3AddressingTest, AnUnparsableEndpointIsAnErrorNamingS3) {
  Result<S3Endpoint> s3 =
      ResolveS3Endpoint(Environment(Environment::Variables{{"AWS_ENDPOINT_URL_S3", "ftp://x"}}), "eu-west-1");
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(s3.error().message.find("s3 endpoint"), std::string::npos) << s3.error().message;
}

}  // namespace
}  // namespace wdrbe::aws
