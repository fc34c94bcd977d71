#include "wdrbe/queue/sqs/sqs_errors.hpp"

#include <string>

namespace wdrbe::sqs {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool IsMissingQueue(const aws::AwsError& error) {
  return EndsWith(error.code, "NonExistentQueue") || error.code == "QueueDoesNotExist";
}

bool IsLostLease(std::string_view code, std::string_view message) {
  if (EndsWith(code, "ReceiptHandleIsInvalid") || EndsWith(code, "MessageNotInflight")) return true;
  // AWS's answer for a handle whose lease ended or whose message is gone:
  // "Value ... for parameter ReceiptHandle is invalid. Reason: Message does
  // not exist or is not available for visibility timeout change." Other
  // invalid parameters (a visibility out of range) are not a lost lease.
  return EndsWith(code, "InvalidParameterValue") && message.find("ReceiptHandle") != std::string_view::npos;
}

Error ToError(const aws::AwsError& error, std::string_view operation, std::string_view queue_url) {
  if (IsMissingQueue(error)) {
    return Error::Unavailable("SQS queue URL does not exist: run wdrbe aws setup (" + std::string(queue_url) +
                              ")");
  }
  std::string what = "SQS " + std::string(operation) + " failed: ";
  what += error.code.empty() ? std::string("no answer") : error.code;
  if (!error.message.empty()) what += ": " + error.message;
  if (error.retryable || error.throttling || error.http_status == 0 || error.http_status >= 500) {
    return Error::Unavailable(std::move(what));
  }
  return Error::Internal(std::move(what));
}

}  // namespace wdrbe::sqs
