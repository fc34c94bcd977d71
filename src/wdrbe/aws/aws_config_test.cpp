#include "wdrbe/aws/aws_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.hpp"

namespace wdrbe::aws {
namespace {

void Write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(ResolveRegionTest, AwsRegionThenAwsDefaultRegionThenTheProfile) {
  testing::TempDir home;
  Write(home.path() / ".aws" / "config",
        "[default]\nregion = eu-central-1\n\n[profile dev]\nregion = ap-south-1\n");
  const std::string h = home.path().string();
  EXPECT_EQ(*ResolveRegion(
                Environment({{"HOME", h}, {"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}})),
            "eu-west-1");
  EXPECT_EQ(
      *ResolveRegion(Environment({{"HOME", h}, {"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-west-2"}})),
      "us-west-2");
  EXPECT_EQ(*ResolveRegion(Environment({{"HOME", h}})), "eu-central-1");
  EXPECT_EQ(*ResolveRegion(Environment({{"HOME", h}, {"AWS_PROFILE", "dev"}})), "ap-south-1");
}

TEST(ResolveRegionTest, AwsConfigFileOverridesTheHomeDirectory) {
  testing::TempDir dir;
  Write(dir.path() / "elsewhere.ini", "[profile ci]\nregion=sa-east-1\n");
  EXPECT_EQ(*ResolveRegion(Environment(
                {{"AWS_CONFIG_FILE", (dir.path() / "elsewhere.ini").string()}, {"AWS_PROFILE", "ci"}})),
            "sa-east-1");
}

TEST(ResolveRegionTest, NoRegionAnywhereSaysWhatToSet) {
  testing::TempDir home;
  Write(home.path() / ".aws" / "config", "[profile other]\nregion = eu-west-3\n");
  auto region = ResolveRegion(Environment({{"HOME", home.path().string()}}));
  ASSERT_FALSE(region.ok());
  EXPECT_NE(region.error().message.find("no AWS region: set AWS_REGION"), std::string::npos);
  EXPECT_FALSE(ResolveRegion(Environment()).ok());
}

TEST(ResolveRegionTest, ABrokenConfigFileIsAnErrorNamingIt) {
  testing::TempDir home;
  Write(home.path() / ".aws" / "config", "[default]\nthis is not a setting\n");
  auto region = ResolveRegion(Environment({{"HOME", home.path().string()}}));
  ASSERT_FALSE(region.ok());
  EXPECT_NE(region.error().message.find("config line 2"), std::string::npos) << region.error().message;
}

TEST(ResolveEndpointUrlTest, ServiceVariableThenGlobalVariableThenThePublicEndpoint) {
  const Environment both({{"AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000"},
                          {"AWS_ENDPOINT_URL", "http://localhost:4566"}});
  EXPECT_EQ(ResolveEndpointUrl(both, AwsService::kDynamoDb, "eu-west-1"), "http://localhost:8000");
  EXPECT_EQ(ResolveEndpointUrl(both, AwsService::kSqs, "eu-west-1"), "http://localhost:4566");
  const Environment sqs_only(Environment::Variables{{"AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324"}});
  EXPECT_EQ(ResolveEndpointUrl(sqs_only, AwsService::kSqs, "eu-west-1"), "http://127.0.0.1:9324");
  EXPECT_EQ(ResolveEndpointUrl(sqs_only, AwsService::kDynamoDb, "eu-west-1"),
            "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(ResolveEndpointUrl(Environment(), AwsService::kSqs, "us-east-2"),
            "https://sqs.us-east-2.amazonaws.com");
  EXPECT_EQ(ResolveEndpointUrl(Environment(), AwsService::kSts, "cn-north-1"),
            "https://sts.cn-north-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace wdrbe::aws
