// The item store on one DynamoDB table (layout: table_layout.hpp and
// docs/aws-backend.md). Any number of processes may share the table: every
// write is one transaction whose conditions assert the state its decision
// was made on, and a write that loses a race loads and decides again
// (at most kMaxWriteRounds rounds, then kUnavailable "too much contention"),
// so an idempotency key, an item id and a share event behave exactly as on
// one process.
//
// Lists are one Query of the index for their filters (one more only where
// DynamoDB cuts an answer at 1 MB). The indexes are eventually consistent
// on AWS: a list may lag a write that just committed by a fraction of a
// second; reads by id and every decision use consistent reads.
//
// Errors: throttling, 5xx, network failures and a missing table are
// kUnavailable (a missing table says "run wdrbe aws setup"); a request
// DynamoDB refuses is kInternal. Nothing is half-written on any failure.
// Thread-safe; Tasks complete on the awaiting coroutine's executor.
// `clients` must outlive the store.
#pragma once

#include <string>
#include <vector>

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/storage/dynamodb/table_client.hpp"
#include "wdrbe/storage/item_store.hpp"

namespace wdrbe::dynamodb {

// Rounds of load, decide and conditional write before a write gives up.
inline constexpr int kMaxWriteRounds = 8;

// The most index rows one search request reads (docs/aws-backend.md: about
// 50 read capacity units at most). A search walks the user's list index
// newest first, once per tier, matching in this process; a page that
// reaches this bound ends short, with a cursor where the walk stopped.
inline constexpr int kSearchRowsPerRequest = 1000;

class DynamoDbItemStore final : public ItemStore {
 public:
  DynamoDbItemStore(aws::AwsClients& clients, std::string table_name);

  Task<Result<CreateItemResult>> CreateItem(CreateItemCommand command) override;
  Task<Result<Item>> GetItem(std::string item_id) override;
  Task<Result<Item>> UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                std::int64_t now_ms) override;
  Task<Status> DeleteItem(std::string user_id, std::string item_id) override;
  Task<Result<ItemPage>> ListItems(ListItemsQuery query) override;
  Task<Result<SearchPage>> SearchItems(SearchItemsQuery query) override;
  Task<Result<ActivityPage>> ListActivities(ListActivitiesQuery query) override;
  Task<Result<ShareAdmission>> AdmitShare(AdmitShareCommand command) override;
  Task<Status> CompleteShareKey(std::string user_id, std::string idempotency_key) override;
  // Each command is its own transaction; commands of distinct event ids
  // run concurrently, a repeat of an event id after the first of it.
  Task<std::vector<Result<ShareApplication>>> ApplyShares(std::vector<ApplyShareCommand> commands) override;
  // A GetItem of a key that never exists: proves the table answers.
  Task<Status> Ping() override;

 private:
  Task<Result<ShareApplication>> ApplyShare(ApplyShareCommand command);
  Task<std::vector<Result<ShareApplication>>> ApplyInOrder(std::vector<ApplyShareCommand> commands);

  TableClient table_;
};

}  // namespace wdrbe::dynamodb
