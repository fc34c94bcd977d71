#include "wdrbe/aws/s3_addressing.hpp"

#include "wdrbe/aws/aws_config.hpp"
#include "wdrbe/aws/sigv4.hpp"

namespace wdrbe::aws {

Result<S3Endpoint> ResolveS3Endpoint(const Environment& env, std::string_view region) {
  Result<EndpointUrl> endpoint = ParseEndpointUrl(ResolveEndpointUrl(env, AwsService::kS3, region));
  if (!endpoint.ok()) return Error::BadRequest("the s3 endpoint: " + endpoint.error().message);
  return S3Endpoint{*endpoint, HasConfiguredEndpoint(env, AwsService::kS3)};
}

S3Location LocateS3(const S3Endpoint& s3, std::string_view bucket, std::string_view key) {
  S3Location location{s3.endpoint, "", ""};
  const std::string encoded_key = UriEncode(key, true);
  const bool path_style =
      s3.path_style || s3.endpoint.host_is_ip || bucket.find('.') != std::string_view::npos;
  if (path_style) {
    location.target = "/" + std::string(bucket) + (key.empty() ? "" : "/" + encoded_key);
  } else {
    location.endpoint.host = std::string(bucket) + "." + s3.endpoint.host;
    location.target = "/" + encoded_key;
  }
  location.signed_path = s3.endpoint.base_path + location.target;
  return location;
}

}  // namespace wdrbe::aws
