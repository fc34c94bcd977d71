#include "wdrbe/queue/sqs/delivery_handle.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe::sqs {
namespace {

constexpr std::string_view kPrefix = "sqs1.";
constexpr std::size_t kDigestBytes = 12;

std::string Digest(std::string_view payload) {
  return Base64UrlEncode(Sha256(payload).substr(0, kDigestBytes));
}

std::optional<std::string> String(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::optional<std::int64_t> Integer(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_int64()) return std::nullopt;
  return value->as_int64();
}

}  // namespace

std::string EncodeDeliveryHandle(const DeliveryHandle& handle) {
  const std::string payload = boost::json::serialize(boost::json::object{
      {"h", handle.sqs_receipt_handle},
      {"n", handle.receive_count},
      {"f", handle.first_received_ms},
      {"b", handle.body},
      {"t", handle.trace_context},
      {"y", handle.history_json},
  });
  return std::string(kPrefix) + Base64UrlEncode(payload) + "." + Digest(payload);
}

std::optional<DeliveryHandle> DecodeDeliveryHandle(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::optional<std::string> payload = Base64UrlDecode(text.substr(0, dot));
  if (!payload || Digest(*payload) != text.substr(dot + 1)) return std::nullopt;
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(*payload, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& object = parsed.as_object();
  auto sqs_handle = String(object, "h");
  auto count = Integer(object, "n");
  auto first = Integer(object, "f");
  auto body = String(object, "b");
  auto trace = String(object, "t");
  auto history = String(object, "y");
  if (!sqs_handle || sqs_handle->empty() || !count || !first || !body || !trace || !history)
    return std::nullopt;
  return DeliveryHandle{std::move(*sqs_handle), static_cast<int>(*count), *first,
                        std::move(*body),       std::move(*trace),        std::move(*history)};
}

}  // namespace wdrbe::sqs
