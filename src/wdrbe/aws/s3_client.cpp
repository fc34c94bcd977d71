#include "wdrbe/aws/s3_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "wdrbe/aws/s3_errors.hpp"
#include "wdrbe/aws/sigv4.hpp"

namespace wdrbe::aws {
namespace {

constexpr std::string_view kMetadataPrefix = "x-amz-meta-";
// Content types are short; this bounds what goes into a header.
constexpr std::size_t kMaxContentTypeLength = 255;

bool IsHeaderText(std::string_view text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;  // no control bytes (CR, LF), no non-ASCII
  }
  return true;
}

bool IsMetadataName(std::string_view name) {
  if (name.empty()) return false;
  for (const unsigned char c : name) {
    if (!std::islower(c) && !std::isdigit(c) && c != '-') return false;
  }
  return true;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ObjectName(std::string_view bucket, std::string_view key) {
  return "s3://" + std::string(bucket) + "/" + std::string(key);
}

Status CheckObject(const S3Object& object, std::string_view bucket, std::string_view key) {
  const std::string name = ObjectName(bucket, key);
  if (object.body.size() > kMaxS3ObjectBytes) {
    return Error{ErrorCode::kPayloadTooLarge,
                 "S3 PutObject " + name + ": " + std::to_string(object.body.size()) + " bytes, over the " +
                     std::to_string(kMaxS3ObjectBytes) + "-byte limit",
                 {}};
  }
  if (object.content_type.empty() || object.content_type.size() > kMaxContentTypeLength ||
      !IsHeaderText(object.content_type)) {
    return Error::Internal("S3 PutObject " + name + ": a content type that cannot be a header");
  }
  std::size_t metadata_bytes = 0;
  for (const auto& [meta_name, value] : object.metadata) {
    if (!IsMetadataName(meta_name) || !IsHeaderText(value)) {
      return Error::Internal("S3 PutObject " + name + ": metadata " + meta_name + " cannot be a header");
    }
    metadata_bytes += meta_name.size() + value.size();
  }
  if (metadata_bytes > kMaxS3MetadataBytes) {
    return Error::Internal("S3 PutObject " + name + ": metadata over S3's " +
                           std::to_string(kMaxS3MetadataBytes) + "-byte limit");
  }
  return Status::Ok();
}

// Outside us-east-1, S3 wants the region of a new bucket in the body.
std::string CreateBucketBody(std::string_view region) {
  if (region == "us-east-1") return "";
  return R"(<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
         "<LocationConstraint>" +
         std::string(region) + "</LocationConstraint></CreateBucketConfiguration>";
}

}  // namespace

std::optional<std::string> S3Object::Metadata(std::string_view name) const {
  for (const auto& [key, value] : metadata) {
    if (key == name) return value;
  }
  return std::nullopt;
}

struct S3Client::Call {
  std::string_view operation;  // "PutObject": for errors
  std::string method;
  std::string bucket;
  std::string key;  // empty for the bucket itself
  HeaderList headers;
  std::string body;
};

// Answers the final HTTP exchange, whatever its status, so each call reads
// the statuses it expects; only transport failures that outlast the
// retries are errors here.
Task<Result<HttpResponse>> S3Client::Send(const Call& call) {
  const S3Location location = LocateS3(endpoint_, call.bucket, call.key);
  RetryState retry(bucket_, random_, options_.retry);
  while (true) {
    Task<Result<Credentials>> fetching = credentials_.Fetch();
    Result<Credentials> credentials = co_await std::move(fetching);
    if (!credentials.ok()) {
      co_return Error::Unavailable("S3 " + std::string(call.operation) +
                                   ": no AWS credentials: " + credentials.error().message);
    }
    SignableRequest signable;
    signable.method = call.method;
    signable.path = location.signed_path;
    signable.headers = call.headers;
    signable.headers.emplace_back("Host", location.endpoint.HostHeader());
    signable.payload = call.body;
    (void)SignS3Request(signable, *credentials, SigningScope{region_, "s3"}, clock_.NowMillis());
    HttpRequest request;
    request.method = call.method;
    request.target = location.target;
    request.headers = std::move(signable.headers);
    request.body = std::move(signable.payload);
    request.timeout = options_.attempt_timeout;

    Task<Result<HttpResponse>> sending = http_.Send(location.endpoint, std::move(request));
    Result<HttpResponse> response = co_await std::move(sending);
    FailureKind kind = FailureKind::kNotRetryable;
    if (!response.ok()) {
      if (response.error().code == ErrorCode::kPayloadTooLarge) {
        co_return Error::Internal("S3 " + std::string(call.operation) + " " +
                                  ObjectName(call.bucket, call.key) + ": " + response.error().message);
      }
      kind = FailureKind::kNetwork;
    } else if (response->status >= 200 && response->status < 300) {
      retry.OnSuccess();
      co_return response;
    } else {
      const AwsError error = ParseS3Error(*response);
      kind = error.throttling  ? FailureKind::kThrottling
             : error.retryable ? FailureKind::kTransient
                               : FailureKind::kNotRetryable;
    }
    const std::optional<std::int64_t> delay_ms = retry.NextDelayMs(kind);
    if (!delay_ms) {
      if (response.ok()) co_return response;
      co_return S3Error(AwsError{0, "NetworkError", response.error().message, true, false}, call.operation,
                        call.bucket, call.key);
    }
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                    std::chrono::milliseconds(*delay_ms));
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;
  }
}

