#include "wdrbe/aws/static_credentials.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.hpp"
#include "wdrbe/aws/shared_config_files.hpp"

namespace wdrbe::aws {
namespace {

void Write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(EnvironmentCredentialsTest, ReadsTheKeyPairAndTheSessionToken) {
  auto none = EnvironmentCredentials(Environment());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  auto keys = EnvironmentCredentials(Environment(
      {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "SECRET"}, {"AWS_SESSION_TOKEN", "TOKEN"}}));
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(*keys);
  EXPECT_EQ((*keys)->access_key_id, "AKID");
  EXPECT_EQ((*keys)->secret_access_key, "SECRET");
  EXPECT_EQ((*keys)->session_token, "TOKEN");
  EXPECT_FALSE((*keys)->expiration_ms);
}

TEST(EnvironmentCredentialsTest, HalfAPairIsAnErrorSayingWhatIsMissing) {
  auto half = EnvironmentCredentials(Environment(Environment::Variables{{"AWS_ACCESS_KEY_ID", "AKID"}}));
  ASSERT_FALSE(half.ok());
  EXPECT_TRUE(Contains(half.error().message, "AWS_SECRET_ACCESS_KEY is not")) << half.error().message;
}

TEST(ParseIniTest, SectionsCommentsWhitespaceAndNestedSettings) {
  auto file = ParseIni(
      "# a comment\n"
      "; another\n"
      "[default]\n"
      "aws_access_key_id=AKID1\n"
      "  AWS_Secret_Access_Key   =   se#cret;1  \r\n"
      "\n"
      "[  dev  ]\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "region = eu-west-1\n",
      "credentials");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ((*file)["default"]["aws_access_key_id"], "AKID1");
  EXPECT_EQ((*file)["default"]["aws_secret_access_key"], "se#cret;1");
  EXPECT_EQ((*file)["dev"]["region"], "eu-west-1");
  EXPECT_FALSE((*file)["dev"].contains("max_concurrent_requests"));
}

TEST(ParseIniTest, ALineThatIsNeitherIsAnErrorWithItsNumber) {
  auto broken = ParseIni("[default]\nkey = value\nnonsense\n", "credentials");
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(Contains(broken.error().message, "credentials line 3")) << broken.error().message;
  EXPECT_FALSE(ParseIni("key = value\n", "credentials").ok());  // before any section
  EXPECT_FALSE(ParseIni("[default\n", "credentials").ok());
}

class ProfileCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(home.path() / ".aws" / "credentials",
          "[default]\n"
          "aws_access_key_id = AKIDDEFAULT\n"
          "aws_secret_access_key = SECRETDEFAULT\n"
          "\n"
          "# the deployment profile\n"
          "[deploy]\n"
          "aws_access_key_id = AKIDDEPLOY\n"
          "aws_secret_access_key = SECRETDEPLOY\n"
          "aws_session_token = TOKENDEPLOY\n"
          "[half]\n"
          "aws_access_key_id = AKIDHALF\n");
    Write(home.path() / ".aws" / "config",
          "[profile fromconfig]\n"
          "aws_access_key_id = AKIDCONFIG\n"
          "aws_secret_access_key = SECRETCONFIG\n"
          "[profile assumed]\n"
          "role_arn = arn:aws:iam::123456789012:role/x\n"
          "source_profile = default\n");
  }
  Environment Env(std::string_view profile = "") {
    Environment::Variables vars{{"HOME", home.path().string()}};
    if (!profile.empty()) vars.emplace("AWS_PROFILE", std::string(profile));
    return Environment(std::move(vars));
  }
  testing::TempDir home;
};

TEST_F(ProfileCredentialsTest, TheDefaultProfileOrTheOneAwsProfileNames) {
  auto chosen = ProfileCredentials(Env());
  ASSERT_TRUE(chosen.ok() && *chosen);
  EXPECT_EQ((*chosen)->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ((*chosen)->session_token, "");

  auto deploy = ProfileCredentials(Env("deploy"));
  ASSERT_TRUE(deploy.ok() && *deploy);
  EXPECT_EQ((*deploy)->access_key_id, "AKIDDEPLOY");
  EXPECT_EQ((*deploy)->secret_access_key, "SECRETDEPLOY");
  EXPECT_EQ((*deploy)->session_token, "TOKENDEPLOY");
}

TEST_F(ProfileCredentialsTest, KeysInTheConfigFileProfileAreReadToo) {
  auto config = ProfileCredentials(Env("fromconfig"));
  ASSERT_TRUE(config.ok() && *config) << (config.ok() ? "none" : config.error().message);
  EXPECT_EQ((*config)->access_key_id, "AKIDCONFIG");
}

TEST_F(ProfileCredentialsTest, AMissingProfileIsAClearError) {
  auto missing = ProfileCredentials(Env("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.error().message, "AWS_PROFILE=nope: no such profile in"))
      << missing.error().message;
  EXPECT_TRUE(Contains(missing.error().message, (home.path() / ".aws" / "credentials").string()));

  auto half = ProfileCredentials(Env("half"));
  ASSERT_FALSE(half.ok());
  EXPECT_TRUE(Contains(half.error().message, "without aws_secret_access_key")) << half.error().message;

  auto assumed = ProfileCredentials(Env("assumed"));
  ASSERT_FALSE(assumed.ok());
  EXPECT_TRUE(Contains(assumed.error().message, "does not support")) << assumed.error().message;
}

TEST_F(ProfileCredentialsTest, NoFileOrNoDefaultProfileIsNotConfigured) {
  testing::TempDir empty;
  auto none = ProfileCredentials(Environment({{"HOME", empty.path().string()}}));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  EXPECT_FALSE(*ProfileCredentials(Environment()));
}

TEST_F(ProfileCredentialsTest, AwsSharedCredentialsFileReplacesTheDefaultPath) {
  testing::TempDir other;
  Write(other.path() / "creds", "[default]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=S\n");
  auto keys = ProfileCredentials(Environment(
      {{"HOME", home.path().string()}, {"AWS_SHARED_CREDENTIALS_FILE", (other.path() / "creds").string()}}));
  ASSERT_TRUE(keys.ok() && *keys);
  EXPECT_EQ((*keys)->access_key_id, "AKIDOTHER");
}

}  // namespace
}  // namespace wdrbe::aws
