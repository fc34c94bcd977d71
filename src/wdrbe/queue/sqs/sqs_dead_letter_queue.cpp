#include "wdrbe/queue/sqs/sqs_dead_letter_queue.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <map>

#include "wdrbe/queue/sqs/dead_letter_message.hpp"
#include "wdrbe/queue/sqs/share_message.hpp"
#include "wdrbe/queue/sqs/sqs_call.hpp"
#include "wdrbe/queue/sqs/sqs_depth.hpp"
#include "wdrbe/queue/sqs/sqs_limits.hpp"

namespace wdrbe::sqs {
namespace {

template <typename T>
std::vector<const T*> Pointers(const std::vector<T>& values) {
  std::vector<const T*> pointers;
  for (const T& value : values) pointers.push_back(&value);
  return pointers;
}

// maxReceiveCount of a RedrivePolicy: a number, or (as some engines write
// it) a string of digits.
int MaxReceiveCountOf(std::string_view policy_json) {
  boost::system::error_code ec;
  const boost::json::value policy = boost::json::parse(policy_json, ec);
  if (ec || !policy.is_object()) return 0;
  const boost::json::value* count = policy.as_object().if_contains("maxReceiveCount");
  if (count == nullptr) return 0;
  if (count->is_int64()) return static_cast<int>(count->as_int64());
  if (count->is_string()) {
    int value = 0;
    for (char c : count->as_string()) {
      if (c < '0' || c > '9' || value > kMaxMaxReceiveCount) return 0;
      value = value * 10 + (c - '0');
    }
    return value;
  }
  return 0;
}

}  // namespace

Task<Result<std::vector<DeadLetter>>> SqsDeadLetterQueue::List() {
  Task<Result<std::vector<DeadLetter>>> read = ReadAll();
  co_return co_await std::move(read);
}

Task<Result<std::optional<DeadLetter>>> SqsDeadLetterQueue::Get(std::string event_id) {
  Task<Result<std::vector<DeadLetter>>> read = ReadAll();
  Result<std::vector<DeadLetter>> letters = co_await std::move(read);
  if (!letters.ok()) co_return letters.error();
  std::optional<DeadLetter> found;
  // The latest copy of an event dead-lettered more than once knows most.
  for (auto& letter : *letters) {
    if (letter.event.event_id == event_id) found = std::move(letter);
  }
  co_return found;
}

Task<Result<std::vector<DeadLetter>>> SqsDeadLetterQueue::ReadAll() {
  Task<Result<std::vector<Scanned>>> scan = Scan();
  Result<std::vector<Scanned>> scanned = co_await std::move(scan);
  if (!scanned.ok()) co_return scanned.error();
  Task<Status> show = Show(Pointers(*scanned));
  const Status shown = co_await std::move(show);
  if (!shown.ok()) co_return shown.error();
  std::vector<DeadLetter> letters;
  for (auto& entry : *scanned) letters.push_back(std::move(entry.letter));
  co_return letters;
}

Task<Status> SqsDeadLetterQueue::Redrive(std::string event_id) {
  Task<Result<std::vector<Scanned>>> scan = Scan();
  Result<std::vector<Scanned>> scanned = co_await std::move(scan);
  if (!scanned.ok()) co_return scanned.error();
  std::vector<const Scanned*> copies;
  std::vector<const Scanned*> others;
  for (const auto& entry : *scanned) {
    (entry.letter.event.event_id == event_id ? copies : others).push_back(&entry);
  }
  Task<Status> show_others = Show(others);
  const Status others_shown = co_await std::move(show_others);
  if (copies.empty()) {
    if (!others_shown.ok()) co_return others_shown;
    co_return Error::NotFound("no dead letter has event id " + event_id);
  }
  Task<Status> send = SendBack(*copies.back());
  const Status sent = co_await std::move(send);
  if (!sent.ok()) {
    Task<Status> show_copies = Show(copies);
    (void)co_await std::move(show_copies);
    co_return sent;
  }
  Task<Status> remove = Remove(copies);
  const Status removed = co_await std::move(remove);
  if (!removed.ok()) co_return removed;
  co_return others_shown;
}

Task<Result<std::int64_t>> SqsDeadLetterQueue::RedriveAll() {
  Task<Result<std::vector<Scanned>>> scan = Scan();
  Result<std::vector<Scanned>> scanned = co_await std::move(scan);
  if (!scanned.ok()) co_return scanned.error();
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Scanned*>> copies_of;
  for (const auto& entry : *scanned) {
    auto& copies = copies_of[entry.letter.event.event_id];
    if (copies.empty()) order.push_back(entry.letter.event.event_id);
    copies.push_back(&entry);
  }
  std::int64_t redriven = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::vector<const Scanned*>& copies = copies_of[order[i]];
    Task<Status> send = SendBack(*copies.back());
    Status done = co_await std::move(send);
    if (done.ok()) {
      Task<Status> remove = Remove(copies);
      done = co_await std::move(remove);
    }
    if (!done.ok()) {
      // What is not redriven stays a dead letter, visible again.
      std::vector<const Scanned*> rest;
      for (std::size_t j = i; j < order.size(); ++j) {
        for (const Scanned* copy : copies_of[order[j]]) rest.push_back(copy);
      }
      Task<Status> show = Show(rest);
      (void)co_await std::move(show);
      co_return done.error();
    }
    ++redriven;
  }
  co_return redriven;
}

Task<Result<std::int64_t>> SqsDeadLetterQueue::Depth() {
  Task<Result<std::int64_t>> depth = ApproximateDepth(clients_, queues_.dead_letter_queue_url);
  co_return co_await std::move(depth);
}

