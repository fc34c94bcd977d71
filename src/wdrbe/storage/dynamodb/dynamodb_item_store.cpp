#include "wdrbe/storage/dynamodb/dynamodb_item_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>

#include "wdrbe/storage/dynamodb/attribute_value.hpp"
#include "wdrbe/storage/dynamodb/dynamodb_errors.hpp"
#include "wdrbe/storage/dynamodb/item_attributes.hpp"
#include "wdrbe/storage/dynamodb/store_rounds.hpp"
#include "wdrbe/storage/dynamodb/transact_items.hpp"

namespace wdrbe::dynamodb {
namespace {

Error TooMuchContention(const char* what) {
  return Error::Unavailable(std::string("DynamoDB: too much contention ") + what);
}

// The second round goes at once: a failed condition usually means the
// state is decided now (the reload replays, or finds the conflict). Later
// rounds wait a little longer each, so that writers who keep colliding (a
// conflicting transaction, throttling) stop colliding.
constexpr std::chrono::milliseconds kContentionPause{10};

Task<void> PauseBeforeRound(int round) {
  if (round < 2) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, kContentionPause * (round - 1));
  auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)ec;
}

// Runs `make_round()` until a round decides (a value or an error), at most
// kMaxWriteRounds times.
template <typename T, typename MakeRound>
Task<Result<T>> RunRounds(MakeRound make_round, const char* what) {
  for (int round = 0; round < kMaxWriteRounds; ++round) {
    Task<void> pause = PauseBeforeRound(round);
    co_await std::move(pause);
    Task<Round<T>> attempt = make_round();
    Round<T> result = co_await std::move(attempt);
    if (!result.ok()) co_return result.error();
    if (*result) co_return std::move(**result);
  }
  co_return TooMuchContention(what);
}

// co_spawn hands results over in a default-constructed slot, which Result lacks.
template <typename T>
Task<std::optional<T>> InSlot(Task<T> task) {
  co_return co_await std::move(task);
}

}  // namespace

DynamoDbItemStore::DynamoDbItemStore(aws::AwsClients& clients, std::string table_name)
    : table_(clients, std::move(table_name)) {}

Task<Result<CreateItemResult>> DynamoDbItemStore::CreateItem(CreateItemCommand command) {
  auto make_round = [this, &command] { return CreateRound(table_, command); };
  Task<Result<CreateItemResult>> rounds = RunRounds<CreateItemResult>(make_round, "creating an item");
  co_return co_await std::move(rounds);
}

Task<Result<Item>> DynamoDbItemStore::GetItem(std::string item_id) {
  Task<Result<std::optional<boost::json::object>>> getting = table_.GetRow(ItemMetadataKey(item_id));
  Result<std::optional<boost::json::object>> row = co_await std::move(getting);
  if (!row.ok()) co_return row.error();
  if (!*row) co_return Error::NotFound("item not found");
  Result<StoredItem> stored = ReadItemRow(**row);
  if (!stored.ok()) co_return stored.error();
  co_return std::move(stored->item);
}

Task<Result<Item>> DynamoDbItemStore::UpdateItem(std::string user_id, std::string item_id, ItemPatch patch,
                                                 std::int64_t now_ms) {
  auto make_round = [&, this] { return UpdateRound(table_, user_id, item_id, patch, now_ms); };
  Task<Result<Item>> rounds = RunRounds<Item>(make_round, "updating an item");
  co_return co_await std::move(rounds);
}

Task<Status> DynamoDbItemStore::DeleteItem(std::string user_id, std::string item_id) {
  auto make_round = [&, this] { return DeleteRound(table_, user_id, item_id); };
  Task<Result<bool>> rounds = RunRounds<bool>(make_round, "deleting an item");
  Result<bool> deleted = co_await std::move(rounds);
  co_return deleted.status();
}

Task<Result<ItemPage>> DynamoDbItemStore::ListItems(ListItemsQuery query) {
  if (query.limit < 1) co_return Error::BadRequest("limit must be positive");
  ItemListPartition partition = ItemListPartitionFor(query.user_id, query.season, query.category);
  IndexQuery index_query{partition.index, std::move(partition.pk), std::nullopt, query.limit + 1};
  if (query.after) {
    index_query.sort_key_before = ItemSortKeyBefore(*query.after);
    if (!index_query.sort_key_before) co_return ItemPage{};  // nothing is older
  }
  // One row more than the page tells, exactly, whether another page exists.
  Task<Result<std::vector<boost::json::object>>> querying = table_.QueryIndex(std::move(index_query));
  Result<std::vector<boost::json::object>> rows = co_await std::move(querying);
  if (!rows.ok()) co_return rows.error();
  ItemPage page;
  page.has_more = static_cast<int>(rows->size()) > query.limit;
  for (const boost::json::object& row : *rows) {
    if (static_cast<int>(page.items.size()) == query.limit) break;
    Result<StoredItem> stored = ReadItemRow(row);
    if (!stored.ok()) co_return stored.error();
    page.items.push_back(std::move(stored->item));
  }
  co_return page;
}

