#include "wdrbe/queue/sqs/sqs_call.hpp"

#include "wdrbe/queue/sqs/sqs_errors.hpp"

namespace wdrbe::sqs {
namespace {

std::string StringMember(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->as_string());
}

}  // namespace

Task<Result<boost::json::value>> CallSqs(aws::AwsClients& clients, std::string operation,
                                         boost::json::object request, std::string queue_url) {
  Task<aws::AwsJsonOutcome> call = clients.Call(aws::AwsService::kSqs, operation, std::move(request));
  aws::AwsJsonOutcome outcome = co_await std::move(call);
  if (!outcome.ok()) co_return ToError(outcome.error(), operation, queue_url);
  co_return outcome.value();
}

BatchAnswer ParseBatchAnswer(const boost::json::value& answer) {
  BatchAnswer parsed;
  if (!answer.is_object()) return parsed;
  if (const auto* successful = answer.as_object().if_contains("Successful");
      successful != nullptr && successful->is_array()) {
    for (const auto& entry : successful->as_array()) {
      if (entry.is_object()) parsed.successful.insert(StringMember(entry.as_object(), "Id"));
    }
  }
  if (const auto* failed = answer.as_object().if_contains("Failed");
      failed != nullptr && failed->is_array()) {
    for (const auto& entry : failed->as_array()) {
      if (!entry.is_object()) continue;
      const boost::json::object& object = entry.as_object();
      const boost::json::value* sender_fault = object.if_contains("SenderFault");
      parsed.failed[StringMember(object, "Id")] =
          BatchEntryFailure{StringMember(object, "Code"), StringMember(object, "Message"),
                            sender_fault != nullptr && sender_fault->is_bool() && sender_fault->as_bool()};
    }
  }
  return parsed;
}

}  // namespace wdrbe::sqs