Task<Status> S3Client::PutObject(std::string bucket, std::string key, S3Object object) {
  if (Status s = CheckObject(object, bucket, key); !s.ok()) co_return s;
  Call call{"PutObject", "PUT", std::move(bucket), std::move(key), {}, std::move(object.body)};
  call.headers.emplace_back("Content-Type", object.content_type);
  for (const auto& [name, value] : object.metadata)
    call.headers.emplace_back(std::string(kMetadataPrefix) + name, value);
  Task<Result<HttpResponse>> sending = Send(call);
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return response.error();
  if (response->status != 200)
    co_return S3Error(ParseS3Error(*response), call.operation, call.bucket, call.key);
  co_return Status::Ok();
}

Task<Result<S3Object>> S3Client::GetObject(std::string bucket, std::string key) {
  const Call call{"GetObject", "GET", std::move(bucket), std::move(key), {}, ""};
  Task<Result<HttpResponse>> sending = Send(call);
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return response.error();
  // 206 and 304 answer conditions this client never sends.
  if (response->status != 200)
    co_return S3Error(ParseS3Error(*response), call.operation, call.bucket, call.key);
  if (response->body.size() > kMaxS3ObjectBytes) {
    co_return Error::Internal("S3 GetObject " + ObjectName(call.bucket, call.key) + ": " +
                              std::to_string(response->body.size()) + " bytes, over the " +
                              std::to_string(kMaxS3ObjectBytes) + "-byte limit");
  }
  S3Object object;
  object.content_type = response->Header("Content-Type").value_or("");
  object.body = std::move(response->body);
  for (const auto& [name, value] : response->headers) {
    std::string lower = Lowercase(name);
    if (lower.size() > kMetadataPrefix.size() && lower.starts_with(kMetadataPrefix)) {
      object.metadata.emplace_back(lower.substr(kMetadataPrefix.size()), value);
    }
  }
  co_return object;
}

Task<Status> S3Client::DeleteObject(std::string bucket, std::string key) {
  const Call call{"DeleteObject", "DELETE", std::move(bucket), std::move(key), {}, ""};
  Task<Result<HttpResponse>> sending = Send(call);
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return response.error();
  // S3 answers 204 whether or not the key existed; some engines say 200.
  if (response->status != 204 && response->status != 200) {
    co_return S3Error(ParseS3Error(*response), call.operation, call.bucket, call.key);
  }
  co_return Status::Ok();
}

Task<Result<bool>> S3Client::CreateBucket(std::string bucket) {
  const Call call{"CreateBucket", "PUT", std::move(bucket), "", {}, CreateBucketBody(region_)};
  Task<Result<HttpResponse>> sending = Send(call);
  Result<HttpResponse> response = co_await std::move(sending);
  if (!response.ok()) co_return response.error();
  if (response->status == 200) co_return true;
  const AwsError error = ParseS3Error(*response);
  // us-east-1 answers 200 for a bucket the account already owns; other
  // regions 409 BucketAlreadyOwnedByYou.
  if (error.code == "BucketAlreadyOwnedByYou") co_return false;
  if (error.code == "BucketAlreadyExists") {
    co_return Error::BadRequest("S3 bucket " + call.bucket +
                                " belongs to another AWS account (bucket names are global): choose another "
                                "--image-bucket");
  }
  co_return S3Error(error, call.operation, call.bucket, "");
}

}  // namespace wdrbe::aws
