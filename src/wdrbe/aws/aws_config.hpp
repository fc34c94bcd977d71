// Which region and which endpoint each AWS service is called at, resolved
// from the environment and the shared config file as the AWS SDKs do.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/aws/environment.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::aws {

enum class AwsService { kDynamoDb, kSqs, kSts, kSecretsManager, kS3 };

// The SigV4 signing name ("dynamodb", "sqs", "sts", "secretsmanager", "s3").
std::string_view SigningName(AwsService service);

// AWS_REGION, else AWS_DEFAULT_REGION, else the "region" of the profile
// (AWS_PROFILE or "default") in the config file. Errors (kBadRequest): none
// found ("no AWS region: set AWS_REGION ..."), or a config file that
// cannot be read or parsed.
Result<std::string> ResolveRegion(const Environment& env);

// AWS_ENDPOINT_URL_<SERVICE> (DYNAMODB, SQS, STS, SECRETS_MANAGER, S3), else AWS_ENDPOINT_URL,
// else the service's public regional endpoint
// (https://dynamodb.{region}.amazonaws.com, https://sqs.{region}...,
// https://sts.{region}..., https://secretsmanager.{region}...,
// https://s3.{region}...; amazonaws.com.cn for cn-* regions). The URL is
// returned as given; parse it with ParseEndpointUrl.
std::string ResolveEndpointUrl(const Environment& env, AwsService service, std::string_view region);

// True when `service`'s endpoint comes from AWS_ENDPOINT_URL_<SERVICE> or
// AWS_ENDPOINT_URL (a local engine, a proxy) rather than AWS's own: S3 is
// then addressed path-style (s3_addressing.hpp).
bool HasConfiguredEndpoint(const Environment& env, AwsService service);

}  // namespace wdrbe::aws
