#include "wdrbe/storage/dynamodb/table_setup.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <vector>

#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"
#include "wdrbe/storage/dynamodb/table_layout.hpp"

namespace wdrbe::dynamodb {
namespace {

// A new table with five indexes takes seconds to minutes on AWS.
constexpr std::chrono::milliseconds kActivePollInterval{1000};
constexpr int kMaxActivePolls = 600;

boost::json::array KeySchemaArray(const char* pk, const char* sk) {
  return {boost::json::object{{"AttributeName", pk}, {"KeyType", "HASH"}},
          boost::json::object{{"AttributeName", sk}, {"KeyType", "RANGE"}}};
}

boost::json::object CreateTableRequest(const std::string& table) {
  boost::json::array attributes{boost::json::object{{"AttributeName", kPk}, {"AttributeType", "S"}},
                                boost::json::object{{"AttributeName", kSk}, {"AttributeType", "S"}}};
  boost::json::array indexes;
  for (const IndexSpec& index : kIndexes) {
    attributes.push_back(boost::json::object{{"AttributeName", index.pk}, {"AttributeType", "S"}});
    attributes.push_back(boost::json::object{{"AttributeName", index.sk}, {"AttributeType", "S"}});
    indexes.push_back(boost::json::object{{"IndexName", index.name},
                                          {"KeySchema", KeySchemaArray(index.pk, index.sk)},
                                          {"Projection", boost::json::object{{"ProjectionType", "ALL"}}}});
  }
  return {{"TableName", table},
          {"AttributeDefinitions", std::move(attributes)},
          {"KeySchema", KeySchemaArray(kPk, kSk)},
          {"GlobalSecondaryIndexes", std::move(indexes)},
          {"BillingMode", "PAY_PER_REQUEST"},
          {"StreamSpecification",
           boost::json::object{{"StreamEnabled", true}, {"StreamViewType", "NEW_AND_OLD_IMAGES"}}}};
}

std::string StringAt(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

// What DescribeTable says about the table and its indexes.
struct TableState {
  bool exists = false;
  bool active = false;  // the table and every index present are ACTIVE
  std::string status;
  std::string missing_index;  // the first index of table_layout.hpp it lacks
};

TableState ReadTableState(const boost::json::object& description) {
  TableState state;
  state.exists = true;
  const boost::json::value* table = description.if_contains("Table");
  if (table == nullptr || !table->is_object()) return state;
  state.status = StringAt(table->get_object(), "TableStatus");
  state.active = state.status == "ACTIVE";
  std::vector<std::string> present;
  if (const boost::json::value* indexes = table->get_object().if_contains("GlobalSecondaryIndexes");
      indexes != nullptr && indexes->is_array()) {
    for (const boost::json::value& index : indexes->get_array()) {
      if (!index.is_object()) continue;
      present.push_back(StringAt(index.get_object(), "IndexName"));
      const std::string status = StringAt(index.get_object(), "IndexStatus");
      if (!status.empty() && status != "ACTIVE") state.active = false;
    }
  }
  for (const IndexSpec& index : kIndexes) {
    if (std::find(present.begin(), present.end(), index.name) == present.end()) {
      state.missing_index = index.name;
      break;
    }
  }
  return state;
}

Task<Result<TableState>> DescribeTable(aws::AwsClients& clients, const std::string& table) {
  Task<aws::AwsJsonOutcome> calling =
      clients.Call(aws::AwsService::kDynamoDb, "DescribeTable", {{"TableName", table}});
  aws::AwsJsonOutcome outcome = co_await std::move(calling);
  if (!outcome.ok()) {
    if (outcome.error().code == "ResourceNotFoundException") co_return TableState{};
    co_return StoreError(outcome.error(), "DescribeTable", table);
  }
  if (!outcome.value().is_object()) co_return Error::Internal("DynamoDB DescribeTable answered no object");
  co_return ReadTableState(outcome.value().get_object());
}

Error MissingIndex(const std::string& table, const std::string& index) {
  return Error::Unavailable("DynamoDB table " + table + " has no index " + index +
                            ": it was not made by wdrbe aws setup (run it with a new --table)");
}

Task<Status> EnableTimeToLive(aws::AwsClients& clients, const std::string& table) {
  Task<aws::AwsJsonOutcome> describing =
      clients.Call(aws::AwsService::kDynamoDb, "DescribeTimeToLive", {{"TableName", table}});
  aws::AwsJsonOutcome described = co_await std::move(describing);
  if (!described.ok()) co_return StoreError(described.error(), "DescribeTimeToLive", table);
  if (described.value().is_object()) {
    if (const boost::json::value* ttl = described.value().get_object().if_contains("TimeToLiveDescription");
        ttl != nullptr && ttl->is_object()) {
      const std::string status = StringAt(ttl->get_object(), "TimeToLiveStatus");
      if (status == "ENABLED" || status == "ENABLING") co_return Status::Ok();
    }
  }
  boost::json::object request{
      {"TableName", table},
      {"TimeToLiveSpecification", boost::json::object{{"Enabled", true}, {"AttributeName", kExpiresAtAttr}}}};
  Task<aws::AwsJsonOutcome> updating = clients.Call(aws::AwsService::kDynamoDb, "UpdateTimeToLive", request);
  aws::AwsJsonOutcome updated = co_await std::move(updating);
  // Another process may have enabled it between the two calls.
  if (!updated.ok() && updated.error().message.find("already enabled") == std::string::npos) {
    co_return StoreError(updated.error(), "UpdateTimeToLive", table);
  }
  co_return Status::Ok();
}

Task<Status> EnablePointInTimeRecovery(aws::AwsClients& clients, const std::string& table) {
  boost::json::object request{
      {"TableName", table},
      {"PointInTimeRecoverySpecification", boost::json::object{{"PointInTimeRecoveryEnabled", true}}}};
  Task<aws::AwsJsonOutcome> updating =
      clients.Call(aws::AwsService::kDynamoDb, "UpdateContinuousBackups", request);
  aws::AwsJsonOutcome updated = co_await std::move(updating);
  // DynamoDB Local has no point-in-time recovery: not available there.
  if (!updated.ok() && updated.error().code != "UnknownOperationException") {
    co_return StoreError(updated.error(), "UpdateContinuousBackups", table);
  }
  co_return Status::Ok();
}

}  // namespace

Task<Result<bool>> EnsureTable(aws::AwsClients& clients, std::string table) {
  Task<Result<TableState>> describing = DescribeTable(clients, table);
  Result<TableState> state = co_await std::move(describing);
  if (!state.ok()) co_return state.error();
  bool created = false;
  if (!state->exists) {
    Task<aws::AwsJsonOutcome> creating =
        clients.Call(aws::AwsService::kDynamoDb, "CreateTable", CreateTableRequest(table));
    aws::AwsJsonOutcome outcome = co_await std::move(creating);
    // ResourceInUseException: another process is creating it; wait for it alike.
    if (!outcome.ok() && outcome.error().code != "ResourceInUseException") {
      co_return StoreError(outcome.error(), "CreateTable", table);
    }
    created = outcome.ok();
  }
  for (int poll = 0;; ++poll) {
    Task<Result<TableState>> polling = DescribeTable(clients, table);
    state = co_await std::move(polling);
    if (!state.ok()) co_return state.error();
    if (state->exists && !state->missing_index.empty()) co_return MissingIndex(table, state->missing_index);
    if (state->exists && state->active) break;
    if (poll >= kMaxActivePolls) {
      co_return Error::Unavailable("DynamoDB table " + table + " did not become ACTIVE (" + state->status +
                                   ")");
    }
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, kActivePollInterval);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;
  }
  Task<Status> ttl = EnableTimeToLive(clients, table);
  if (Status s = co_await std::move(ttl); !s.ok()) co_return s.error();
  Task<Status> recovery = EnablePointInTimeRecovery(clients, table);
  if (Status s = co_await std::move(recovery); !s.ok()) co_return s.error();
  co_return created;
}

Task<Status> CheckTable(aws::AwsClients& clients, std::string table) {
  Task<Result<TableState>> describing = DescribeTable(clients, table);
  Result<TableState> state = co_await std::move(describing);
  if (!state.ok()) co_return state.error();
  if (!state->exists) co_return Error::Unavailable(MissingTableMessage(table));
  if (!state->missing_index.empty()) co_return MissingIndex(table, state->missing_index);
  if (!state->active) {
    co_return Error::Unavailable("DynamoDB table " + table + " is " + state->status +
                                 ", not ACTIVE: wait, or run wdrbe aws setup");
  }
  co_return Status::Ok();
}

}  // namespace wdrbe::dynamodb
