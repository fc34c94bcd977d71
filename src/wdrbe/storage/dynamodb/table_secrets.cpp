#include "wdrbe/storage/dynamodb/table_secrets.hpp"

#include <vector>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/storage/dynamodb/attribute_value.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/table_client.hpp"
#include "wdrbe/storage/dynamodb/transact_items.hpp"

namespace wdrbe::dynamodb {
namespace {

Result<std::optional<std::string>> ReadSecret(const std::optional<boost::json::object>& row) {
  if (!row) return std::optional<std::string>();
  const std::optional<std::string> encoded = ReadString(*row, kSecretAttr);
  std::optional<std::string> secret = encoded ? Base64UrlDecode(*encoded) : std::nullopt;
  if (!secret || secret->empty()) return Error::Internal("DynamoDB secret row without a valid Secret");
  return secret;
}

}  // namespace

Task<Result<std::string>> LoadOrCreateSecret(aws::AwsClients& clients, std::string table, std::string name,
                                             RandomSource& random, std::size_t bytes) {
  const TableClient client(clients, table);
  const RowKey key = SecretKey(name);
  Task<Result<std::optional<boost::json::object>>> reading = client.GetRow(key);
  Result<std::optional<boost::json::object>> row = co_await std::move(reading);
  if (!row.ok()) co_return row.error();
  Result<std::optional<std::string>> stored = ReadSecret(*row);
  if (!stored.ok()) co_return stored.error();
  if (*stored) co_return std::move(**stored);

  std::vector<std::uint8_t> fresh(bytes);
  random.Fill(fresh);
  std::string secret(fresh.begin(), fresh.end());
  boost::json::object item = KeyAttributes(key);
  item[kEntityType] = StringValue(kSecretEntity);
  item[kSecretAttr] = StringValue(Base64UrlEncode(secret));
  boost::json::object request{{"TableName", table}, {"Item", std::move(item)}};
  ApplyCondition(request, RowAbsent());
  Task<aws::AwsJsonOutcome> putting = clients.Call(aws::AwsService::kDynamoDb, "PutItem", std::move(request));
  aws::AwsJsonOutcome put = co_await std::move(putting);
  if (put.ok()) co_return secret;
  if (put.error().code != "ConditionalCheckFailedException") {
    co_return StoreError(put.error(), "PutItem", table);
  }
  // Another process stored its secret first: that one is everyone's.
  Task<Result<std::optional<boost::json::object>>> rereading = client.GetRow(key);
  row = co_await std::move(rereading);
  if (!row.ok()) co_return row.error();
  stored = ReadSecret(*row);
  if (!stored.ok()) co_return stored.error();
  if (!*stored)
    co_return Error::Unavailable("DynamoDB secret " + name + " vanished while it was being created");
  co_return std::move(**stored);
}

}  // namespace wdrbe::dynamodb
