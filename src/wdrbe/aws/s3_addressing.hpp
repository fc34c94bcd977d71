// Where an S3 request goes: the endpoint to connect to and the path to send,
// for a bucket and a key.
//
// - With AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL set (a local engine such
//   as fauxqs, a proxy) requests are path-style: {endpoint}/{bucket}/{key}.
//   Local engines do not resolve bucket names as host names.
// - Otherwise virtual-hosted style, as AWS recommends:
//   https://{bucket}.s3.{region}.amazonaws.com/{key}; but a bucket whose
//   name holds a dot goes path-style to https://s3.{region}.amazonaws.com,
//   since "a.b.s3.{region}.amazonaws.com" would not match S3's wildcard
//   TLS certificate.
//
// Keys are percent-encoded once (UriEncode with '/' kept), as S3 signs them.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/aws/endpoint_url.hpp"
#include "wdrbe/aws/environment.hpp"
#include "wdrbe/base/result.hpp"

namespace wdrbe::aws {

struct S3Endpoint {
  EndpointUrl endpoint;  // the service's: https://s3.eu-west-1.amazonaws.com, or the configured URL
  bool path_style = false;
};

struct S3Location {
  EndpointUrl endpoint;  // where to connect; the bucket is in the host when virtual-hosted
  // The request path below endpoint.base_path, encoded: "/bucket/images/x/original"
  // (path-style) or "/images/x/original"; "/bucket" or "/" for the bucket itself.
  std::string target;
  // What is signed: endpoint.base_path + target.
  std::string signed_path;
};

// Errors (kBadRequest): a configured URL that does not parse, quoted.
Result<S3Endpoint> ResolveS3Endpoint(const Environment& env, std::string_view region);

// `key` empty: the bucket itself (CreateBucket).
S3Location LocateS3(const S3Endpoint& s3, std::string_view bucket, std::string_view key);

}  // namespace wdrbe::aws
