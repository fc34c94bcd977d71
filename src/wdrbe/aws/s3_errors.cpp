#include "wdrbe/aws/s3_errors.hpp"

#include "wdrbe/aws/retry_policy.hpp"

namespace wdrbe::aws {
namespace {

// Error bodies are small and flat; a full XML parser would buy nothing.
std::string ElementText(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return "";
  const std::size_t from = start + open.size();
  const std::size_t end = xml.find(close, from);
  if (end == std::string_view::npos) return "";
  std::string text(xml.substr(from, end - from));
  // The five predefined entities are all an S3 message uses.
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

// Answers that mean the deployment is misconfigured, not a bug here: the
// operator can fix them, no retry will.
bool IsConfigurationError(const AwsError& error) {
  return error.http_status == 403 || error.code == "NoSuchBucket" || error.code == "AccessDenied" ||
         error.code == "InvalidAccessKeyId" || error.code == "SignatureDoesNotMatch" ||
         error.code == "PermanentRedirect" || error.code == "AuthorizationHeaderMalformed" ||
         error.code == "IllegalLocationConstraintException" || error.code == "ExpiredToken" ||
         error.code == "InvalidToken";
}

std::string Arn(std::string_view bucket, std::string_view key) {
  return "arn:aws:s3:::" + std::string(bucket) + (key.empty() ? "" : "/" + std::string(key));
}

std::string Target(std::string_view bucket, std::string_view key) {
  return "s3://" + std::string(bucket) + (key.empty() ? "" : "/" + std::string(key));
}

}  // namespace

AwsError ParseS3Error(const HttpResponse& response) {
  AwsError error;
  error.http_status = response.status;
  error.code = ElementText(response.body, "Code");
  error.message = ElementText(response.body, "Message");
  if (error.code.empty() && response.status == 404) error.code = "NotFound";
  const FailureKind kind = ClassifyErrorResponse(response.status, error.code);
  error.throttling = kind == FailureKind::kThrottling;
  error.retryable = kind != FailureKind::kNotRetryable;
  return error;
}

Error S3Error(const AwsError& error, std::string_view operation, std::string_view bucket,
              std::string_view key) {
  const std::string what = "S3 " + std::string(operation) + " " + Target(bucket, key) + ": ";
  const std::string detail = (error.code.empty() ? "HTTP " + std::to_string(error.http_status) : error.code) +
                             (error.message.empty() ? "" : " (" + error.message + ")");
  if (error.code == "NoSuchKey" || (error.http_status == 404 && error.code == "NotFound")) {
    return Error::NotFound(what + "no such object");
  }
  if (error.code == "NoSuchBucket") {
    return Error::Unavailable(what + "bucket " + std::string(bucket) +
                              " does not exist: create it (wdrbe aws setup --image-bucket " +
                              std::string(bucket) + ") or fix --image-bucket");
  }
  if (IsConfigurationError(error)) {
    std::string message =
        what + "bucket " + std::string(bucket) + " refused the call, " + detail +
        ": check the credentials, the region, and that the role may s3:" + std::string(operation) + " on " +
        Arn(bucket, key);
    // S3 hides whether a key exists from a caller without s3:ListBucket:
    // a missing key is then 403, not 404.
    if (operation == "GetObject") {
      message += " and s3:ListBucket on " + Arn(bucket, "") + " (without which a missing key is 403)";
    }
    return Error::Unavailable(message);
  }
  if (error.retryable || error.throttling || error.http_status == 0 || error.http_status >= 500) {
    return Error::Unavailable(what + detail);
  }
  return Error::Internal(what + detail);
}

}  // namespace wdrbe::aws
