#include "wdrbe/queue/sqs/queue_setup.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "wdrbe/queue/sqs/sqs_call.hpp"
#include "wdrbe/queue/sqs/sqs_errors.hpp"
#include "wdrbe/queue/sqs/sqs_limits.hpp"

namespace wdrbe::sqs {
namespace {

constexpr std::string_view kDeadLetterSuffix = "-dlq";
constexpr std::size_t kMaxQueueNameLength = 80;

// SQS queue names: 1-80 of letters, digits, '-' and '_' (the dead-letter
// queue's name included).
bool IsQueueName(std::string_view name) {
  if (name.empty() || name.size() + kDeadLetterSuffix.size() > kMaxQueueNameLength) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string StringAt(const boost::json::value& answer, std::string_view key) {
  if (!answer.is_object()) return {};
  const boost::json::value* value = answer.as_object().if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->as_string());
}

// The URL of `name`, made with `attributes` when it does not exist.
Task<Result<std::string>> EnsureQueue(aws::AwsClients& clients, std::string name,
                                      boost::json::object attributes) {
  Task<aws::AwsJsonOutcome> lookup =
      clients.Call(aws::AwsService::kSqs, "GetQueueUrl", boost::json::object{{"QueueName", name}});
  const aws::AwsJsonOutcome found = co_await std::move(lookup);
  if (found.ok()) co_return StringAt(found.value(), "QueueUrl");
  if (!IsMissingQueue(found.error())) co_return ToError(found.error(), "GetQueueUrl", name);
  Task<aws::AwsJsonOutcome> create =
      clients.Call(aws::AwsService::kSqs, "CreateQueue",
                   boost::json::object{{"QueueName", name}, {"Attributes", std::move(attributes)}});
  const aws::AwsJsonOutcome created = co_await std::move(create);
  if (created.ok()) co_return StringAt(created.value(), "QueueUrl");
  // Made meanwhile by another set-up with other attributes: keep it.
  if (created.error().code.find("QueueNameExists") != std::string::npos ||
      created.error().code.find("QueueAlreadyExists") != std::string::npos) {
    Task<Result<boost::json::value>> again =
        CallSqs(clients, "GetQueueUrl", boost::json::object{{"QueueName", name}}, name);
    const Result<boost::json::value> url = co_await std::move(again);
    if (!url.ok()) co_return url.error();
    co_return StringAt(*url, "QueueUrl");
  }
  co_return ToError(created.error(), "CreateQueue", name);
}

bool SamePolicy(std::string_view current_json, const std::string& arn, int max_receives) {
  boost::system::error_code ec;
  const boost::json::value current = boost::json::parse(current_json, ec);
  if (ec || !current.is_object()) return false;
  const boost::json::object& policy = current.as_object();
  const boost::json::value* target = policy.if_contains("deadLetterTargetArn");
  const boost::json::value* count = policy.if_contains("maxReceiveCount");
  if (target == nullptr || !target->is_string() || target->as_string() != arn || count == nullptr)
    return false;
  if (count->is_int64()) return count->as_int64() == max_receives;
  if (count->is_string()) return count->as_string() == std::to_string(max_receives);
  return false;
}

}  // namespace

Task<Result<SqsQueues>> EnsureQueues(aws::AwsClients& clients, std::string queue_name, int max_receives) {
  if (!IsQueueName(queue_name)) {
    co_return Error::BadRequest(
        "an SQS queue name is 1-76 letters, digits, '-' or '_' (its dead-letter queue adds \"-dlq\"): " +
        queue_name);
  }
  if (max_receives < 1 || max_receives > kMaxMaxReceiveCount) {
    co_return Error::BadRequest("max receives must be 1-" + std::to_string(kMaxMaxReceiveCount));
  }
  SqsQueues queues;
  Task<Result<std::string>> dead_letters = EnsureQueue(
      clients, queue_name + std::string(kDeadLetterSuffix),
      boost::json::object{{"MessageRetentionPeriod", std::to_string(kDeadLetterRetentionSeconds)}});
  Result<std::string> dead_letter_url = co_await std::move(dead_letters);
  if (!dead_letter_url.ok()) co_return dead_letter_url.error();
  queues.dead_letter_queue_url = std::move(*dead_letter_url);

  Task<Result<boost::json::object>> arn_call =
      GetQueueAttributes(clients, queues.dead_letter_queue_url, boost::json::array{"QueueArn"});
  const Result<boost::json::object> dead_letter_attributes = co_await std::move(arn_call);
  if (!dead_letter_attributes.ok()) co_return dead_letter_attributes.error();
  const boost::json::value* arn_value = dead_letter_attributes->if_contains("QueueArn");
  if (arn_value == nullptr || !arn_value->is_string()) {
    co_return Error::Unavailable("SQS answered no QueueArn for " + queues.dead_letter_queue_url);
  }
  const std::string arn(arn_value->as_string());
  const std::string policy = boost::json::serialize(
      boost::json::object{{"deadLetterTargetArn", arn}, {"maxReceiveCount", max_receives}});

  Task<Result<std::string>> share_queue =
      EnsureQueue(clients, queue_name,
                  boost::json::object{{"VisibilityTimeout", std::to_string(kQueueVisibilityTimeoutSeconds)},
                                      {"RedrivePolicy", policy}});
  Result<std::string> queue_url = co_await std::move(share_queue);
  if (!queue_url.ok()) co_return queue_url.error();
  queues.queue_url = std::move(*queue_url);

  Task<Result<boost::json::object>> policy_call =
      GetQueueAttributes(clients, queues.queue_url, boost::json::array{"RedrivePolicy"});
  const Result<boost::json::object> queue_attributes = co_await std::move(policy_call);
  if (!queue_attributes.ok()) co_return queue_attributes.error();
  const boost::json::value* current = queue_attributes->if_contains("RedrivePolicy");
  const std::string current_policy =
      current != nullptr && current->is_string() ? std::string(current->as_string()) : "";
  if (!SamePolicy(current_policy, arn, max_receives)) {
    Task<Result<boost::json::value>> set =
        CallSqs(clients, "SetQueueAttributes",
                boost::json::object{{"QueueUrl", queues.queue_url},
                                    {"Attributes", boost::json::object{{"RedrivePolicy", policy}}}},
                queues.queue_url);
    const Result<boost::json::value> updated = co_await std::move(set);
    if (!updated.ok()) co_return updated.error();
  }
  co_return queues;
}

Task<Status> CheckQueues(aws::AwsClients& clients, const SqsQueues& queues) {
  const std::array<const std::string*, 2> urls{&queues.queue_url, &queues.dead_letter_queue_url};
  for (const std::string* url : urls) {
    if (url->empty()) co_return Error::Unavailable("no SQS queue URL configured: run wdrbe aws setup");
    Task<Result<boost::json::object>> call =
        GetQueueAttributes(clients, *url, boost::json::array{"QueueArn"});
    const Result<boost::json::object> attributes = co_await std::move(call);
    if (!attributes.ok()) co_return attributes.error();
  }
  co_return Status::Ok();
}

}  // namespace wdrbe::sqs
