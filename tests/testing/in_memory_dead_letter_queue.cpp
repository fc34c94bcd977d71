#include "testing/in_memory_dead_letter_queue.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>

namespace wdrbe::testing {

Task<Result<std::vector<DeadLetter>>> InMemoryDeadLetterQueue::List() {
  std::lock_guard lock(queue_.mutex_);
  std::vector<DeadLetter> letters;
  for (const DeadMessage& dead : queue_.dead_letters_) letters.push_back(ToDeadLetter(dead));
  co_return letters;
}

Task<Result<std::optional<DeadLetter>>> InMemoryDeadLetterQueue::Get(std::string event_id) {
  std::lock_guard lock(queue_.mutex_);
  std::optional<DeadLetter> letter;
  for (const DeadMessage& dead : queue_.dead_letters_) {
    if (dead.message.event.event_id == event_id) letter = ToDeadLetter(dead);
  }
  co_return letter;
}

Task<Status> InMemoryDeadLetterQueue::Redrive(std::string event_id) {
  std::lock_guard lock(queue_.mutex_);
  auto& letters = queue_.dead_letters_;
  auto found = std::find_if(letters.begin(), letters.end(),
                            [&](const DeadMessage& dead) { return dead.message.event.event_id == event_id; });
  if (found == letters.end()) co_return Error::NotFound("no dead letter has this event id");
  DeadMessage dead = std::move(*found);
  letters.erase(found);
  RedriveLocked(std::move(dead));
  co_return Status::Ok();
}

Task<Result<std::int64_t>> InMemoryDeadLetterQueue::RedriveAll() {
  std::lock_guard lock(queue_.mutex_);
  std::vector<DeadMessage> letters = std::move(queue_.dead_letters_);
  queue_.dead_letters_.clear();
  for (DeadMessage& dead : letters) RedriveLocked(std::move(dead));
  co_return static_cast<std::int64_t>(letters.size());
}

Task<Result<std::int64_t>> InMemoryDeadLetterQueue::Depth() {
  std::lock_guard lock(queue_.mutex_);
  co_return static_cast<std::int64_t>(queue_.dead_letters_.size());
}

DeadLetter InMemoryDeadLetterQueue::ToDeadLetter(const DeadMessage& dead) {
  const InMemoryShareQueue::Message& message = dead.message;
  boost::json::array history;
  for (const auto& attempt : message.history) {
    history.push_back(boost::json::object{{"at", attempt.at_ms}, {"error", attempt.error}});
  }
  DeadLetter letter;
  letter.event = message.event;
  letter.attempts = message.receive_count;
  letter.last_error = message.history.empty() ? "" : message.history.back().error;
  letter.first_seen_ms = message.first_received_ms;
  letter.last_tried_ms = message.history.empty() ? 0 : message.history.back().at_ms;
  letter.dead_lettered_ms = dead.dead_lettered_ms;
  letter.history_json = boost::json::serialize(history);
  return letter;
}

void InMemoryDeadLetterQueue::RedriveLocked(DeadMessage dead) {
  InMemoryShareQueue::Message message;
  message.event = std::move(dead.message.event);
  message.visible_at_ms = queue_.clock_.NowMillis();
  message.history = std::move(dead.message.history);
  queue_.Enqueue(std::move(message));
}

}  // namespace wdrbe::testing