Task<Result<std::vector<SqsDeadLetterQueue::Scanned>>> SqsDeadLetterQueue::Scan() {
  std::vector<ReceivedMessage> messages;
  std::map<std::string, std::size_t> index_of;  // MessageId -> messages[i]
  while (static_cast<int>(messages.size()) < options_.max_listed) {
    boost::json::object request{
        {"QueueUrl", queues_.dead_letter_queue_url},
        {"MaxNumberOfMessages", kMaxBatchEntries},
        {"VisibilityTimeout", std::clamp(options_.list_visibility_seconds, 1, kMaxVisibilitySeconds)},
        {"WaitTimeSeconds", std::clamp(options_.list_wait_time_seconds, 0, kMaxWaitTimeSeconds)},
        {"MessageSystemAttributeNames", ReceivedSystemAttributes()},
        {"MessageAttributeNames", boost::json::array{"All"}}};
    Task<Result<boost::json::value>> call =
        CallSqs(clients_, "ReceiveMessage", std::move(request), queues_.dead_letter_queue_url);
    const Result<boost::json::value> answer = co_await std::move(call);
    if (!answer.ok()) {
      std::vector<Scanned> partial;
      for (auto& message : messages) partial.push_back(Scanned{std::move(message), {}});
      Task<Status> show = Show(Pointers(partial));
      (void)co_await std::move(show);
      co_return answer.error();
    }
    std::vector<ReceivedMessage> batch = ParseReceivedMessages(*answer);
    if (batch.empty()) break;
    for (auto& message : batch) {
      const auto seen = index_of.find(message.message_id);
      if (seen != index_of.end()) {
        // Seen before the scan ended (its hiding ran out): only the newest
        // receipt handle can show or delete it.
        messages[seen->second].receipt_handle = std::move(message.receipt_handle);
        continue;
      }
      index_of.emplace(message.message_id, messages.size());
      messages.push_back(std::move(message));
    }
  }

  bool any_by_policy = false;
  for (const auto& message : messages) any_by_policy |= !message.Attribute(kLastErrorAttribute).has_value();
  int policy_max_receives = 0;
  if (any_by_policy) {
    Task<int> policy = PolicyMaxReceives();
    policy_max_receives = co_await std::move(policy);
  }
  std::vector<Scanned> scanned;
  for (auto& message : messages) {
    DeadLetter letter = ReadDeadLetter(message, policy_max_receives);
    scanned.push_back(Scanned{std::move(message), std::move(letter)});
  }
  std::stable_sort(scanned.begin(), scanned.end(), [](const Scanned& a, const Scanned& b) {
    if (a.letter.dead_lettered_ms != b.letter.dead_lettered_ms) {
      return a.letter.dead_lettered_ms < b.letter.dead_lettered_ms;
    }
    return a.message.sent_ms < b.message.sent_ms;
  });
  co_return scanned;
}

Task<Status> SqsDeadLetterQueue::Show(std::vector<const Scanned*> scanned) {
  std::vector<boost::json::object> entries;
  for (const Scanned* entry : scanned) {
    entries.push_back(
        boost::json::object{{"ReceiptHandle", entry->message.receipt_handle}, {"VisibilityTimeout", 0}});
  }
  Task<Result<std::vector<std::optional<BatchEntryFailure>>>> call = CallSqsBatch(
      clients_, "ChangeMessageVisibilityBatch", queues_.dead_letter_queue_url, std::move(entries));
  // An entry that failed is visible again anyway once its hiding ends.
  const Result<std::vector<std::optional<BatchEntryFailure>>> answers = co_await std::move(call);
  co_return answers.status();
}

Task<Status> SqsDeadLetterQueue::Remove(std::vector<const Scanned*> scanned) {
  std::vector<boost::json::object> entries;
  for (const Scanned* entry : scanned) {
    entries.push_back(boost::json::object{{"ReceiptHandle", entry->message.receipt_handle}});
  }
  Task<Result<std::vector<std::optional<BatchEntryFailure>>>> call =
      CallSqsBatch(clients_, "DeleteMessageBatch", queues_.dead_letter_queue_url, std::move(entries));
  // A copy whose handle went stale is received again by the next listing
  // and redriven once more: harmless, since the store applies an event once.
  const Result<std::vector<std::optional<BatchEntryFailure>>> answers = co_await std::move(call);
  co_return answers.status();
}

Task<Status> SqsDeadLetterQueue::SendBack(const Scanned& scanned) {
  boost::json::object request{{"QueueUrl", queues_.queue_url}, {"MessageBody", scanned.message.body}};
  boost::json::object attributes =
      RedrivenAttributes(scanned.letter.event.trace_context, scanned.letter.history_json);
  if (!attributes.empty()) request["MessageAttributes"] = std::move(attributes);
  Task<Result<boost::json::value>> call =
      CallSqs(clients_, "SendMessage", std::move(request), queues_.queue_url);
  const Result<boost::json::value> sent = co_await std::move(call);
  co_return sent.status();
}

Task<int> SqsDeadLetterQueue::PolicyMaxReceives() {
  Task<Result<boost::json::object>> call =
      GetQueueAttributes(clients_, queues_.queue_url, boost::json::array{"RedrivePolicy"});
  const Result<boost::json::object> attributes = co_await std::move(call);
  if (!attributes.ok()) co_return 0;
  const boost::json::value* policy = attributes->if_contains("RedrivePolicy");
  if (policy == nullptr || !policy->is_string()) co_return 0;
  co_return MaxReceiveCountOf(policy->as_string());
}

}  // namespace wdrbe::sqs
