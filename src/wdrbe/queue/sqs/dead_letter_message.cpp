#include "wdrbe/queue/sqs/dead_letter_message.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "wdrbe/queue/sqs/share_message.hpp"

namespace wdrbe::sqs {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

boost::json::array ParseHistory(std::string_view history_json) {
  if (history_json.empty()) return {};
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(history_json, ec);
  if (ec || !parsed.is_array()) return {};
  return std::move(parsed.as_array());
}

}  // namespace

std::string CleanErrorText(std::string_view error) {
  if (error.empty()) return "(no error given)";
  std::size_t end = std::min(error.size(), kMaxErrorBytes);
  // Never cut a character in two: when the first byte left out continues
  // one, the whole character goes.
  while (end > 0 && end < error.size() && IsUtf8Continuation(error[end])) --end;
  std::string clean(error.substr(0, end));
  for (char& c : clean) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
  }
  return clean;
}

std::string AppendFailure(std::string_view history_json, std::int64_t at_ms, std::string_view error) {
  boost::json::array history = ParseHistory(history_json);
  history.push_back(boost::json::object{{"at", at_ms}, {"error", error}});
  if (history.size() > kMaxHistoryEntries) {
    history.erase(history.begin(),
                  history.begin() + static_cast<std::ptrdiff_t>(history.size() - kMaxHistoryEntries));
  }
  return boost::json::serialize(history);
}

boost::json::object DeadLetterAttributes(const DeadLettering& dead_lettering) {
  boost::json::object attributes{
      {kLastErrorAttribute, StringAttribute(dead_lettering.error)},
      {kAttemptsAttribute, NumberAttribute(dead_lettering.attempts)},
      {kFirstReceivedAttribute, NumberAttribute(dead_lettering.first_received_ms)},
      {kDeadLetteredAttribute, NumberAttribute(dead_lettering.dead_lettered_ms)},
      {kHistoryAttribute, StringAttribute(dead_lettering.history_json)},
  };
  if (!dead_lettering.trace_context.empty()) {
    attributes[kTraceparentAttribute] = StringAttribute(dead_lettering.trace_context);
  }
  if (!dead_lettering.source_message_id.empty()) {
    attributes[kSourceMessageIdAttribute] = StringAttribute(dead_lettering.source_message_id);
  }
  return attributes;
}

boost::json::object RedrivenAttributes(std::string_view trace_context, std::string_view history_json) {
  boost::json::object attributes;
  if (!trace_context.empty()) attributes[kTraceparentAttribute] = StringAttribute(trace_context);
  if (!history_json.empty()) attributes[kHistoryAttribute] = StringAttribute(history_json);
  return attributes;
}

DeadLetter ReadDeadLetter(const ReceivedMessage& message, int policy_max_receives) {
  DeadLetter letter;
  const std::string trace_context = message.Attribute(kTraceparentAttribute).value_or("");
  Result<ShareEvent> event = ParseShareEventBody(message.body, trace_context);
  if (event.ok()) {
    letter.event = std::move(*event);
  } else {
    letter.event.event_id = message.Attribute(kSourceMessageIdAttribute).value_or(message.message_id);
    letter.event.trace_context = trace_context;
  }
  const std::optional<std::string> last_error = message.Attribute(kLastErrorAttribute);
  if (last_error) {
    letter.last_error = *last_error;
    letter.attempts = static_cast<int>(message.NumberAttribute(kAttemptsAttribute).value_or(0));
    letter.first_seen_ms =
        message.NumberAttribute(kFirstReceivedAttribute).value_or(message.first_received_ms);
    letter.dead_lettered_ms = message.NumberAttribute(kDeadLetteredAttribute).value_or(message.sent_ms);
    letter.last_tried_ms = letter.dead_lettered_ms;
    letter.history_json = message.Attribute(kHistoryAttribute).value_or("");
    if (letter.history_json.empty()) {
      letter.history_json = AppendFailure("", letter.dead_lettered_ms, letter.last_error);
    }
    return letter;
  }
  // Moved by the redrive policy, which records no time of its own: its
  // first receipt is the best known moment.
  letter.last_error = kStoppedWorkerError;
  letter.attempts = policy_max_receives;
  letter.first_seen_ms = message.first_received_ms;
  letter.last_tried_ms = message.first_received_ms;
  letter.dead_lettered_ms = message.first_received_ms;
  letter.history_json = AppendFailure(message.Attribute(kHistoryAttribute).value_or(""),
                                      letter.dead_lettered_ms, kStoppedWorkerError);
  return letter;
}

}  // namespace wdrbe::sqs
