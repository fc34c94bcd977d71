#include "wdrbe/app/dlq_command.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <iostream>

#include "wdrbe/app/backends.hpp"
#include "wdrbe/base/clock.hpp"
#include "wdrbe/base/random.hpp"
#include "wdrbe/base/run_to_completion.hpp"
#include "wdrbe/domain/timestamp.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"

namespace wdrbe::app {
namespace {

constexpr int kExitNotFound = 3;

boost::json::object Summary(const DeadLetter& letter) {
  return {{"eventId", letter.event.event_id},
          {"itemId", letter.event.item_id},
          {"userId", letter.event.user_id},
          {"attempts", letter.attempts},
          {"lastError", letter.last_error},
          {"firstSeen", FormatTimestamp(letter.first_seen_ms)},
          {"lastTried", FormatTimestamp(letter.last_tried_ms)}};
}

boost::json::object Details(const DeadLetter& letter) {
  boost::json::object object = Summary(letter);
  object["type"] = kShareEventType;
  object["timestamp"] = FormatTimestamp(letter.event.timestamp_ms);
  object["requestId"] = letter.event.request_id;
  if (!letter.event.trace_context.empty()) object["traceparent"] = letter.event.trace_context;
  object["deadLetteredAt"] = FormatTimestamp(letter.dead_lettered_ms);
  boost::json::array history;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(letter.history_json, ec);
  if (!ec && parsed.is_array()) {
    for (const auto& entry : parsed.as_array()) {
      if (!entry.is_object() || !entry.as_object().contains("at")) continue;
      const auto& attempt = entry.as_object();
      history.push_back({{"at", FormatTimestamp(attempt.at("at").to_number<std::int64_t>())},
                         {"error", attempt.contains("error") ? attempt.at("error") : nullptr}});
    }
  }
  object["attemptHistory"] = std::move(history);
  return object;
}

int Fail(const Error& error) {
  std::cerr << "wdrbe dlq: " << error.message << std::endl;
  return error.code == ErrorCode::kNotFound ? kExitNotFound : 1;
}

int RunAction(const DlqOptions& options, DeadLetterQueue& dead_letters) {
  if (options.action == "list") {
    auto letters = RunToCompletion(dead_letters.List());
    if (!letters.ok()) return Fail(letters.error());
    boost::json::array out;
    for (const DeadLetter& letter : *letters) out.push_back(Summary(letter));
    std::cout << boost::json::serialize(out) << std::endl;
    return 0;
  }
  if (options.action == "show") {
    if (!options.event_id) return Fail(Error::BadRequest("usage: wdrbe dlq show EVENT_ID"));
    auto letter = RunToCompletion(dead_letters.Get(*options.event_id));
    if (!letter.ok()) return Fail(letter.error());
    if (!*letter) return Fail(Error::NotFound("no dead letter with event id " + *options.event_id));
    std::cout << boost::json::serialize(Details(**letter)) << std::endl;
    return 0;
  }
  if (options.action == "redrive") {
    if (options.all == options.event_id.has_value()) {
      std::cerr << "wdrbe dlq: usage: wdrbe dlq redrive EVENT_ID | wdrbe dlq redrive --all" << std::endl;
      return 2;
    }
    if (options.all) {
      auto count = RunToCompletion(dead_letters.RedriveAll());
      if (!count.ok()) return Fail(count.error());
      std::cout << boost::json::serialize(boost::json::object{{"redriven", *count}}) << std::endl;
      return 0;
    }
    if (Status s = RunToCompletion(dead_letters.Redrive(*options.event_id)); !s.ok()) return Fail(s.error());
    std::cout << boost::json::serialize(boost::json::object{{"redriven", 1}, {"eventId", *options.event_id}})
              << std::endl;
    return 0;
  }
  std::cerr << "wdrbe dlq: unknown action '" << options.action << "' (list, show, redrive)" << std::endl;
  return 2;
}

}  // namespace

int RunDlq(const DlqOptions& options) {
  SystemClock clock;
  SecureRandom random;
  if (Status s = CheckBackendFlags(options.backend.backend, options.backend.aws); !s.ok())
    return Fail(s.error());
  auto backend = OpenBackendForAdmin(options.backend, BackendDependencies{clock, random, nullptr});
  if (!backend.ok()) return Fail(backend.error());
  const int code = RunAction(options, *backend->dead_letters);
  backend->close();
  return code;
}

}  // namespace wdrbe::app
