#include "wdrbe/aws/aws_config.hpp"

#include "wdrbe/aws/shared_config_files.hpp"

namespace wdrbe::aws {

std::string_view SigningName(AwsService service) {
  switch (service) {
    case AwsService::kDynamoDb:
      return "dynamodb";
    case AwsService::kSqs:
      return "sqs";
    case AwsService::kSts:
      return "sts";
    case AwsService::kSecretsManager:
      return "secretsmanager";
    case AwsService::kS3:
      return "s3";
  }
  return "";
}

Result<std::string> ResolveRegion(const Environment& env) {
  if (auto region = env.Get("AWS_REGION")) return *region;
  if (auto region = env.Get("AWS_DEFAULT_REGION")) return *region;
  const std::string profile = ProfileName(env);
  if (const auto path = ConfigFilePath(env)) {
    Result<std::optional<IniFile>> config = ReadIniFile(*path);
    if (!config.ok()) return Error::BadRequest("cannot read the AWS config file: " + config.error().message);
    if (*config) {
      if (const IniSection* section = ConfigFileProfile(**config, profile)) {
        if (auto it = section->find("region"); it != section->end() && !it->second.empty()) return it->second;
      }
    }
  }
  return Error::BadRequest(
      "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or \"region\" in the [" +
      std::string(profile == "default" ? "default" : "profile " + profile) + "] section of " +
      (ConfigFilePath(env) ? ConfigFilePath(env)->string() : std::string("~/.aws/config")));
}

namespace {

std::string_view EndpointVariable(AwsService service) {
  switch (service) {
    case AwsService::kDynamoDb:
      return "AWS_ENDPOINT_URL_DYNAMODB";
    case AwsService::kSqs:
      return "AWS_ENDPOINT_URL_SQS";
    case AwsService::kSts:
      return "AWS_ENDPOINT_URL_STS";
    case AwsService::kSecretsManager:
      return "AWS_ENDPOINT_URL_SECRETS_MANAGER";
    case AwsService::kS3:
      return "AWS_ENDPOINT_URL_S3";
  }
  return "";
}

}  // namespace

bool HasConfiguredEndpoint(const Environment& env, AwsService service) {
  return env.Get(EndpointVariable(service)).has_value() || env.Get("AWS_ENDPOINT_URL").has_value();
}

std::string ResolveEndpointUrl(const Environment& env, AwsService service, std::string_view region) {
  if (auto url = env.Get(EndpointVariable(service))) return *url;
  if (auto url = env.Get("AWS_ENDPOINT_URL")) return *url;
  // The China partition has its own domain.
  const std::string_view domain = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + std::string(SigningName(service)) + "." + std::string(region) + std::string(domain);
}

}  // namespace wdrbe::aws