Task<Result<SearchPage>> DynamoDbItemStore::SearchItems(SearchItemsQuery query) {
  if (query.limit < 1) co_return Error::BadRequest("limit must be positive");
  if (query.terms.empty()) co_return Error::BadRequest("a search needs at least one term");
  const ItemListPartition partition = ItemListPartitionFor(query.user_id, query.season, query.category);
  SearchPage page;
  int budget = kSearchRowsPerRequest;
  std::optional<SearchPosition> last_read;      // the last index row read, in its tier
  std::optional<SearchPosition> last_returned;  // the page's last item, in its tier
  const int first_tier = query.after ? static_cast<int>(query.after->tier) : 0;
  for (int t = first_tier; t < kSearchTierCount; ++t) {
    const auto tier = static_cast<SearchTier>(t);
    if (budget == 0) {
      // The bound fell on the end of the last tier read: the next request
      // finds nothing older there and goes on with this one.
      page.next = last_read;
      co_return page;
    }
    IndexQuery index_query{partition.index, partition.pk, std::nullopt, budget};
    if (query.after && query.after->tier == tier) {
      index_query.sort_key_before =
          ItemSortKeyBefore(CursorPosition{query.after->sort_key, query.after->item_id});
      if (!index_query.sort_key_before) continue;  // nothing older in this tier
    }
    Task<Result<std::vector<boost::json::object>>> querying = table_.QueryIndex(std::move(index_query));
    Result<std::vector<boost::json::object>> rows = co_await std::move(querying);
    if (!rows.ok()) co_return rows.error();
    for (const boost::json::object& row : *rows) {
      Result<StoredItem> stored = ReadItemRow(row);
      if (!stored.ok()) co_return stored.error();
      Item& item = stored->item;
      const bool matches = MatchTier(item.fields, query.terms) == tier;
      if (matches && static_cast<int>(page.items.size()) == query.limit) {
        // Another match: the next page starts after the page's last item,
        // which may be of the tier before.
        page.next = last_returned;
        co_return page;
      }
      last_read = SearchPosition{tier, item.created_at_ms, item.item_id};
      if (matches) {
        last_returned = last_read;
        page.items.push_back(std::move(item));
      }
    }
    const bool tier_read_whole = static_cast<int>(rows->size()) < budget;
    budget -= static_cast<int>(rows->size());
    if (!tier_read_whole) {
      page.next = last_read;
      co_return page;
    }
  }
  co_return page;
}

Task<Result<ActivityPage>> DynamoDbItemStore::ListActivities(ListActivitiesQuery query) {
  if (query.limit < 1) co_return Error::BadRequest("limit must be positive");
  IndexQuery index_query{kActivityIndex, ActivityFeedPartition(query.user_id), std::nullopt, query.limit + 1};
  index_query.oldest_first = query.oldest_first;
  if (query.after && query.oldest_first) {
    index_query.sort_key_after = ActivitySortKeyAfter(*query.after);
    if (!index_query.sort_key_after) co_return ActivityPage{};
  } else if (query.after) {
    index_query.sort_key_before = ActivitySortKeyBefore(*query.after);
    if (!index_query.sort_key_before) co_return ActivityPage{};
  }
  Task<Result<std::vector<boost::json::object>>> querying = table_.QueryIndex(std::move(index_query));
  Result<std::vector<boost::json::object>> rows = co_await std::move(querying);
  if (!rows.ok()) co_return rows.error();
  ActivityPage page;
  page.has_more = static_cast<int>(rows->size()) > query.limit;
  for (const boost::json::object& row : *rows) {
    if (static_cast<int>(page.activities.size()) == query.limit) break;
    Result<Activity> activity = ReadActivityRow(row);
    if (!activity.ok()) co_return activity.error();
    page.activities.push_back(std::move(*activity));
  }
  co_return page;
}

Task<Result<ShareAdmission>> DynamoDbItemStore::AdmitShare(AdmitShareCommand command) {
  auto make_round = [this, &command] { return AdmitShareRound(table_, command); };
  Task<Result<ShareAdmission>> rounds = RunRounds<ShareAdmission>(make_round, "admitting a share");
  co_return co_await std::move(rounds);
}

