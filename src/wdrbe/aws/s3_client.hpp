// The S3 REST calls the service makes: PutObject, GetObject, DeleteObject
// on whole objects of at most kMaxS3ObjectBytes, and CreateBucket for setup.
//
// - Requests are signed with SignS3Request and addressed by
//   s3_addressing.hpp (path-style on configured endpoints, else
//   virtual-hosted).
// - Each attempt has its own deadline (S3ClientOptions::attempt_timeout);
//   throttling, 5xx and transport failures are retried by the standard
//   policy (retry_policy.hpp), with a token bucket of this client's own.
//   Every call here is idempotent (a whole-object PUT or DELETE may be
//   sent twice), so a retry after a lost answer is safe.
// - Failures are Errors, mapped by s3_errors.hpp.
//
// Thread-safety: calls may be awaited concurrently on the HttpClient's
// io_context (one thread; AwsClients runs them there). The references
// must outlive the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wdrbe/aws/credentials.hpp"
#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/aws/retry_policy.hpp"
#include "wdrbe/aws/s3_addressing.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"

namespace wdrbe::aws {

// The largest object put or accepted from a get. Photos are at most 5 MiB
// (the API's upload limit); a larger stored object was not written here.
inline constexpr std::size_t kMaxS3ObjectBytes = 6 * 1024 * 1024;
// S3's own limit on all user metadata of one object (names and values).
inline constexpr std::size_t kMaxS3MetadataBytes = 2 * 1024;
// One attempt of a call: a 6 MiB body at a few MB/s, with room.
inline constexpr std::chrono::milliseconds kS3AttemptTimeout{20'000};

// A whole object. Metadata names are lowercase, without "x-amz-meta-".
struct S3Object {
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> metadata;

  // The value of user metadata `name` (lowercase), or nothing.
  std::optional<std::string> Metadata(std::string_view name) const;
};

struct S3ClientOptions {
  std::chrono::milliseconds attempt_timeout = kS3AttemptTimeout;
  RetryOptions retry{};
};

class S3Client {
 public:
  S3Client(HttpClient& http, CredentialsProvider& credentials, const Clock& clock, RandomSource& random,
           S3Endpoint endpoint, std::string region, S3ClientOptions options = {})
      : http_(http),
        credentials_(credentials),
        clock_(clock),
        random_(random),
        endpoint_(std::move(endpoint)),
        region_(std::move(region)),
        options_(options) {}

  // Replaces the object whole. Errors: kPayloadTooLarge for a body over
  // kMaxS3ObjectBytes; kInternal for a content type or metadata that cannot
  // be a header (control characters, names outside [a-z0-9-], over
  // kMaxS3MetadataBytes); else as s3_errors.hpp says.
  Task<Status> PutObject(std::string bucket, std::string key, S3Object object);
  // kNotFound when there is no such key; kInternal for an object over
  // kMaxS3ObjectBytes.
  Task<Result<S3Object>> GetObject(std::string bucket, std::string key);
  // Ok when the key did not exist (S3 answers 204 either way).
  Task<Status> DeleteObject(std::string bucket, std::string key);
  // true when created, false when this account already owns it.
  Task<Result<bool>> CreateBucket(std::string bucket);

 private:
  struct Call;
  Task<Result<HttpResponse>> Send(const Call& call);

  HttpClient& http_;
  CredentialsProvider& credentials_;
  const Clock& clock_;
  RandomSource& random_;
  const S3Endpoint endpoint_;
  const std::string region_;
  const S3ClientOptions options_;
  RetryTokenBucket bucket_;
};

}  // namespace wdrbe::aws
