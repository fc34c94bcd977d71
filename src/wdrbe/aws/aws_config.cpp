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

std::string ResolveEndpointUrl(const Environment& env, AwsService service, std::string_view region) {
  std::string_view variable;
  switch (service) {
    case AwsService::kDynamoDb:
      variable = "AWS_ENDPOINT_URL_DYNAMODB";
      break;
    case AwsService::kSqs:
      variable = "AWS_ENDPOINT_URL_SQS";
      break;
    case AwsService::kSts:
      variable = "AWS_ENDPOINT_URL_STS";
      break;
    case AwsService::kSecretsManager:
      variable = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
      break;
  }
  if (auto url = env.Get(variable)) return *url;
  if (auto url = env.Get("AWS_ENDPOINT_URL")) return *url;
  // The China partition has its own domain.
  const std::string_view domain = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + std::string(SigningName(service)) + "." + std::string(region) + std::string(domain);
}

}  // namespace wdrbe::aws
