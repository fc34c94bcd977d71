// DynamoDB AttributeValues as Boost.JSON ({"S": "text"}, {"N": "12"},
// {"BOOL": true}) and the readers of an item's attribute map. Readers answer
// nullopt for an attribute that is absent or of another type, so a row
// written by something else is reported, never misread.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wdrbe::dynamodb {

boost::json::value StringValue(std::string_view text);
boost::json::value NumberValue(std::int64_t number);
boost::json::value BoolValue(bool flag);

std::optional<std::string> ReadString(const boost::json::object& attributes, std::string_view name);
std::optional<std::int64_t> ReadNumber(const boost::json::object& attributes, std::string_view name);
std::optional<bool> ReadBool(const boost::json::object& attributes, std::string_view name);

// Sets attributes[name] to a string, or leaves it out when `text` is unset
// (DynamoDB has no empty optional: an absent attribute is the unset field).
void PutOptionalString(boost::json::object& attributes, std::string_view name,
                       const std::optional<std::string>& text);

}  // namespace wdrbe::dynamodb
