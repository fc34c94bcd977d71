#include "wdrbe/aws/credentials_json.hpp"

#include <boost/json/parse.hpp>

namespace wdrbe::aws {

Result<Credentials> ParseCredentialsJson(std::string_view body, std::string_view source) {
  const auto bad = [&](std::string_view why) {
    return Error::Unavailable(std::string(source) + ": " + std::string(why));
  };
  boost::system::error_code ec;
  const boost::json::value document = boost::json::parse(body, ec);
  if (ec || !document.is_object()) return bad("the answer is not a JSON object");
  const boost::json::object& object = document.get_object();
  const auto text = [&](std::string_view key) -> std::string {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
  };
  if (const std::string code = text("Code"); !code.empty() && code != "Success") {
    return bad("answered Code " + code + (text("Message").empty() ? "" : ": " + text("Message")));
  }
  Credentials credentials{text("AccessKeyId"), text("SecretAccessKey"), text("Token"), std::nullopt};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return bad("the answer lacks AccessKeyId or SecretAccessKey");
  }
  if (const std::string expiration = text("Expiration"); !expiration.empty()) {
    credentials.expiration_ms = ParseIso8601Utc(expiration);
    if (!credentials.expiration_ms) return bad("unreadable Expiration \"" + expiration + "\"");
  }
  return credentials;
}

}  // namespace wdrbe::aws
