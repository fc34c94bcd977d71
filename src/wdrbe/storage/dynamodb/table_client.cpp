#include "wdrbe/storage/dynamodb/table_client.hpp"

#include <boost/json/serialize.hpp>

#include "wdrbe/base/crypto.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"

namespace wdrbe::dynamodb {
namespace {

// A TransactGetItems that keeps meeting transactions in flight gives up
// after this many tries (each is a fresh consistent read).
constexpr int kMaxReadTries = 8;

// ClientRequestToken is 1-36 characters.
constexpr std::size_t kRequestTokenLength = 32;

std::optional<boost::json::object> ItemOf(const boost::json::value& response) {
  if (!response.is_object()) return std::nullopt;
  const boost::json::value* item = response.get_object().if_contains("Item");
  if (item == nullptr || !item->is_object()) return std::nullopt;
  return item->get_object();
}

}  // namespace

Task<Result<boost::json::object>> TableClient::Call(std::string operation,
                                                    boost::json::object request) const {
  Task<aws::AwsJsonOutcome> calling =
      clients_.Call(aws::AwsService::kDynamoDb, operation, std::move(request));
  aws::AwsJsonOutcome outcome = co_await std::move(calling);
  if (!outcome.ok()) co_return StoreError(outcome.error(), operation, table_);
  if (!outcome.value().is_object()) {
    co_return Error::Internal("DynamoDB " + operation + " answered something other than an object");
  }
  co_return outcome.value().get_object();
}

Task<Result<std::optional<boost::json::object>>> TableClient::GetRow(RowKey key) const {
  boost::json::object request{{"TableName", table_}, {"Key", KeyAttributes(key)}, {"ConsistentRead", true}};
  Task<Result<boost::json::object>> calling = Call("GetItem", std::move(request));
  Result<boost::json::object> answer = co_await std::move(calling);
  if (!answer.ok()) co_return answer.error();
  co_return ItemOf(*answer);
}

Task<Result<std::vector<std::optional<boost::json::object>>>> TableClient::GetRows(
    std::vector<RowKey> keys) const {
  if (keys.size() == 1) {
    // One row is read at one instant anyway, at half the cost.
    Task<Result<std::optional<boost::json::object>>> getting = GetRow(std::move(keys[0]));
    Result<std::optional<boost::json::object>> row = co_await std::move(getting);
    if (!row.ok()) co_return row.error();
    co_return std::vector<std::optional<boost::json::object>>{std::move(*row)};
  }
  boost::json::array gets;
  for (const RowKey& key : keys) {
    gets.push_back(boost::json::object{
        {"Get", boost::json::object{{"TableName", table_}, {"Key", KeyAttributes(key)}}}});
  }
  const boost::json::object request{{"TransactItems", std::move(gets)}};
  for (int attempt = 1;; ++attempt) {
    Task<aws::AwsJsonOutcome> calling =
        clients_.Call(aws::AwsService::kDynamoDb, "TransactGetItems", request);
    aws::AwsJsonOutcome outcome = co_await std::move(calling);
    if (!outcome.ok()) {
      if (IsContention(outcome.error()) && attempt < kMaxReadTries) continue;
      co_return StoreError(outcome.error(), "TransactGetItems", table_);
    }
    const boost::json::value* responses =
        outcome.value().is_object() ? outcome.value().get_object().if_contains("Responses") : nullptr;
    if (responses == nullptr || !responses->is_array() || responses->get_array().size() != keys.size()) {
      co_return Error::Internal("DynamoDB TransactGetItems answered without one response per key");
    }
    std::vector<std::optional<boost::json::object>> rows;
    rows.reserve(keys.size());
    for (const boost::json::value& response : responses->get_array()) rows.push_back(ItemOf(response));
    co_return rows;
  }
}

Task<Result<WriteOutcome>> TableClient::Write(boost::json::array members) const {
  if (members.empty()) co_return WriteOutcome::kCommitted;
  if (members.size() > kMaxTransactionMembers) {
    co_return Error::Internal("a DynamoDB transaction of more than 100 members");
  }
  // The token makes the client's retry of this very request (after a
  // network failure, say, when the first attempt may have committed)
  // answer as the first did instead of failing its own conditions. Each
  // call has its own (the body and a count of this client's calls), so a
  // later round is never taken for an earlier one.
  const std::uint64_t call = writes_.fetch_add(1, std::memory_order_relaxed);
  const std::string token = ToHex(Sha256(std::to_string(call) + "\n" + boost::json::serialize(members)))
                                .substr(0, kRequestTokenLength);
  boost::json::object request{{"TransactItems", std::move(members)}, {"ClientRequestToken", token}};
  Task<aws::AwsJsonOutcome> calling =
      clients_.Call(aws::AwsService::kDynamoDb, "TransactWriteItems", std::move(request));
  aws::AwsJsonOutcome outcome = co_await std::move(calling);
  if (outcome.ok()) co_return WriteOutcome::kCommitted;
  if (IsContention(outcome.error())) co_return WriteOutcome::kContended;
  co_return StoreError(outcome.error(), "TransactWriteItems", table_);
}

Task<Result<std::vector<boost::json::object>>> TableClient::QueryIndex(IndexQuery query) const {
  std::vector<boost::json::object> rows;
  std::optional<boost::json::object> start_key;
  while (static_cast<int>(rows.size()) < query.wanted) {
    boost::json::object request =
        IndexQueryRequest(table_, query, query.wanted - static_cast<int>(rows.size()), start_key);
    Task<Result<boost::json::object>> calling = Call("Query", std::move(request));
    Result<boost::json::object> page = co_await std::move(calling);
    if (!page.ok()) co_return page.error();
    if (const boost::json::value* items = page->if_contains("Items"); items != nullptr && items->is_array()) {
      for (const boost::json::value& item : items->get_array()) {
        if (item.is_object()) rows.push_back(item.get_object());
      }
    }
    const boost::json::value* last = page->if_contains("LastEvaluatedKey");
    if (last == nullptr || !last->is_object()) break;
    start_key = last->get_object();
  }
  co_return rows;
}

}  // namespace wdrbe::dynamodb
