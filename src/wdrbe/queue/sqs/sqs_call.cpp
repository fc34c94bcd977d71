#include "wdrbe/queue/sqs/sqs_call.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "wdrbe/queue/sqs/sqs_errors.hpp"
#include "wdrbe/queue/sqs/sqs_limits.hpp"

namespace wdrbe::sqs {
namespace {

std::string StringMember(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->as_string());
}

struct BatchAnswer {
  std::set<std::string> successful;
  std::map<std::string, BatchEntryFailure> failed;
};

// {"Successful":[{"Id":...}], "Failed":[{"Id","Code","Message","SenderFault"}]}
BatchAnswer ReadBatchAnswer(const boost::json::value& answer) {
  BatchAnswer read;
  if (!answer.is_object()) return read;
  if (const auto* list = answer.as_object().if_contains("Successful"); list != nullptr && list->is_array()) {
    for (const auto& entry : list->as_array()) {
      if (entry.is_object()) read.successful.insert(StringMember(entry.as_object(), "Id"));
    }
  }
  if (const auto* list = answer.as_object().if_contains("Failed"); list != nullptr && list->is_array()) {
    for (const auto& entry : list->as_array()) {
      if (!entry.is_object()) continue;
      const boost::json::object& object = entry.as_object();
      const boost::json::value* sender_fault = object.if_contains("SenderFault");
      read.failed[StringMember(object, "Id")] =
          BatchEntryFailure{StringMember(object, "Code"), StringMember(object, "Message"),
                            sender_fault != nullptr && sender_fault->is_bool() && sender_fault->as_bool()};
    }
  }
  return read;
}

}  // namespace

Task<Result<boost::json::value>> CallSqs(aws::AwsClients& clients, std::string operation,
                                         boost::json::object request, std::string queue_url) {
  Task<aws::AwsJsonOutcome> call = clients.Call(aws::AwsService::kSqs, operation, std::move(request));
  aws::AwsJsonOutcome outcome = co_await std::move(call);
  if (!outcome.ok()) co_return ToError(outcome.error(), operation, queue_url);
  co_return outcome.value();
}

Task<Result<boost::json::object>> GetQueueAttributes(aws::AwsClients& clients, std::string queue_url,
                                                     boost::json::array names) {
  Task<Result<boost::json::value>> call =
      CallSqs(clients, "GetQueueAttributes",
              boost::json::object{{"QueueUrl", queue_url}, {"AttributeNames", std::move(names)}}, queue_url);
  const Result<boost::json::value> answer = co_await std::move(call);
  if (!answer.ok()) co_return answer.error();
  const boost::json::value* attributes =
      answer->is_object() ? answer->as_object().if_contains("Attributes") : nullptr;
  if (attributes == nullptr || !attributes->is_object()) co_return boost::json::object{};
  co_return attributes->as_object();
}

Task<Result<std::vector<std::optional<BatchEntryFailure>>>> CallSqsBatch(
    aws::AwsClients& clients, std::string operation, std::string queue_url,
    std::vector<boost::json::object> entries) {
  std::vector<std::optional<BatchEntryFailure>> answers(entries.size());
  for (std::size_t start = 0; start < entries.size(); start += kMaxBatchEntries) {
    const std::size_t end = std::min(entries.size(), start + kMaxBatchEntries);
    boost::json::array chunk;
    for (std::size_t i = start; i < end; ++i) {
      entries[i]["Id"] = std::to_string(i - start);
      chunk.push_back(std::move(entries[i]));
    }
    Task<Result<boost::json::value>> call =
        CallSqs(clients, operation,
                boost::json::object{{"QueueUrl", queue_url}, {"Entries", std::move(chunk)}}, queue_url);
    const Result<boost::json::value> answer = co_await std::move(call);
    if (!answer.ok()) co_return answer.error();
    const BatchAnswer batch = ReadBatchAnswer(*answer);
    for (std::size_t i = start; i < end; ++i) {
      const std::string id = std::to_string(i - start);
      if (batch.successful.contains(id)) continue;
      const auto failure = batch.failed.find(id);
      answers[i] = failure != batch.failed.end()
                       ? failure->second
                       : BatchEntryFailure{"Unanswered", "SQS named the entry neither way", false};
    }
  }
  co_return answers;
}

}  // namespace wdrbe::sqs
