#include "wdrbe/storage/dynamodb/attribute_value.hpp"

#include <charconv>

namespace wdrbe::dynamodb {
namespace {

// The inner value of attributes[name] when it has the type `type`.
const boost::json::value* Typed(const boost::json::object& attributes, std::string_view name,
                                std::string_view type) {
  const boost::json::value* attribute = attributes.if_contains(name);
  if (attribute == nullptr || !attribute->is_object()) return nullptr;
  return attribute->get_object().if_contains(type);
}

}  // namespace

boost::json::value StringValue(std::string_view text) { return boost::json::object{{"S", text}}; }

boost::json::value NumberValue(std::int64_t number) {
  return boost::json::object{{"N", std::to_string(number)}};
}

boost::json::value BoolValue(bool flag) { return boost::json::object{{"BOOL", flag}}; }

std::optional<std::string> ReadString(const boost::json::object& attributes, std::string_view name) {
  const boost::json::value* value = Typed(attributes, name, "S");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::optional<std::int64_t> ReadNumber(const boost::json::object& attributes, std::string_view name) {
  const boost::json::value* value = Typed(attributes, name, "N");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const std::string_view text = value->get_string();
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

std::optional<bool> ReadBool(const boost::json::object& attributes, std::string_view name) {
  const boost::json::value* value = Typed(attributes, name, "BOOL");
  if (value == nullptr || !value->is_bool()) return std::nullopt;
  return value->get_bool();
}

void PutOptionalString(boost::json::object& attributes, std::string_view name,
                       const std::optional<std::string>& text) {
  if (text) attributes[name] = StringValue(*text);
}

}  // namespace wdrbe::dynamodb
