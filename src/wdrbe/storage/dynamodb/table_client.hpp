// The DynamoDB calls of the store, on one table: consistent reads of rows by
// key, transactions that either commit or report that another writer won,
// and newest-first index queries that fill a page across DynamoDB's 1 MB
// response limit. Failures are mapped by dynamodb_errors.hpp.
// Thread-safe (AwsClients is); the references must outlive it.
#pragma once

#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/base/result.hpp"
#include "wdrbe/base/task.hpp"
#include "wdrbe/storage/dynamodb/index_query.hpp"
#include "wdrbe/storage/dynamodb/table_layout.hpp"

namespace wdrbe::dynamodb {

enum class WriteOutcome {
  kCommitted,
  kContended,  // a condition failed or another transaction was in the way: nothing was written
};

class TableClient {
 public:
  TableClient(aws::AwsClients& clients, std::string table) : clients_(clients), table_(std::move(table)) {}

  const std::string& table() const { return table_; }
  aws::AwsClients& clients() const { return clients_; }

  // GetItem with ConsistentRead: the row, or nullopt when absent.
  Task<Result<std::optional<boost::json::object>>> GetRow(RowKey key) const;

  // TransactGetItems: the rows in `keys`' order, read at one instant, so
  // that a decision over several rows sees none half-written. A read that
  // collides with a transaction in flight is tried again.
  Task<Result<std::vector<std::optional<boost::json::object>>>> GetRows(std::vector<RowKey> keys) const;

  // TransactWriteItems (1-100 members): all or nothing. The client's own
  // retries of the call are idempotent (ClientRequestToken).
  Task<Result<WriteOutcome>> Write(boost::json::array members) const;

  // Queries until `wanted` rows or the partition's end; every call asks
  // for no more than the rows still wanted, so a page is one call unless
  // DynamoDB cut the answer at 1 MB.
  Task<Result<std::vector<boost::json::object>>> QueryIndex(IndexQuery query) const;

  // One call through the clients, mapping failures to the store's errors.
  Task<Result<boost::json::object>> Call(std::string operation, boost::json::object request) const;

 private:
  aws::AwsClients& clients_;
  const std::string table_;
  mutable std::atomic<std::uint64_t> writes_{0};  // names each Write's request token
};

// The most a transaction may hold (DynamoDB's limit).
inline constexpr std::size_t kMaxTransactionMembers = 100;

}  // namespace wdrbe::dynamodb
