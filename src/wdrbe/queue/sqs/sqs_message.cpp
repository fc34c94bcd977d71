#include "wdrbe/queue/sqs/sqs_message.hpp"

#include <algorithm>
#include <charconv>

namespace wdrbe::sqs {
namespace {

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string StringMember(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->as_string());
}

// SQS answers system attributes as strings of digits.
std::int64_t IntegerMember(const boost::json::object& object, std::string_view key) {
  return ParseInteger(StringMember(object, key)).value_or(0);
}

}  // namespace

std::optional<std::string> ReceivedMessage::Attribute(std::string_view name) const {
  const auto found = attributes.find(std::string(name));
  if (found == attributes.end()) return std::nullopt;
  return found->second;
}

std::optional<std::int64_t> ReceivedMessage::NumberAttribute(std::string_view name) const {
  const std::optional<std::string> text = Attribute(name);
  if (!text) return std::nullopt;
  return ParseInteger(*text);
}

boost::json::array ReceivedSystemAttributes() {
  return {"ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SentTimestamp"};
}

std::vector<ReceivedMessage> ParseReceivedMessages(const boost::json::value& answer) {
  std::vector<ReceivedMessage> messages;
  if (!answer.is_object()) return messages;
  const boost::json::value* list = answer.as_object().if_contains("Messages");
  if (list == nullptr || !list->is_array()) return messages;
  for (const auto& entry : list->as_array()) {
    if (!entry.is_object()) continue;
    const boost::json::object& object = entry.as_object();
    ReceivedMessage message;
    message.message_id = StringMember(object, "MessageId");
    message.receipt_handle = StringMember(object, "ReceiptHandle");
    message.body = StringMember(object, "Body");
    if (message.receipt_handle.empty()) continue;
    if (const auto* system = object.if_contains("Attributes"); system != nullptr && system->is_object()) {
      message.receive_count = static_cast<int>(IntegerMember(system->as_object(), "ApproximateReceiveCount"));
      message.first_received_ms = IntegerMember(system->as_object(), "ApproximateFirstReceiveTimestamp");
      message.sent_ms = IntegerMember(system->as_object(), "SentTimestamp");
    }
    if (const auto* own = object.if_contains("MessageAttributes"); own != nullptr && own->is_object()) {
      for (const auto& [name, attribute] : own->as_object()) {
        if (!attribute.is_object()) continue;
        const boost::json::value* value = attribute.as_object().if_contains("StringValue");
        if (value != nullptr && value->is_string()) {
          message.attributes.emplace(std::string(name), std::string(value->as_string()));
        }
      }
    }
    messages.push_back(std::move(message));
  }
  std::stable_sort(messages.begin(), messages.end(),
                   [](const ReceivedMessage& a, const ReceivedMessage& b) { return a.sent_ms < b.sent_ms; });
  return messages;
}

boost::json::object StringAttribute(std::string_view value) {
  return {{"DataType", "String"}, {"StringValue", value}};
}

boost::json::object NumberAttribute(std::int64_t value) {
  return {{"DataType", "Number"}, {"StringValue", std::to_string(value)}};
}

}  // namespace wdrbe::sqs
