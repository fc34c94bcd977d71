#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"

namespace wdrbe::dynamodb {
namespace {

constexpr std::string_view kCancelled = "TransactionCanceledException";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string MissingTableMessage(std::string_view table) {
  return "DynamoDB table " + std::string(table) + " does not exist: run wdrbe aws setup";
}

Error StoreError(const aws::AwsError& error, std::string_view operation, std::string_view table) {
  if (error.code == "ResourceNotFoundException") return Error::Unavailable(MissingTableMessage(table));
  const std::string detail =
      "DynamoDB " + std::string(operation) + " on " + std::string(table) + ": " +
      (error.code.empty() ? std::string("HTTP ") + std::to_string(error.http_status) : error.code) +
      (error.message.empty() ? "" : " (" + error.message + ")");
  if (error.retryable || error.throttling || error.http_status == 0 || error.http_status >= 500 ||
      IsContention(error)) {
    return Error::Unavailable(detail);
  }
  return Error::Internal(detail);
}

std::vector<std::string> CancellationCodesInMessage(std::string_view message) {
  std::vector<std::string> codes;
  const std::size_t open = message.rfind('[');
  const std::size_t close = message.rfind(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return codes;
  std::string_view list = message.substr(open + 1, close - open - 1);
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view code = Trim(list.substr(0, comma));
    if (!code.empty()) codes.emplace_back(code);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return codes;
}

std::vector<std::string> CancellationCodes(const aws::AwsError& error) {
  if (!error.cancellation_codes.empty()) return error.cancellation_codes;
  return CancellationCodesInMessage(error.message);
}

CancellationKind ClassifyCancellation(const std::vector<std::string>& codes) {
  for (const std::string& code : codes) {
    if (code == "ValidationError" || code == "ItemCollectionSizeLimitExceeded") {
      return CancellationKind::kRejected;
    }
  }
  return CancellationKind::kContention;
}

bool IsContention(const aws::AwsError& error) {
  if (error.code == "TransactionConflictException" || error.code == "TransactionInProgressException")
    return true;
  if (error.code != kCancelled) return false;
  return ClassifyCancellation(CancellationCodes(error)) == CancellationKind::kContention;
}

}  // namespace wdrbe::dynamodb
