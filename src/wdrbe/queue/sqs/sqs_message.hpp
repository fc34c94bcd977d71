// An SQS message as ReceiveMessage answers it, and the message attributes
// the queue writes. Pure functions; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wdrbe::sqs {

struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;  // SQS's own
  std::string body;
  int receive_count = 0;               // ApproximateReceiveCount
  std::int64_t first_received_ms = 0;  // ApproximateFirstReceiveTimestamp
  std::int64_t sent_ms = 0;            // SentTimestamp
  // The String and Number message attributes, by name (their StringValue).
  std::map<std::string, std::string> attributes;

  std::optional<std::string> Attribute(std::string_view name) const;
  std::optional<std::int64_t> NumberAttribute(std::string_view name) const;
};

// The system attributes every receive asks for (MessageSystemAttributeNames).
boost::json::array ReceivedSystemAttributes();

// The messages of a ReceiveMessage answer ({} when none), oldest sent first
// (SQS returns a batch in no promised order). Entries without a receipt
// handle are skipped: nothing could settle them.
std::vector<ReceivedMessage> ParseReceivedMessages(const boost::json::value& answer);

// {"DataType": "String", "StringValue": value}, and the Number form.
boost::json::object StringAttribute(std::string_view value);
boost::json::object NumberAttribute(std::int64_t value);

}  // namespace wdrbe::sqs
