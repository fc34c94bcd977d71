// What a message on the dead-letter queue carries beside the event body, as
// message attributes, and how such a message reads as a DeadLetter.
//
// A message the share queue dead-letters itself (SqsShareQueue::Retry, or
// a body that is no share event) carries:
//   lastError       String  the last failure, at most kMaxErrorBytes
//   attempts        Number  deliveries made (its receive count)
//   firstReceivedAt Number  Unix ms of its first delivery
//   deadLetteredAt  Number  Unix ms of its dead-lettering (also its last try)
//   failureHistory  String  JSON [{"at": ms, "error": text}, ...], the last
//                           kMaxHistoryEntries failures
//   traceparent     String  the event's trace context, when it has one
//   sourceMessageId String  for a body that is no share event: its MessageId
//                           on the share queue
// A message moved by the queue's redrive policy (its worker never settled
// it) has none but traceparent and, after an earlier redrive,
// failureHistory; it reads as failed with kStoppedWorkerError.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/queue/sqs/sqs_message.hpp"

namespace wdrbe::sqs {

inline constexpr char kLastErrorAttribute[] = "lastError";
inline constexpr char kAttemptsAttribute[] = "attempts";
inline constexpr char kFirstReceivedAttribute[] = "firstReceivedAt";
inline constexpr char kDeadLetteredAttribute[] = "deadLetteredAt";
inline constexpr char kHistoryAttribute[] = "failureHistory";
inline constexpr char kSourceMessageIdAttribute[] = "sourceMessageId";

// Bounds that keep a message far below SQS's 256 KiB however often an event
// fails and is redriven.
inline constexpr std::size_t kMaxErrorBytes = 1024;
inline constexpr std::size_t kMaxHistoryEntries = 20;

inline constexpr char kStoppedWorkerError[] = "the worker stopped before finishing (maxReceiveCount reached)";

// `error` as an attribute value SQS accepts: control characters other than
// tab and line breaks become '?', cut to kMaxErrorBytes on a UTF-8
// character boundary; "(no error given)" when empty (SQS refuses empty
// values).
std::string CleanErrorText(std::string_view error);

// `history_json` ("" or a failureHistory array) with one more failure,
// keeping the last kMaxHistoryEntries. A history that is not such an array
// is started afresh.
std::string AppendFailure(std::string_view history_json, std::int64_t at_ms, std::string_view error);

struct DeadLettering {
  std::string error;  // cleaned
  int attempts = 0;
  std::int64_t first_received_ms = 0;
  std::int64_t dead_lettered_ms = 0;
  std::string history_json;  // already including `error`
  std::string trace_context;
  std::string source_message_id;  // "" for a share event
};

// The MessageAttributes of the dead-letter queue's SendMessage.
boost::json::object DeadLetterAttributes(const DeadLettering& dead_lettering);

// The MessageAttributes of a redriven event sent back to the share queue:
// its trace context and the history so far, so that a later dead-lettering
// keeps what happened before the redrive.
boost::json::object RedrivenAttributes(std::string_view trace_context, std::string_view history_json);

// A dead-letter queue message as a dead letter. A body that is no share
// event reads as an event whose id is its MessageId on the share queue (and
// no other field), so an operator can still see, get and redrive it.
// `policy_max_receives` is the share queue's maxReceiveCount: the attempts
// of a message its redrive policy moved.
DeadLetter ReadDeadLetter(const ReceivedMessage& message, int policy_max_receives);

}  // namespace wdrbe::sqs
