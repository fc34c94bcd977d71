#include "wdrbe/lambda/sqs_event.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <system_error>

namespace wdrbe::lambda {
namespace {

namespace json = boost::json;

Error NotAnEvent(const std::string& what) { return Error::BadRequest("not an SQS event: " + what); }

const json::value* Member(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

// SQS sends its numeric attributes as decimal strings.
template <typename Number>
Number NumberAttribute(const json::object& attributes, std::string_view name) {
  Number n{};
  const json::value* value = Member(attributes, name);
  if (value == nullptr || !value->is_string()) return n;
  const std::string_view text = value->as_string();
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

Result<SqsRecord> ParseRecord(const json::value& value, std::size_t index) {
  const std::string where = "record " + std::to_string(index);
  if (!value.is_object()) return NotAnEvent(where + " is not an object");
  const json::object& record = value.as_object();
  if (const json::value* source = Member(record, "eventSource");
      source != nullptr && (!source->is_string() || source->as_string() != "aws:sqs")) {
    return NotAnEvent(where + " has an eventSource other than aws:sqs");
  }
  SqsRecord out;
  const json::value* id = Member(record, "messageId");
  if (id == nullptr || !id->is_string() || id->as_string().empty())
    return NotAnEvent(where + " has no messageId");
  out.message_id = std::string(id->as_string());
  if (const json::value* handle = Member(record, "receiptHandle"); handle != nullptr && handle->is_string()) {
    out.receipt_handle = std::string(handle->as_string());
  }
  if (const json::value* body = Member(record, "body")) {
    if (!body->is_string()) return NotAnEvent(where + " has a body that is not a string");
    out.body = std::string(body->as_string());
  }
  if (const json::value* attributes = Member(record, "attributes");
      attributes != nullptr && attributes->is_object()) {
    out.receive_count = NumberAttribute<int>(attributes->as_object(), "ApproximateReceiveCount");
    out.first_received_ms =
        NumberAttribute<std::int64_t>(attributes->as_object(), "ApproximateFirstReceiveTimestamp");
  }
  // Lambda spells message attributes {"traceparent": {"stringValue": ..., "dataType": "String"}}.
  if (const json::value* attributes = Member(record, "messageAttributes");
      attributes != nullptr && attributes->is_object()) {
    if (const json::value* trace = Member(attributes->as_object(), "traceparent");
        trace != nullptr && trace->is_object()) {
      if (const json::value* text = Member(trace->as_object(), "stringValue");
          text != nullptr && text->is_string()) {
        out.traceparent = std::string(text->as_string());
      }
    }
  }
  return out;
}

}  // namespace

Result<std::vector<SqsRecord>> ParseSqsEvent(std::string_view text) {
  std::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return NotAnEvent("not JSON");
  if (!parsed.is_object()) return NotAnEvent("not a JSON object");
  const json::value* records = Member(parsed.as_object(), "Records");
  if (records == nullptr || !records->is_array()) return NotAnEvent("no Records array");
  std::vector<SqsRecord> out;
  out.reserve(records->as_array().size());
  for (std::size_t i = 0; i < records->as_array().size(); ++i) {
    Result<SqsRecord> record = ParseRecord(records->as_array()[i], i);
    if (!record.ok()) return record.error();
    out.push_back(std::move(*record));
  }
  return out;
}

std::string BatchItemFailures(const std::vector<std::string>& failed_message_ids) {
  json::array failures;
  for (const std::string& id : failed_message_ids) failures.push_back(json::object{{"itemIdentifier", id}});
  return json::serialize(json::object{{"batchItemFailures", std::move(failures)}});
}

}  // namespace wdrbe::lambda