Task<Status> DynamoDbItemStore::CompleteShareKey(std::string user_id, std::string idempotency_key) {
  const Condition present = RowPresent();
  boost::json::object names = present.names;
  names["#completed"] = kCompletedAttr;
  boost::json::object request{
      {"TableName", table_.table()},
      {"Key", KeyAttributes(IdempotencyKey(user_id, IdempotentOperation::kShareItem, idempotency_key))},
      {"UpdateExpression", "SET #completed = :completed"},
      {"ConditionExpression", present.expression},
      {"ExpressionAttributeNames", std::move(names)},
      {"ExpressionAttributeValues", boost::json::object{{":completed", BoolValue(true)}}}};
  for (int round = 0; round < kMaxWriteRounds; ++round) {
    Task<void> pause = PauseBeforeRound(round);
    co_await std::move(pause);
    Task<aws::AwsJsonOutcome> calling =
        table_.clients().Call(aws::AwsService::kDynamoDb, "UpdateItem", request);
    aws::AwsJsonOutcome outcome = co_await std::move(calling);
    if (outcome.ok()) co_return Status::Ok();
    // No record (never saved, or gone with its TTL): nothing to complete.
    if (outcome.error().code == "ConditionalCheckFailedException") co_return Status::Ok();
    if (!IsContention(outcome.error())) co_return StoreError(outcome.error(), "UpdateItem", table_.table());
  }
  co_return TooMuchContention("completing a share key");
}

Task<Result<ShareApplication>> DynamoDbItemStore::ApplyShare(ApplyShareCommand command) {
  auto make_round = [this, &command] { return ApplyShareRound(table_, command); };
  Task<Result<ShareApplication>> rounds = RunRounds<ShareApplication>(make_round, "applying a share");
  co_return co_await std::move(rounds);
}

Task<std::vector<Result<ShareApplication>>> DynamoDbItemStore::ApplyInOrder(
    std::vector<ApplyShareCommand> commands) {
  std::vector<Result<ShareApplication>> results;
  for (ApplyShareCommand& command : commands) {
    Task<Result<ShareApplication>> applying = ApplyShare(std::move(command));
    results.push_back(co_await std::move(applying));
  }
  co_return results;
}

Task<std::vector<Result<ShareApplication>>> DynamoDbItemStore::ApplyShares(
    std::vector<ApplyShareCommand> commands) {
  namespace asio = boost::asio;
  // One group per event id, in the order of first appearance: distinct
  // events run concurrently, repeats of one event after its first, so the
  // first in the batch is the one applied, as on a store that applies in order.
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> group_of_event;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto [found, added] = group_of_event.try_emplace(commands[i].event.event_id, groups.size());
    if (added) groups.emplace_back();
    groups[found->second].push_back(i);
  }
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  using Slot = std::optional<std::vector<Result<ShareApplication>>>;
  using Spawned = decltype(asio::co_spawn(executor, std::declval<Task<Slot>>(), asio::deferred));
  std::vector<Spawned> applications;
  applications.reserve(groups.size());
  for (const std::vector<std::size_t>& group : groups) {
    std::vector<ApplyShareCommand> in_order;
    for (const std::size_t i : group) in_order.push_back(commands[i]);
    Task<Slot> applying = InSlot(ApplyInOrder(std::move(in_order)));
    applications.push_back(asio::co_spawn(executor, std::move(applying), asio::deferred));
  }
  std::vector<std::optional<Result<ShareApplication>>> by_command(commands.size());
  if (!applications.empty()) {
    auto [order, exceptions, slots] =
        co_await asio::experimental::make_parallel_group(std::move(applications))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (std::size_t k = 0; k < groups[g].size(); ++k) {
        if (!exceptions[g] && slots[g] && k < slots[g]->size()) by_command[groups[g][k]] = (*slots[g])[k];
      }
    }
  }
  std::vector<Result<ShareApplication>> results;
  results.reserve(commands.size());
  for (std::optional<Result<ShareApplication>>& result : by_command) {
    results.push_back(result ? std::move(*result) : Error::Internal("applying a share failed unexpectedly"));
  }
  co_return results;
}

Task<Status> DynamoDbItemStore::Ping() {
  Task<Result<std::optional<boost::json::object>>> getting = table_.GetRow(RowKey{"PING", "PING"});
  Result<std::optional<boost::json::object>> row = co_await std::move(getting);
  co_return row.status();
}

}  // namespace wdrbe::dynamodb
