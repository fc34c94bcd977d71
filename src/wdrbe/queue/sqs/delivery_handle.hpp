// The receipt handle SqsShareQueue gives out: SQS's own receipt handle with
// what settling the delivery needs and SQS cannot tell later (its receive
// count, first receipt, the message body, trace context and failure
// history), so that Retry can dead-letter a delivery without a lookup and
// any thread or process holding the handle can settle it. Nothing is kept
// in memory per delivery.
//
//   "sqs1." base64url(JSON payload) "." base64url(first 12 bytes of SHA-256(payload))
//
// The digest catches a handle that was cut, altered or made up: decoding
// it fails and the queue answers kLeaseLost without asking SQS. It is no
// protection against forgery (whoever holds SQS credentials can settle any
// delivery anyway). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wdrbe::sqs {

struct DeliveryHandle {
  std::string sqs_receipt_handle;
  int receive_count = 0;
  std::int64_t first_received_ms = 0;
  std::string body;           // the message body, as received
  std::string trace_context;  // the traceparent attribute, "" when none
  std::string history_json;   // the failureHistory attribute, "" when none
  friend bool operator==(const DeliveryHandle&, const DeliveryHandle&) = default;
};

std::string EncodeDeliveryHandle(const DeliveryHandle& handle);

// nullopt for anything EncodeDeliveryHandle did not make.
std::optional<DeliveryHandle> DecodeDeliveryHandle(std::string_view text);

}  // namespace wdrbe::sqs
